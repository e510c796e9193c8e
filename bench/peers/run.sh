#!/usr/bin/env bash
# gossip-mpi against PyTorch on the same emulated hosts (bench/cluster): per-step time, time to the same target loss
# and the loss curves, in one table and one chart per link rate.
#
#   bench/peers/run.sh                      # HOSTS=4 RATES=1gbit,100mbit STEPS=200 MAX_FACTOR=3 EVAL_EVERY=25
#
# The problem of bench/time-to-target.sh (MLP 784-1280-10, Fashion-MNIST, batch 32 per rank, lr 0.1, seed 1, a ring
# of HOSTS ranks), with the training loss of the averaged model taken on all 60,000 training rows every EVAL_EVERY
# steps by both implementations (outside the training time). Target L: gossip-mpi's all-reduce SGD's loss after
# STEPS steps (under mpirun on shared memory: bench/lib/target.sh). Then at each rate, each run until L or
# MAX_FACTOR x STEPS steps:
#   gossip-mpi: all-reduce SGD with MPI_Allreduce and with its own ring (--allreduce ring), CHOCO-SGD top-1% at GAMMA
#   (default: the stable gamma of the time-to-target sweep);
#   PyTorch (bench/peers/peer.py, one thread per rank, gloo over the same links): DistributedDataParallel, the flat
#   gradient all-reduced, and CHOCO-SGD top-1% (Algorithm 1) over isend/irecv at the same GAMMA.
# PyTorch runs with the malloc settings bin/gossip-mpi-djl gives libtorch (freed memory kept rather than handed
# back to the kernel and faulted in again), so that both sides' native memory is handled alike.
# Installs Debian's python3-torch and libopenblas0-pthread (without the latter PyTorch's matrix products run on
# the reference BLAS) when missing: for this benchmark only, never for gossip-mpi itself. Needs root (the cluster).
# Writes bench/results/peers.{md,csv} and peers-RATE.png.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=bench/lib/summary.sh
. bench/lib/summary.sh
# shellcheck source=bin/lib/jobs.sh
. bin/lib/jobs.sh
# shellcheck source=bin/lib/runtime.sh
. bin/lib/runtime.sh
# shellcheck source=bench/lib/target.sh
. bench/lib/target.sh
HOSTS=${HOSTS:-4}
RATES=${RATES-1gbit,100mbit}
STEPS=${STEPS:-200}
MAX_FACTOR=${MAX_FACTOR:-3}
EVAL_EVERY=${EVAL_EVERY:-25}
WORK=${WORK:-${TMPDIR:-/tmp}/gossip-mpi-peers}
OUT=bench/results
say() { printf 'peers: %s\n' "$*" >&2; }
[ "$(id -u)" -eq 0 ] || { say "needs root (network namespaces; apt-get)"; exit 1; }
[ "$HOSTS" -ge 3 ] || { say "HOSTS must be at least 3 (a ring)"; exit 1; }
if [ -z "${GAMMA:-}" ]; then
    GAMMA=$(awk -F, '$1 == "choco" && $2 == "topk:0.01" && $4 == "true" && $8 == "true" \
        && ($5 < s || (s == $5 && $3 < g) || g == "") { s = $5; g = $3 } END { print g }' \
        "$OUT/time-to-target-sweep.csv" 2>/dev/null || true)
    GAMMA=${GAMMA:-0.05}
fi
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
    say "installing python3-torch and libopenblas0-pthread (Debian)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch libopenblas0-pthread >&2
fi
bin/setup >/dev/null
MAX_STEPS=$((MAX_FACTOR * STEPS))
COMMON=(--model mlp --hidden 1280 --data fashion-mnist --batch 32 --lr 0.1 --seed 1 --device java
        --eval-every "$EVAL_EVERY" --eval-rows 0)
rm -rf "$WORK"
mkdir -p "$WORK" "$OUT"
stamp=$(revision_stamp)

say "target: gossip-mpi all-reduce, $STEPS steps, $HOSTS ranks under mpirun (shared memory)"
TARGET=$(allreduce_target "$WORK/target" "$HOSTS" "$STEPS" "${COMMON[@]}")
say "target loss L = $TARGET; CHOCO gamma $GAMMA"

# shellcheck source=bench/cluster/common.sh
. bench/cluster/common.sh
peer() { # MODE DIR: one PyTorch process per host, rank i on host i, rendezvous at host 0
    local pids=() i rc=0
    for ((i = 0; i < HOSTS; i++)); do
        ip netns exec "$(host_name "$i")" env MASTER_ADDR="$SUBNET.1" MASTER_PORT=29511 RANK="$i" WORLD_SIZE="$HOSTS" \
            GLOO_SOCKET_IFNAME=eth0 OMP_NUM_THREADS=1 MALLOC_TRIM_THRESHOLD_=$LIBTORCH_MALLOC_TRIM \
            MALLOC_MMAP_THRESHOLD_=$LIBTORCH_MALLOC_MMAP timeout 3600 /usr/bin/python3 bench/peers/peer.py --mode "$1" --steps "$MAX_STEPS" \
            --eval-every "$EVAL_EVERY" --target-loss "$TARGET" --gamma "$GAMMA" --topk 0.01 --out "$2" &
        pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i" || rc=$?; done
    return "$rc"
}
csv=$OUT/peers.csv
echo "link,hosts,implementation,algorithm,compressor,gamma,reached,steps,train_seconds_to_target,mean_step_ms,mb_sent_to_target,revision,steady_step_ms" >"$csv"
rev=$(echo "$stamp" | sed 's/^revision \([^,]*\),.*/\1/')
IFS=, read -r -a rates <<<"$RATES"
for link in "${rates[@]}"; do
    bench/cluster/up "$HOSTS" "$link" >&2
    dir=$WORK/$link
    # all-reduce twice: the MPI library's (the default) and gossip-mpi's ring (--allreduce ring)
    for run in "allreduce none 1 mpi" "allreduce none 1 ring" "allreduce none 1 ring --overlap" \
        "choco topk:0.01 $GAMMA mpi"; do
        read -r a c g k o <<<"$run"
        say "$link: gossip-mpi $a $c ($k${o:+ $o})"
        # shellcheck disable=SC2046
        bench/cluster/run bin/gossip-mpi train --algorithm "$a" --compressor "$c" $(gamma_option "$a" "$g") "${COMMON[@]}" \
            $([ "$k" = mpi ] || echo --allreduce "$k") ${o:+"$o"} --steps "$MAX_STEPS" --target-loss "$TARGET" \
            --out "$dir/gossip-mpi" >"$dir.gossip-mpi-$a-$k$o.log" 2>&1 || say "$link: gossip-mpi $a ($k$o) failed, see $dir.gossip-mpi-$a-$k$o.log"
    done
    for mode in ddp allreduce choco; do
        say "$link: PyTorch $mode"
        peer "$mode" "$dir/pytorch/$mode" >"$dir.pytorch-$mode.log" 2>&1 || say "$link: PyTorch $mode failed, see $dir.pytorch-$mode.log"
    done
    bench/peers/collect.sh "$dir" "$link" "$HOSTS" "$rev" "$EVAL_EVERY" >>"$csv"
    bin/gossip-mpi report "$dir" --target-loss "$TARGET" --out "$dir/report" >"$dir.report.txt" 2>&1 || true
    [ ! -r "$dir/report/loss-vs-time.png" ] || cp "$dir/report/loss-vs-time.png" "$OUT/peers-$link.png"
done
bench/cluster/down >&2
bench/peers/report.sh "$TARGET" "$GAMMA" "$stamp" "$STEPS" "$EVAL_EVERY"
