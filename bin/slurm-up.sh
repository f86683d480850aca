#!/usr/bin/env bash
# Brings up a one-node Slurm on this machine, for the Slurm tests and for trying autopilot's Slurm
# launcher: Debian's slurm-wlm and munge, one node named after the host in partition `debug`, no
# accounting. Idempotent: starts only what is not running, and rewrites /etc/slurm/slurm.conf only when
# it is absent or this script wrote it (a cluster's own slurm.conf is left alone). Needs root unless
# Slurm is already up. Prints one line on success; on failure, the step and its log's tail on stderr.
set -euo pipefail

MARKER='# written by autopilot bin/slurm-up.sh'
CONF=/etc/slurm/slurm.conf
PARTITION_DEFAULT=debug

fail() {
  echo "slurm-up: $1" >&2
  local log
  for log in "${@:2}"; do
    [[ -r "$log" ]] && { echo "--- tail of $log:" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}

# A setting of the slurm.conf in use, or the default given.
conf_value() {
  local v=''
  [[ -r "$CONF" ]] && v=$(sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\([^[:space:]#]*\).*/\1/Ip" "$CONF" | tail -n 1)
  echo "${v:-$2}"
}

node_name() { hostname -s; }

# The node's state as sinfo shows it (idle, mixed, down*, drained, ...), empty when it cannot say.
node_state() { sinfo -h -N -n "$(node_name)" -o %T 2>/dev/null | head -n 1 || true; }

usable() { [[ "$1" =~ ^(idle|mixed|allocated|completing)$ ]]; }

ctld_up() { scontrol ping 2>/dev/null | grep -q 'is UP'; }

# True when the pid file names a live process called $2.
pid_alive() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$2" ]]
}

stop_daemon() {
  local pidfile=$1 name=$2 i
  pid_alive "$pidfile" "$name" || return 0
  kill "$(cat "$pidfile")" 2>/dev/null || true
  for i in $(seq 50); do
    pid_alive "$pidfile" "$name" || return 0
    sleep 0.2
  done
  fail "could not stop $name (pid $(cat "$pidfile")) to apply the rewritten $CONF"
}

success() {
  local partition
  partition=$(sinfo -h -o %P 2>/dev/null | grep '\*$' | tr -d '*' | head -n 1 || true)
  echo "slurm-up: node $(node_name) $1 in partition ${partition:-$PARTITION_DEFAULT}"
  exit 0
}

command -v slurmctld >/dev/null && command -v munged >/dev/null ||
  fail "Slurm or munge is not installed: apt-get install slurm-wlm munge"

if [[ "$(id -u)" != "0" ]]; then
  # Nothing to do when it is already up; anything else needs root.
  state=$(node_state)
  ctld_up && usable "$state" && success "$state"
  fail "Slurm is not up (node state: ${state:-unknown}) and bringing it up needs root: sudo bash bin/slurm-up.sh"
fi

# 1. The configuration.
H=$(node_name)
mem_mib=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
wanted="$MARKER
ClusterName=autopilot
SlurmctldHost=$H
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=300
NodeName=$H CPUs=$(nproc) RealMemory=$((mem_mib > 2048 ? mem_mib - 1024 : mem_mib)) State=UNKNOWN
PartitionName=$PARTITION_DEFAULT Nodes=$H Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4"
rewritten=0
if [[ ! -e "$CONF" ]] || grep -qxF "$MARKER" "$CONF"; then
  if [[ "$(cat "$CONF" 2>/dev/null)" != "$wanted" ]]; then
    mkdir -p "$(dirname "$CONF")"
    printf '%s\n' "$wanted" >"$CONF.tmp" && mv "$CONF.tmp" "$CONF" || fail "could not write $CONF"
    rewritten=1
  fi
fi

CTLD_PID=$(conf_value SlurmctldPidFile /run/slurmctld.pid)
SLURMD_PID=$(conf_value SlurmdPidFile /run/slurmd.pid)
CTLD_LOG=$(conf_value SlurmctldLogFile /var/log/slurm/slurmctld.log)
SLURMD_LOG=$(conf_value SlurmdLogFile /var/log/slurm/slurmd.log)
MUNGE_LOG=/var/log/munge/munged.log

# Daemons running on an older configuration of ours restart on the new one.
if ((rewritten)); then
  stop_daemon "$SLURMD_PID" slurmd
  stop_daemon "$CTLD_PID" slurmctld
fi

# 2. Directories.
mkdir -p "$(conf_value StateSaveLocation /var/spool/slurmctld)" "$(conf_value SlurmdSpoolDir /var/spool/slurmd)" \
  "$(dirname "$CTLD_LOG")" "$(dirname "$SLURMD_LOG")" /run/munge /var/log/munge /var/lib/munge /etc/munge ||
  fail "could not make Slurm's and munge's directories"
chown munge:munge /run/munge /var/log/munge /var/lib/munge || fail "could not give munge's directories to the munge user"

# 3. munge: a key, then the daemon, unless a credential already round-trips.
if [[ ! -s /etc/munge/munge.key ]]; then
  mungekey --create --keyfile=/etc/munge/munge.key || fail "mungekey could not create /etc/munge/munge.key"
  chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key || fail "could not give /etc/munge/munge.key to munge"
fi
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  pid_alive /run/munge/munged.pid munged &&
    fail "munged is running but a credential does not round-trip (munge -n | unmunge)" "$MUNGE_LOG"
  # A munged that died leaves its socket and pid file, and then refuses to start.
  rm -f /run/munge/munge.socket.2 /run/munge/munge.socket.2.lock /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged || fail "munged did not start" "$MUNGE_LOG"
  for _ in $(seq 25); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.2
  done
  munge -n 2>/dev/null | unmunge >/dev/null 2>&1 || fail "munged started but a credential does not round-trip (munge -n | unmunge)" "$MUNGE_LOG"
fi

# 4. The controller, then the node daemon.
if ! ctld_up; then
  pid_alive "$CTLD_PID" slurmctld || slurmctld || fail "slurmctld did not start" "$CTLD_LOG"
  for _ in $(seq 50); do
    ctld_up && break
    sleep 0.2
  done
  ctld_up || fail "slurmctld started but scontrol ping does not report it UP: $(scontrol ping 2>&1 | head -n 1)" "$CTLD_LOG"
fi
if ! pid_alive "$SLURMD_PID" slurmd; then
  slurmd || fail "slurmd did not start" "$SLURMD_LOG"
fi

# 5. Wait for the node to be usable, resuming it when Slurm left it down or drained.
state=''
resumed=0
for _ in $(seq 120); do
  state=$(node_state)
  usable "$state" && success "$state"
  if [[ "$state" =~ ^(down|drained|draining|drain|fail)$ ]] && ((resumed < 3)); then
    scontrol update NodeName="$H" State=RESUME 2>/dev/null || true
    resumed=$((resumed + 1))
  fi
  pid_alive "$SLURMD_PID" slurmd || fail "slurmd exited" "$SLURMD_LOG"
  sleep 0.5
done
fail "node $H is not usable after 60 s (sinfo state: ${state:-none}; $(scontrol show node "$H" 2>&1 | grep -o 'Reason=.*' || true))" "$SLURMD_LOG" "$CTLD_LOG"
