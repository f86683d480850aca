#!/usr/bin/env bash
# Launches the trainer for one run. autopilot starts it as `bash scripts/run_training.sh FLAGS...`:
# the run's config rendered as PufferLib-style flags (`--train.learning-rate 0.003`, one argv
# element each, never through a shell), then any tracker flags. They are passed on as they came.
# To tune another trainer, set AUTOPILOT_TRAINER (in autopilot.json's trainer.env) to its entry
# point, change the `exec` line, or point trainer.command at your own command.
set -euo pipefail

: "${PUFFER_AUTOPILOT_RUN_DIR:?run by autopilot, which sets PUFFER_AUTOPILOT_RUN_DIR}"
home="${AUTOPILOT_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
node="${AUTOPILOT_NODE:-node}"

# A Python trainer buffers stdout in a pipe: its prints would sit there and the run look hung.
export PYTHONUNBUFFERED=1

trainer="${AUTOPILOT_TRAINER:-$home/dist/trainers/cartpole/main.js}"
exec "$node" "$trainer" "$@"
