#!/usr/bin/env bash
# Gradient kernels: samples/s of every dense model for batch 64, 256, 1024 on the OpenCL device and on the
# Java twin, in one run, on Fashion-MNIST (784 features, 10 classes; logistic and least squares use the
# class index as their target, which does not change their cost). Every model as train runs it by default,
# without L2 regularization (bench kernels --l2, default train's 0).
#
#   bench/kernels.sh                  # writes bench/results/kernels.csv and bench/results/kernels.md
#   SECONDS_PER=5 bench/kernels.sh    # longer measurements
#   BASELINE=REV bench/kernels.sh     # the training MLP's rows of revision REV too (built in a temporary worktree)
#   NAME=kernels-avx2 bench/kernels.sh  # writes bench/results/NAME.csv, NAME-mlp1280.csv and NAME.md instead: another
#                                       # CPU's figures beside the committed ones (the stamp names the CPU)
#
# Then the MLP the training benchmarks run (784-1280-10, batch 32: time-to-target, peers, scaling) on the Java
# products, ROUNDS times (default 3) of MLP_SECONDS each (default 6: the first of them hold the JIT compilation),
# alternating with BASELINE's build when it is given, then in PyTorch where it is installed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=bin/lib/jobs.sh
. bin/lib/jobs.sh
OUT=bench/results
mkdir -p "$OUT"
bin/setup >/dev/null
SECONDS_PER=${SECONDS_PER:-2}
ROUNDS=${ROUNDS:-3}
MLP_SECONDS=${MLP_SECONDS:-6}
NAME=${NAME:-kernels}
case $NAME in */*|"") echo "kernels: NAME=$NAME: a file name under bench/results, without a slash" >&2; exit 2 ;; esac
BASELINE=${BASELINE:-}
base=
bin/gossip-mpi bench kernels --seconds "$SECONDS_PER" 2>/dev/null >"$OUT/$NAME.csv"
# The training MLP, this revision and BASELINE's alternately.
this=$(git rev-parse --short HEAD)
builds=("$this:$ROOT")
if [ -n "$BASELINE" ]; then
    # shellcheck source=bench/lib/baseline.sh
    . bench/lib/baseline.sh
    baseline_build "$BASELINE"
    base=$BASELINE_REV
    tree=$BASELINE_TREE
    if ! "$tree/bin/gossip-mpi" bench kernels --help 2>/dev/null | grep -q -- --l2; then
        echo "kernels: BASELINE=$BASELINE predates bench kernels --l2 (its models ran with L2 1e-4, this revision's" \
            "without, as train does): pick a revision that has the option" >&2
        exit 2
    fi
    builds+=("$base:$tree")
fi
train_csv=$OUT/$NAME-mlp1280.csv
echo "revision,round,model,device,batch,features,parameters,iterations,samples_per_s,us_per_batch" >"$train_csv"
for round in $(seq 1 "$ROUNDS"); do
    for b in "${builds[@]}"; do
        "${b#*:}/bin/gossip-mpi" bench kernels --models mlp --hidden 1280 --batches 32 --devices java \
            --seconds "$MLP_SECONDS" 2>/dev/null | awk -F, -v r="${b%%:*}" -v n="$round" 'NR > 1 && /Vector API/ {
                print r "," n "," $0 }' >>"$train_csv"
    done
done
# The same MLP's gradient in PyTorch on one thread (bench/peers/gradient.py), where Debian's PyTorch is installed
# (bench/peers/run.sh installs it), with the malloc settings gossip-mpi gives libtorch.
torch_version=$(/usr/bin/python3 -c 'import torch; print(torch.__version__)' 2>/dev/null || true)
if [ -n "$torch_version" ]; then
    # shellcheck source=bin/lib/runtime.sh
    . bin/lib/runtime.sh
    OMP_NUM_THREADS=1 MALLOC_TRIM_THRESHOLD_=$LIBTORCH_MALLOC_TRIM MALLOC_MMAP_THRESHOLD_=$LIBTORCH_MALLOC_MMAP \
        /usr/bin/python3 bench/peers/gradient.py --seconds "$MLP_SECONDS" --rounds "$ROUNDS" |
        awk -F, -v v="$torch_version" '{ printf "pytorch-%s,%s,mlp,PyTorch %s (1 thread),%s,784,1017610,%s,%.0f,%s\n",
            v, $1, v, $2, $3, $2 * 1e6 / $4, $4 }' >>"$train_csv"
fi
{
    echo "# Gradient kernels"
    echo
    echo "Command: \`SECONDS_PER=$SECONDS_PER ROUNDS=$ROUNDS MLP_SECONDS=$MLP_SECONDS ${base:+BASELINE=$base }$([ "$NAME" = kernels ] || echo "NAME=$NAME ")bench/kernels.sh\` ($(revision_stamp),"
    echo "OpenCL: $(clinfo -l 2>/dev/null | sed -n 's/.*Device #0: //p' | head -1))."
    echo "Raw: [$NAME.csv]($NAME.csv). One minibatch gradient (forward and backward) per iteration, at least"
    echo "$SECONDS_PER s per row after 20 warm-up iterations; the mlp has 100 hidden units. No L2 term (train's default)."
    echo
    echo "| model | device | batch | parameters | samples/s | us per batch |"
    echo "|---|---|---|---|---|---|"
    awk -F, 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $5, $7, $8 }' "$OUT/$NAME.csv"
    echo
    echo "The MLP the training benchmarks run (784-1280-10, 1,017,610 parameters, batch 32), on the Vector API"
    echo "product, $ROUNDS rounds of $MLP_SECONDS s${base:+, alternating with revision $base (BASELINE=$base: the same command in a}"
    echo "${base:+worktree of that revision, built there). }Raw: [$NAME-mlp1280.csv]($NAME-mlp1280.csv)."
    if [ -n "$torch_version" ]; then
        echo "pytorch-$torch_version: the same model, initialisation distribution and batches in PyTorch $torch_version"
        echo "(Debian's, OpenBLAS), one thread, forward and backward (bench/peers/gradient.py), after the Java rounds."
    else
        echo "PyTorch: not measured (Debian's python3-torch is not installed here; bench/peers/run.sh installs it)."
    fi
    echo
    echo "| revision | us per batch, each round | median |"
    echo "|---|---|---|"
    awk -F, "$AWK_MEDIAN"' NR > 1 { n[$1]++; v[$1, n[$1]] = $10; list[$1] = list[$1] (n[$1] > 1 ? ", " : "") $10
            if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
        END { for (i = 1; i <= k; i++) { r = order[i]; printf "| %s | %s | %.1f |\n", r, list[r], median(v, r, n[r]) } }' \
        "$train_csv"
} >"$OUT/$NAME.md"
cat "$OUT/$NAME.md"
