#!/usr/bin/env bash
# Launches the built-in CartPole trainer for one run. autopilot appends the run's config to
# trainer.command as PufferLib-style flags (--train.learning-rate 0.003 …, then any --wandb
# flags): they arrive here as "$@" and are passed on as they are, never through a shell string.
# One script for both modes (the mode is in the flags). To tune another trainer, run
# `autopilot init` for it, or set AUTOPILOT_TRAINER (in autopilot.json's trainer.env) to another
# node entry point.
set -euo pipefail

home="${AUTOPILOT_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
node="${AUTOPILOT_NODE:-node}"
trainer="${AUTOPILOT_TRAINER:-$home/dist/trainers/cartpole/main.js}"

# A Python trainer buffers stdout in a pipe: its metric lines would come late, and a run that
# seems to print nothing is stopped as hung.
export PYTHONUNBUFFERED=1
exec "$node" "$trainer" "$@"
