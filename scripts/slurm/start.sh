#!/usr/bin/env bash
# Starts a one-node Slurm cluster on 127.0.0.1 (munge, slurmctld, slurmd) for the sweep tests and for trying
# `natpolicy sweep --slurm` on one machine. Needs root and Debian's packages: slurmctld slurmd slurm-client munge.
# Records the pid of every daemon it starts in $NATPOLICY_SLURM_STATE/pids (default /run/natpolicy-slurm);
# scripts/slurm/stop.sh stops exactly those. A cluster that already answers is left alone (nothing recorded).
# Writes /etc/slurm/slurm.conf only when there is none or it is this script's (first line marks it).
# Exit 0 when the node is idle, 1 with one line on stderr otherwise.
set -uo pipefail
state=${NATPOLICY_SLURM_STATE:-/run/natpolicy-slurm}
conf=/etc/slurm/slurm.conf
marker="# natpolicy one-node cluster (scripts/slurm/start.sh)"
fail() { echo "slurm/start.sh: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (it starts munged, slurmctld and slurmd)"
for b in munged munge unmunge slurmctld slurmd sbatch sinfo squeue scontrol; do
  command -v "$b" >/dev/null || fail "$b not found; install: apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge"
done

node_state() { timeout 5 sinfo -h -N -n localhost -o %t 2>/dev/null | head -n1; }
case "$(node_state)" in idle*|mix*|alloc*) echo "slurm: already running (node $(node_state)); nothing started"; exit 0;; esac

mkdir -p "$state"
: >> "$state/pids"
record() { echo "$1 $2" >> "$state/pids"; }

# munge: key and directories as the munge user expects them.
install -d -o munge -g munge -m 0700 /etc/munge /var/log/munge
install -d -o munge -g munge -m 0711 /var/lib/munge
install -d -o munge -g munge -m 0755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none || fail "cannot write /etc/munge/munge.key"
fi
chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  rm -f /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged || fail "munged did not start (see /var/log/munge/munged.log)"
  for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
  record munged "$(cat /run/munge/munged.pid)"
  munge -n | unmunge >/dev/null 2>&1 || fail "munge does not authenticate after starting munged"
fi

# slurm.conf from this machine's hardware (slurmd -C), the node named localhost on 127.0.0.1.
if [ ! -e "$conf" ] || [ "$(head -n1 "$conf")" = "$marker" ]; then
  hw=$(slurmd -C | head -n1 | sed -E 's/^NodeName=[^ ]+ //; s/ *UpTime=.*//') || fail "slurmd -C failed"
  mkdir -p /etc/slurm
  cat > "$conf.tmp" <<CONF
$marker
ClusterName=natpolicy
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,bf_interval=1
DependencyParameters=kill_invalid_depend
ReturnToService=2
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
NodeName=localhost NodeAddr=127.0.0.1 $hw State=UNKNOWN
PartitionName=main Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  mv "$conf.tmp" "$conf"
fi
install -d -m 0700 /var/spool/slurmctld /var/spool/slurmd
install -d -m 0755 /var/log/slurm

if ! timeout 5 scontrol ping 2>/dev/null | grep -q UP; then
  rm -f /run/slurmctld.pid
  slurmctld -i || fail "slurmctld did not start (see /var/log/slurm/slurmctld.log)"
  for _ in $(seq 50); do [ -s /run/slurmctld.pid ] && break; sleep 0.1; done
  record slurmctld "$(cat /run/slurmctld.pid)"
fi
if ! { [ -s /run/slurmd.pid ] && kill -0 "$(cat /run/slurmd.pid)" 2>/dev/null; }; then
  rm -f /run/slurmd.pid
  slurmd -N localhost || fail "slurmd did not start (see /var/log/slurm/slurmd.log)"
  for _ in $(seq 50); do [ -s /run/slurmd.pid ] && break; sleep 0.1; done
  record slurmd "$(cat /run/slurmd.pid)"
fi

for _ in $(seq 60); do
  s=$(node_state)
  case "$s" in
    idle*|mix*|alloc*) echo "slurm: node localhost $s"; exit 0;;
    down*|drain*) timeout 5 scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1;;
  esac
  sleep 1
done
fail "node localhost is not idle after 60 s (state '$(node_state)'); see /var/log/slurm/"
