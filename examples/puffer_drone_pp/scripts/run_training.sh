#!/usr/bin/env bash
# Launches PufferLib's trainer for one run of puffer_drone_pp. autopilot passes the run's config as
# PufferLib flags (its arguments, "$@"); this script execs
#   ${PUFFER_PYTHON:-python3} $AUTOPILOT_HOME/trainers/pufferlib/autopilot_shim.py train puffer_drone_pp FLAGS...
# (the shim calls pufferlib.pufferl.train() and writes trainer_summary.json from the logs it
# returns), or, with PUFFER_AUTOPILOT_NATIVE=1, PufferLib's own CLI
#   ${PUFFER_PYTHON:-python3} -m pufferlib.pufferl train puffer_drone_pp FLAGS...
# for a PufferLib with the autopilot patch, which writes trainer_summary.json itself.
# Set PUFFER_PYTHON (e.g. PufferLib's .venv/bin/python) and PUFFER_AUTOPILOT_NATIVE in autopilot.json's
# trainer.env. One script for both modes (the mode is in the config).
set -euo pipefail

: "${PUFFER_AUTOPILOT_RUN_DIR:?run by autopilot, which sets PUFFER_AUTOPILOT_RUN_DIR}"
home="${AUTOPILOT_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}"
python="${PUFFER_PYTHON:-python3}"

# Python buffers stdout in a pipe; autopilot needs the dashboard and metric lines as they come.
export PYTHONUNBUFFERED=1

# The run's flags (and any tracker flags) are this script's arguments.
if [[ "${PUFFER_AUTOPILOT_NATIVE:-0}" == "1" ]]; then
  exec "$python" -m pufferlib.pufferl train puffer_drone_pp "$@"
fi
exec "$python" "$home/trainers/pufferlib/autopilot_shim.py" train puffer_drone_pp "$@"
