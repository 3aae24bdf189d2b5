#!/usr/bin/env bash
# Starts and stops a private one-node Slurm cluster on this machine, for the tests of
# `amf-pipeline run --executor slurm` (Debian/Ubuntu, as root; no systemd needed).
#
#   Scripts/slurm-cluster.sh start STATE_DIR   installs slurmctld slurmd slurm-client munge if missing,
#                                             starts munged, slurmctld and slurmd, waits for an idle node
#   Scripts/slurm-cluster.sh env STATE_DIR     prints the `export SLURM_CONF=...` line to eval for clients
#   Scripts/slurm-cluster.sh stop STATE_DIR    cancels the cluster's jobs, then stops exactly the daemons
#                                             whose pids `start` recorded in STATE_DIR
#
# Everything the cluster writes (config, state, spool, logs, pid files, munge socket) lives in STATE_DIR;
# /etc/slurm is neither read nor written. Only the munge key is shared: /etc/munge/munge.key is created
# if missing and never replaced. Jobs write their slurm-%j.out into their working directory as usual.
# `start` exits 77 after one line `slurm-cluster: SKIP: <reason>` on stderr when it cannot run the cluster
# (not root, no apt-get, install failed, a daemon did not come up); it then stops what it started.
# The daemons listen on TCP ports 6817/6818 unless SLURM_CLUSTER_PORTS="ctld slurmd" says otherwise, so
# only one such cluster can run at a time per port pair.
set -uo pipefail

packages=(slurmctld slurmd slurm-client munge)
say() { printf 'slurm-cluster: %s\n' "$*" >&2; }
usage() { say "usage: $0 start|stop|env STATE_DIR"; exit 2; }

