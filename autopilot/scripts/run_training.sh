#!/usr/bin/env bash
# Launches the trainer for one run: renders runs/<id>/config.json into PufferLib-style flags with
# autopilot's own renderer, then execs the trainer. One script for both modes (the mode is in the
# config). To tune another trainer, set AUTOPILOT_TRAINER (in autopilot.json's trainer.env) to
# its entry point, change the `exec` line, or point trainer.command at your own script.
set -euo pipefail

: "${PUFFER_AUTOPILOT_RUN_DIR:?run by autopilot, which sets PUFFER_AUTOPILOT_RUN_DIR}"
config="$PUFFER_AUTOPILOT_RUN_DIR/config.json"
home="${AUTOPILOT_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
node="${AUTOPILOT_NODE:-node}"

# NUL-separated, read into an array: no value is ever split, globbed or evaluated by the shell.
mapfile -d '' args < <("$node" "$home/bin/autopilot.js" render-args --null "$config")
wait $! || { echo "run_training.sh: could not render flags from $config" >&2; exit 2; }

trainer="${AUTOPILOT_TRAINER:-$home/dist/trainers/cartpole/main.js}"
# Extra arguments autopilot passes (e.g. --wandb flags) follow the config's flags.
exec "$node" "$trainer" "${args[@]}" "$@"
