#!/usr/bin/env bash
# Launches PufferLib's trainer for one run of puffer_drone_pp: renders runs/<id>/config.json into
# PufferLib flags with autopilot's own renderer, then execs
#   ${PUFFER_PYTHON:-python3} $AUTOPILOT_HOME/trainers/pufferlib/autopilot_shim.py train puffer_drone_pp FLAGS...
# (the shim calls pufferlib.pufferl.train() and writes trainer_summary.json from the logs it
# returns), or, with PUFFER_AUTOPILOT_NATIVE=1, PufferLib's own CLI
#   ${PUFFER_PYTHON:-python3} -m pufferlib.pufferl train puffer_drone_pp FLAGS...
# for a PufferLib with the autopilot patch, which writes trainer_summary.json itself.
# Set PUFFER_PYTHON (e.g. PufferLib's .venv/bin/python) and PUFFER_AUTOPILOT_NATIVE in autopilot.json's
# trainer.env. One script for both modes (the mode is in the config).
set -euo pipefail

: "${PUFFER_AUTOPILOT_RUN_DIR:?run by autopilot, which sets PUFFER_AUTOPILOT_RUN_DIR}"
config="$PUFFER_AUTOPILOT_RUN_DIR/config.json"
home="${AUTOPILOT_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}"
node="${AUTOPILOT_NODE:-node}"
python="${PUFFER_PYTHON:-python3}"

# NUL-separated, read into an array: no value is ever split, globbed or evaluated by the shell.
mapfile -d '' args < <("$node" "$home/bin/autopilot.js" render-args --null "$config")
wait $! || { echo "run_training.sh: could not render flags from $config" >&2; exit 2; }

# Python buffers stdout in a pipe; autopilot needs the dashboard and metric lines as they come.
export PYTHONUNBUFFERED=1

# Extra arguments autopilot passes (e.g. --wandb flags) follow the config's flags.
if [[ "${PUFFER_AUTOPILOT_NATIVE:-0}" == "1" ]]; then
  exec "$python" -m pufferlib.pufferl train puffer_drone_pp "${args[@]}" "$@"
fi
exec "$python" "$home/trainers/pufferlib/autopilot_shim.py" train puffer_drone_pp "${args[@]}" "$@"
