#!/usr/bin/env bash
# Launches PufferLib's trainer for one run of puffer_drone_pp. autopilot appends the run's config
# to trainer.command as PufferLib flags (then any --wandb flags): they arrive here as "$@" and are
# passed on as they are, never through a shell string, to
#   ${PUFFER_PYTHON:-python3} $AUTOPILOT_HOME/trainers/pufferlib/autopilot_shim.py train puffer_drone_pp FLAGS...
# (the shim calls pufferlib.pufferl.train() and writes trainer_summary.json from the logs it
# returns), or, with PUFFER_AUTOPILOT_NATIVE=1, PufferLib's own CLI
#   ${PUFFER_PYTHON:-python3} -m pufferlib.pufferl train puffer_drone_pp FLAGS...
# for a PufferLib with the autopilot patch, which writes trainer_summary.json itself.
# Set PUFFER_PYTHON (e.g. PufferLib's .venv/bin/python) and PUFFER_AUTOPILOT_NATIVE in autopilot.json's
# trainer.env. One script for both modes (the mode is in the flags).
set -euo pipefail

home="${AUTOPILOT_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}"
python="${PUFFER_PYTHON:-python3}"

# PufferLib's checkpoints go to the run folder (autopilot records, resumes from and prunes them
# there), unless the config sets train.data_dir itself.
flags=("$@")
data_dir_set=0
for flag in "$@"; do
  [[ "$flag" == --train.data-dir || "$flag" == --train.data-dir=* ]] && data_dir_set=1
done
if [[ "$data_dir_set" == 0 && -n "${PUFFER_AUTOPILOT_RUN_DIR:-}" ]]; then
  flags+=(--train.data-dir "$PUFFER_AUTOPILOT_RUN_DIR/checkpoints")
fi

# Python buffers stdout in a pipe; autopilot needs the dashboard and metric lines as they come.
export PYTHONUNBUFFERED=1
if [[ "${PUFFER_AUTOPILOT_NATIVE:-0}" == "1" ]]; then
  exec "$python" -m pufferlib.pufferl train puffer_drone_pp "${flags[@]}"
fi
exec "$python" "$home/trainers/pufferlib/autopilot_shim.py" train puffer_drone_pp "${flags[@]}"