[ $# -eq 2 ] || usage
command=$1
state=$2
[ -n "$state" ] || usage
case $state in /*) ;; *) state=$PWD/$state ;; esac
state=${state%/}
conf=$state/slurm.conf
munge_dir=$state/munge
socket=$munge_dir/munge.socket.2
read -r ctld_port slurmd_port <<< "${SLURM_CLUSTER_PORTS:-6817 6818}"
export SLURM_CONF=$conf

# The pid recorded in STATE_DIR/run/NAME.pid, if that process is alive and was started for this
# STATE_DIR (its command line names a file in it), so a reused pid is never signalled.
live_pid() {
  local file=$state/run/$1.pid pid
  [ -r "$file" ] || return 1
  read -r pid < "$file" 2>/dev/null || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF -- "$state/" || return 1
  printf '%s\n' "$pid"
}

# True while the process runs (a zombie awaiting its reaper counts as gone).
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# Sends TERM to the recorded daemons, waits up to 5 s, then sends KILL to the survivors.
stop_daemons() {
  local name pid pids=() alive=() i
  for name in "$@"; do
    pid=$(live_pid "$name") && { kill -TERM "$pid" 2>/dev/null; pids+=("$pid"); }
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  for ((i = 0; i < 50; i++)); do
    alive=()
    for pid in "${pids[@]}"; do running "$pid" && alive+=("$pid"); done
    [ ${#alive[@]} -eq 0 ] && return 0
    sleep 0.1
  done
  say "killing ${alive[*]} (still alive 5 s after TERM)"
  kill -KILL "${alive[@]}" 2>/dev/null
  sleep 0.2
}

stop_cluster() {
  # Cancel the jobs first, so that no slurmstepd or job process outlives slurmd.
  if live_pid slurmctld >/dev/null && live_pid slurmd >/dev/null; then
    local jobs i
    jobs=$(timeout 5 squeue -h -t PD,R,CG,S -o %i 2>/dev/null | tr '\n' ' ')
    if [ -n "${jobs// /}" ]; then
      # shellcheck disable=SC2086
      timeout 5 scancel $jobs 2>/dev/null
      for ((i = 0; i < 50; i++)); do
        [ -z "$(timeout 5 squeue -h -t R,CG -o %i 2>/dev/null)" ] && break
        sleep 0.1
      done
    fi
  fi
  stop_daemons slurmd slurmctld munged
}

skip() {
  printf 'slurm-cluster: SKIP: %s\n' "$*" >&2
  [ -d "$state/run" ] && stop_cluster
  exit 77
}

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

install_packages() {
  local missing=() package log=$state/log/apt.log
  command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 ||
    skip "no dpkg/apt-get (needs Debian or Ubuntu)"
  for package in "${packages[@]}"; do installed "$package" || missing+=("$package"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  local install=(apt-get install -y -q --no-install-recommends "${missing[@]}")
  if ! DEBIAN_FRONTEND=noninteractive "${install[@]}" >"$log" 2>&1; then
    apt-get update -q >>"$log" 2>&1
    DEBIAN_FRONTEND=noninteractive "${install[@]}" >>"$log" 2>&1 ||
      skip "apt-get could not install ${missing[*]} (see $log)"
  fi
}

# Waits up to $1 tenths of a second for the command to succeed.
wait_for() {
  local tenths=$1 i
  shift
  for ((i = 0; i < tenths; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

start_munged() {
  local key=/etc/munge/munge.key
  if [ ! -e "$key" ]; then
    mkdir -p /etc/munge
    if command -v mungekey >/dev/null 2>&1; then
      mungekey --create --keyfile="$key" || skip "mungekey could not create $key"
    else
      (umask 077 && dd if=/dev/urandom of="$key" bs=1024 count=1 status=none) || skip "could not create $key"
    fi
    chown munge:munge "$key" && chmod 0400 "$key"
  fi
  install -d -o munge -g munge -m 0755 "$munge_dir"
  install -o munge -g munge -m 0644 /dev/null "$state/run/munged.pid"
  # munged daemonizes itself and writes its pid; --force turns its path-permission checks into warnings.
  runuser -u munge -- /usr/sbin/munged --force --socket="$socket" --key-file="$key" \
    --pid-file="$state/run/munged.pid" --log-file="$munge_dir/munged.log" \
    --seed-file="$munge_dir/munged.seed" >>"$state/log/munged.out" 2>&1 ||
    skip "munged did not start: $(tail -n 1 "$munge_dir/munged.log" 2>/dev/null)"
  wait_for 50 sh -c 'munge -n -S "$1" | unmunge -S "$1"' _ "$socket" ||
    skip "munged does not answer on $socket: $(tail -n 1 "$munge_dir/munged.log" 2>/dev/null)"
}

write_config() {
  local host node_line epilog=/bin/true
  [ -x "$epilog" ] || epilog=/usr/bin/true
  host=$(hostname -s)
  # `slurmd -C` prints this machine's NodeName=… CPUs=… Boards=… … RealMemory=… line.
  node_line=$(slurmd -C 2>/dev/null | grep -m 1 '^NodeName=' | sed 's/^NodeName=[^ ]* //')
  [ -n "$node_line" ] || node_line="CPUs=$(nproc)"
  cat > "$conf" <<EOF
# Written by Scripts/slurm-cluster.sh for a private test cluster; overwritten on every start.
ClusterName=localtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/run/slurmctld.pid
SlurmdPidFile=$state/run/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$state/log/jobcomp.log
JobAcctGatherType=jobacct_gather/none
# Fast turnaround for tests. slurmctld schedules in a loop that wakes once a second, and by default at
# most every batch_sched_delay=3 s: a chain of 5 dependent jobs then takes ~15 s. batch_sched_delay=0
# makes that ~5 s (one tick per job). An Epilog, even a no-op, makes slurmd send EPILOG_COMPLETE, which
# runs the scheduler at once, so a dependent job starts ~50 ms after its predecessor ends (~1 s total).
# Keep finished jobs visible to squeue -t all / scontrol for 5 min (MinJobAge).
SchedulerType=sched/builtin
SchedulerParameters=batch_sched_delay=0,sched_interval=2
Epilog=$epilog
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MinJobAge=300
KillWait=2
InactiveLimit=0
MessageTimeout=10
SlurmdTimeout=300
NodeName=$host NodeAddr=127.0.0.1 $node_line State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
}

# True if something accepts TCP connections on 127.0.0.1:$1.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True if the slurmctld answering on our port is ours (it reports our StateSaveLocation).
our_slurmctld() {
  live_pid slurmctld >/dev/null &&
    scontrol show config 2>/dev/null | grep -q "^StateSaveLocation *= *$state/ctld\$"
}

node_state() { sinfo -h -N -n "$(hostname -s)" -o %t 2>/dev/null | head -n 1; }

start() {
  [ "$(id -u)" -eq 0 ] || skip "must run as root (it installs packages and starts slurmd)"
  mkdir -p "$state" || skip "cannot create $state"
  [[ $state != *[[:space:]]* ]] || skip "STATE_DIR must not contain whitespace (slurm.conf cannot quote it): $state"
  [ ${#socket} -lt 100 ] || skip "STATE_DIR path too long for munge's unix socket: $state"
  stop_cluster
  mkdir -p "$state/run" "$state/log" "$state/ctld" "$state/spool" || skip "cannot write to $state"
  install_packages
  local port
  for port in "$ctld_port" "$slurmd_port"; do
    ! port_busy "$port" || skip "TCP port $port is in use (another Slurm?); set SLURM_CLUSTER_PORTS=\"ctld slurmd\""
  done
  start_munged
  write_config
  /usr/sbin/slurmctld -c -f "$conf" >>"$state/log/slurmctld.out" 2>&1 ||
    skip "slurmctld did not start: $(tail -n 1 "$state/log/slurmctld.log" 2>/dev/null)"
  wait_for 100 our_slurmctld ||
    skip "slurmctld does not answer: $(tail -n 1 "$state/log/slurmctld.log" 2>/dev/null)"
  /usr/sbin/slurmd -c -f "$conf" -N "$(hostname -s)" >>"$state/log/slurmd.out" 2>&1 ||
    skip "slurmd did not start: $(tail -n 1 "$state/log/slurmd.log" 2>/dev/null)"
  local i status=
  for ((i = 0; i < 300; i++)); do
    status=$(node_state)
    [ "$status" = idle ] && break
    live_pid slurmd >/dev/null || [ $i -lt 20 ] ||
      skip "slurmd exited: $(tail -n 1 "$state/log/slurmd.log" 2>/dev/null)"
    sleep 0.1
  done
  [ "$status" = idle ] || skip "node is '${status:-unknown}' instead of idle after 30 s:" \
    "$(scontrol show node "$(hostname -s)" 2>/dev/null | grep -o 'Reason=.*')"
  # slurmctld runs its first scheduling pass ~3 s after it starts; until then no job starts. Wait for it
  # here so that the first test job starts within a second of its submission.
  for ((i = 0; i < 100; i++)); do
    [ "$(sdiag 2>/dev/null | sed -n 's/^[[:space:]]*Total cycles:[[:space:]]*//p' | head -n 1)" -gt 0 ] 2>/dev/null && break
    sleep 0.1
  done
  say "up: node $(hostname -s) idle; eval \"\$($0 env $state)\" for sbatch/squeue"
}

case $command in
  start) start ;;
  stop) stop_cluster ;;
  env) printf 'export SLURM_CONF=%q\n' "$conf" ;;
  *) usage ;;
esac
