#!/usr/bin/env bash
# A step through the public API against train's own step (issue 20's goal: within 1.05x), in one JVM per rank:
# bench api runs rounds of train and of a user's loop calling Decentralized.step on the same MLP, data, minibatches
# and settings, CHOCO top-1% and D-PSGD, with 4 in-process ranks and under mpirun -np 4.
#
#   bench/library.sh                          # STEPS=300 ROUNDS=5 HIDDEN=256
#
# Writes bench/results/library.csv (every round) and library.md (medians and their ratio).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=bin/lib/jobs.sh
. bin/lib/jobs.sh
STEPS=${STEPS:-300}
ROUNDS=${ROUNDS:-5}
HIDDEN=${HIDDEN:-256}
OUT=bench/results
mkdir -p "$OUT"
bin/setup >/dev/null
mpirun_flags 4
csv=$OUT/library.csv
args=(bench api --steps "$STEPS" --rounds "$ROUNDS" --hidden "$HIDDEN")
{
    bin/gossip-mpi "${args[@]}" --ranks 4
    mpirun "${MPIRUN_FLAGS[@]}" -np 4 bin/gossip-mpi "${args[@]}" | tail -n +2
} >"$csv"
md=$OUT/library.md
{
    echo "# A step through the public API against train's own step"
    echo
    echo "Command: \`STEPS=$STEPS ROUNDS=$ROUNDS HIDDEN=$HIDDEN bench/library.sh\` ($(revision_stamp))."
    echo "MLP 784-$HIDDEN-10 on Fashion-MNIST, batch 32 per rank, 4 ranks (in-process, and under mpirun -np 4 on this"
    echo "machine's shared memory), $STEPS steps per measurement, $ROUNDS interleaved rounds after a warm-up round."
    echo "\`train\`: its train seconds over its steps; \`api\`: a user's loop that computes the gradient and calls"
    echo "\`Decentralized.step(t, x, g, lr)\`, the slowest rank's time per step. Raw: [library.csv](library.csv)."
    echo "Goal: the API's step costs no more than train's (ratio <= 1.05)."
    echo
    awk -F, "$AWK_MEDIAN"'NR > 1 {
            key = $1 "," $3 "," $4; n[key, $6]++; v[key "," $6, n[key, $6]] = $8
            if (!(key in seen)) { seen[key] = 1; order[++k] = key }
        }
        END {
            print "| backend | algorithm | compressor | train: us per step | API: us per step | API / train | goal <= 1.05 |"
            print "|---|---|---|---:|---:|---:|---|"
            for (i = 1; i <= k; i++) {
                split(order[i], f, ",")
                t = median(v, order[i] ",train", n[order[i], "train"])
                a = median(v, order[i] ",api", n[order[i], "api"])
                printf "| %s | %s | %s | %.0f | %.0f | %.2f | %s |\n", f[1], f[2], f[3], t, a, a / t,
                    a / t <= 1.05 ? "met" : "missed"
            }
        }' "$csv"
} >"$md"
cat "$md"
