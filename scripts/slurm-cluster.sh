#!/usr/bin/env bash
# A throwaway one-node Slurm cluster for tests, entirely inside one folder:
#   scripts/slurm-cluster.sh start DIR   # writes DIR/slurm.conf, starts munged, slurmctld, slurmd
#   scripts/slurm-cluster.sh stop DIR    # stops them by the PIDs it recorded
#   scripts/slurm-cluster.sh env DIR     # prints the export line clients need (SLURM_CONF)
# Nothing is written outside DIR: munged gets its own key, socket, log and PID file there, and
# Slurm reads DIR/slurm.conf through SLURM_CONF. Needs root and the Debian packages
# slurmctld slurmd slurm-client munge. Settings that work without cgroups or a database:
# proctrack/linuxproc, task/none, select/cons_tres, accounting_storage/none.
set -euo pipefail
cmd="${1:-}"
DIR="${2:-}"
[ -n "$cmd" ] && [ -n "$DIR" ] || { echo "usage: $0 start|stop|env DIR" >&2; exit 2; }
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
CONF="$DIR/slurm.conf"
HOST="$(hostname -s)"

stop_pid() { # stop_pid NAME PIDFILE: SIGTERM, then SIGKILL after 10 s
  local name="$1" file="$2" pid
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    echo "stopped $name (pid $pid)" >&2
  fi
  rm -f "$file"
}

case "$cmd" in
  env)
    echo "export SLURM_CONF=$CONF"
    ;;
  start)
    for b in munged slurmctld slurmd sbatch sinfo; do
      command -v "$b" >/dev/null || { echo "slurm-cluster: $b not found (apt-get install slurmctld slurmd slurm-client munge)" >&2; exit 3; }
    done
    [ "$(id -u)" = 0 ] || { echo "slurm-cluster: needs root (slurmd runs jobs as their users)" >&2; exit 3; }
    mkdir -p "$DIR/munge" "$DIR/state" "$DIR/spool" "$DIR/log"
    chmod 755 "$DIR"  # munged runs as the munge user and must reach DIR/munge (so must DIR's parents)
    chmod 700 "$DIR/munge"
    [ -f "$DIR/munge/munge.key" ] || dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
    chmod 600 "$DIR/munge/munge.key"
    chown -R munge:munge "$DIR/munge"
    runuser -u munge -- munged --force --socket="$DIR/munge/munge.socket" --key-file="$DIR/munge/munge.key" \
      --pid-file="$DIR/munge/munged.pid" --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/munged.seed"
    cpus="$(nproc)"
    mem="$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)"
    cat > "$CONF" <<CONF
ClusterName=mosaictest
SlurmctldHost=$HOST
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$DIR/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
SchedulerParameters=defer_batch
NodeName=$HOST CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
    export SLURM_CONF="$CONF"
    slurmctld -i
    slurmd
    for _ in $(seq 100); do
      state="$(sinfo -h -o %T 2>/dev/null || true)"
      case "$state" in idle*|mixed*|allocated*) echo "slurm-cluster: $HOST $state ($cpus CPUs); export SLURM_CONF=$CONF" >&2; exit 0 ;; esac
      sleep 0.3
    done
    echo "slurm-cluster: node did not become idle (state '${state:-?}'); see $DIR/log" >&2
    exit 1
    ;;
  stop)
    stop_pid slurmd "$DIR/slurmd.pid"
    stop_pid slurmctld "$DIR/slurmctld.pid"
    stop_pid munged "$DIR/munge/munged.pid"
    ;;
  *)
    echo "usage: $0 start|stop|env DIR" >&2
    exit 2
    ;;
esac
