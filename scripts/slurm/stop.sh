#!/usr/bin/env bash
# Stops exactly the daemons scripts/slurm/start.sh started (the pids it recorded in
# $NATPOLICY_SLURM_STATE/pids), slurmd and slurmctld before munged; a pid is signalled only while its process
# still has the recorded name. Jobs still queued or running are left to Slurm (scancel them first for a clean stop).
set -uo pipefail
state=${NATPOLICY_SLURM_STATE:-/run/natpolicy-slurm}
[ -s "$state/pids" ] || { echo "slurm/stop.sh: nothing recorded in $state/pids; nothing to stop"; exit 0; }
alive() { [ "$(cat "/proc/$2/comm" 2>/dev/null)" = "$1" ]; }
for name in slurmd slurmctld munged; do
  while read -r n pid; do
    [ "$n" = "$name" ] || continue
    alive "$n" "$pid" || continue
    kill "$pid"
    for _ in $(seq 100); do alive "$n" "$pid" || break; sleep 0.1; done
    if alive "$n" "$pid"; then kill -9 "$pid"; fi
    echo "stopped $n ($pid)"
  done < "$state/pids"
done
rm -f "$state/pids"
