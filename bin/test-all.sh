#!/usr/bin/env bash
# The README's test command on a fresh machine: installs the Debian packages the tests need when they
# are missing (Debian's python3-optuna, for the benchmark's Optuna bridge; needs root), then
# type-checks and runs every test (with a coverage summary), with nothing allowed to skip for want of them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! /usr/bin/python3 -c 'import optuna' 2>/dev/null; then
  if [[ "$(id -u)" != "0" ]]; then
    echo "test:all: the tests need Debian's python3-optuna for /usr/bin/python3; run this as root, or: sudo apt-get install python3-optuna" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends python3 python3-optuna
fi

AUTOPILOT_COVERAGE=1 npm test
echo "test:all: $(node bin/untested-files.mjs | wc -l) source files have no direct test (npm run test:untested lists them)"
