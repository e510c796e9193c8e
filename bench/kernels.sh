#!/usr/bin/env bash
# Gradient kernels: samples/s of every dense model for batch 64, 256, 1024 on the OpenCL device and on the
# Java twin, in one run, on Fashion-MNIST (784 features, 10 classes; logistic and least squares use the
# class index as their target, which does not change their cost).
#
#   bench/kernels.sh                  # writes bench/results/kernels.csv and bench/results/kernels.md
#   SECONDS_PER=5 bench/kernels.sh    # longer measurements
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=bin/lib/jobs.sh
. bin/lib/jobs.sh
OUT=bench/results
mkdir -p "$OUT"
bin/setup >/dev/null
SECONDS_PER=${SECONDS_PER:-2}
bin/gossip-mpi bench kernels --seconds "$SECONDS_PER" 2>/dev/null >"$OUT/kernels.csv"
{
    echo "# Gradient kernels"
    echo
    echo "Command: \`SECONDS_PER=$SECONDS_PER bench/kernels.sh\` ($(revision_stamp),"
    echo "OpenCL: $(clinfo -l 2>/dev/null | sed -n 's/.*Device #0: //p' | head -1))."
    echo "Raw: [kernels.csv](kernels.csv). One minibatch gradient (forward and backward) per iteration, at least"
    echo "$SECONDS_PER s per row after 20 warm-up iterations; the mlp has 100 hidden units."
    echo
    echo "| model | device | batch | parameters | samples/s | us per batch |"
    echo "|---|---|---|---|---|---|"
    awk -F, 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $5, $7, $8 }' "$OUT/kernels.csv"
} >"$OUT/kernels.md"
cat "$OUT/kernels.md"
