#!/usr/bin/env bash
# The README's test command on a fresh machine: installs the Debian packages the tests need when they
# are missing (Debian's python3-optuna, for the benchmark's Optuna bridge, and chromium, for the inspector's
# browser tests; slurm-wlm and munge, for the Slurm launcher's tests; needs root), brings up a one-node
# Slurm (bin/slurm-up.sh), then
# type-checks and runs every test (with a coverage summary), with nothing allowed to skip for want of them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
/usr/bin/python3 -c 'import optuna' 2>/dev/null || missing+=(python3 python3-optuna)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v sbatch >/dev/null || missing+=(slurm-wlm munge)
if ((${#missing[@]} > 0)); then
  if [[ "$(id -u)" != "0" ]]; then
    echo "test:all: the tests need Debian's ${missing[*]}; run this as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The Slurm tests fail, never skip, without a running Slurm; this stops here with the reason instead.
bash bin/slurm-up.sh

AUTOPILOT_COVERAGE=1 npm test
echo "test:all: $(node bin/untested-files.mjs | wc -l) source files have no direct test (npm run test:untested lists them)"
