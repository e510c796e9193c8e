#!/usr/bin/env bash
# Runs jobs/info.sbatch and jobs/train.sbatch on a one-node SLURM cluster started on this machine (Debian,
# as root): installs slurmd/slurmctld/munge if missing, writes a private slurm.conf, starts the daemons,
# submits both jobs with --wait (4 tasks, --overcommit on small machines), checks their output, and stops
# the daemons it started. An opt-in check of the batch scripts, not part of bin/test.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
[ "$(id -u)" -eq 0 ] || { echo "check-local-slurm: run as root (it starts munged, slurmctld, slurmd)" >&2; exit 1; }
bin/setup >/dev/null
command -v slurmctld >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurmd slurmctld slurm-client munge >/dev/null
S=$(mktemp -d)
pids=()
cleanup() {
    local f p
    for f in "$S"/slurmctld.pid "$S"/slurmd.pid; do [ -r "$f" ] && pids+=("$(cat "$f")"); done
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do   # wait for them to exit before their directory goes
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$p" 2>/dev/null || true
    done
    rm -rf "$S"
}
trap cleanup EXIT
mkdir -p "$S"/spool "$S"/state "$S"/out
[ -f /etc/munge/munge.key ] || mungekey -c
chown munge:munge /etc/munge/munge.key
mkdir -p /run/munge && chown munge:munge /run/munge
if ! pgrep -x munged >/dev/null; then
    su -s /bin/sh munge -c /usr/sbin/munged
    pids+=("$(pgrep -x munged)")
fi
host=$(hostname -s)
cat >"$S/slurm.conf" <<CONF
ClusterName=local
SlurmctldHost=$host
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/ctld.log
SlurmdLogFile=$S/d.log
AuthType=auth/munge
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=check Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$S/slurm.conf
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 30); do sinfo -h -o %t 2>/dev/null | grep -q idle && break; sleep 1; done
sbatch --wait --overcommit -n 4 -o "$S/out/info.out" jobs/info.sbatch >/dev/null
grep -q "rank 3/4 on .*ring ping to rank 0" "$S/out/info.out" || { cat "$S/out/info.out"; exit 1; }
STEPS=500 OUT="$S/out/train" sbatch --wait --overcommit -n 4 -o "$S/out/train.out" jobs/train.sbatch >/dev/null
grep -q "^| allreduce | allreduce " "$S/out/train.out" && [ -r "$S/out/train/loss-vs-bits.png" ] \
    && [ -r "$S/out/train/report.md" ] || { cat "$S/out/train.out"; exit 1; }
grep -v '^WARNING' "$S/out/train.out" | tail -4
# A sweep without a consensus algorithm: the script passes no compressor or gamma of its own
ALGORITHMS=allreduce STEPS=100 OUT="$S/out/allreduce" sbatch --wait --overcommit -n 4 -o "$S/out/allreduce.out" \
    jobs/train.sbatch >/dev/null
grep -q "^| allreduce | allreduce " "$S/out/allreduce.out" || { cat "$S/out/allreduce.out"; exit 1; }
echo "check-local-slurm: info.sbatch and train.sbatch (the default sweep, all-reduce alone) ran under SLURM" \
    "$(sinfo -V | cut -d' ' -f2)"
