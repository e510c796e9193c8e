#!/usr/bin/env bash
# bench/peers/report.sh TARGET GAMMA STAMP [STEPS EVAL_EVERY]: writes bench/results/peers.md from peers.csv (bench/peers/run.sh runs it).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
OUT=bench/results
csv=$OUT/peers.csv
TARGET=$1 GAMMA=$2 STAMP=$3 STEPS=${4:-200} EVAL_EVERY=${5:-25}
torch=$(/usr/bin/python3 -c 'import torch; print(torch.__version__)' 2>/dev/null || echo unknown)
{
    echo "# gossip-mpi and PyTorch on the same emulated hosts"
    echo
    echo "Command: \`bench/peers/run.sh\` (STEPS=$STEPS EVAL_EVERY=$EVAL_EVERY HOSTS=$(awk -F, 'NR == 2 { print $2 }' "$csv"), rates $(awk -F, 'NR > 1 { print $1 }' "$csv" | awk '!s[$0]++' | paste -sd, -))"
    echo "($STAMP; PyTorch $torch from Debian, gloo, one thread per rank). Raw: [peers.csv](peers.csv)."
    echo
    echo "MLP 784-1280-10 on Fashion-MNIST, batch 32 per rank, lr 0.1, plain SGD, the ranks on a ring of emulated hosts"
    echo "(network namespaces of one $(nproc)-core machine, a tbf limit on every host's link: bench/cluster). Target L ="
    echo "$TARGET: gossip-mpi's all-reduce SGD's training loss after $STEPS steps; every run's loss is the averaged model's"
    echo "on all 60,000 training rows, every $EVAL_EVERY steps, outside the training time. CHOCO-SGD: top-1%, gamma $GAMMA (the"
    echo "stable gamma of the time-to-target sweep), on both sides. PyTorch's runs are bench/peers/peer.py: the same"
    echo "model, initialisation distribution, sharding and minibatch scheme, batch and learning rate; its random draws"
    echo "are its own, so its curves differ from gossip-mpi's by chance as well. PyTorch's all-reduce bytes are"
    echo "modelled as gossip-mpi's (2(n-1)/n x 4d per rank and step); CHOCO's are the payloads (PyTorch: int64"
    echo "indices and float32 values; gossip-mpi: its own wire format). gossip-mpi's all-reduce runs three times: allreduce"
    echo "sums with MPI_Allreduce (Open MPI's, with the launcher's settings), allreduce-ring with its own pipelined ring"
    echo "(\`--allreduce ring\`), allreduce-ring-overlap with that ring in buckets of about 1 MiB summed while the gradient"
    echo "is computed (\`--allreduce ring --overlap\`, as DDP does). Mean step: the run's train seconds over its steps; \"after step $EVAL_EVERY\": the same from"
    echo "the first evaluation on (bench/peers/collect.sh), without the first steps' start, which in gossip-mpi's runs holds"
    echo "the JIT compilation of four JVMs sharing $(nproc) cores. L is the MPI all-reduce's own loss: the ring and the"
    echo "overlapped ring sum in other orders, so their losses differ in the last digits, and one a hair above L at step"
    echo "$STEPS meets it only at the next evaluation, $EVAL_EVERY steps later; compare the all-reduces by their steps."
    echo
    echo "| link | implementation | algorithm | compressor | gamma | steps to L | train s to L | mean step ms | step ms after step $EVAL_EVERY | MB sent | speed-up over PyTorch DDP |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    awk -F, 'NR == FNR { if ($4 == "pytorch-ddp" && $7 == "true") ddp[$1] = $9; next }
        FNR > 1 {
            to = $7 == "true" ? sprintf("%.1f", $9) : "not reached"
            up = ($7 == "true" && ($1 in ddp)) ? sprintf("%.2fx", ddp[$1] / $9) : "-"
            printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $3, $4, $5, $6, ($7 == "true" ? $8 : "-"), to, $10, $13, $11, up
        }' "$csv" "$csv"
    echo
    echo "Charts (training loss against training seconds, every run of a rate): $(awk -F, 'NR > 1 { print $1 }' "$csv" | awk '!s[$0]++' | sed 's/.*/[peers-&.png](peers-&.png)/' | paste -sd' ' -)."
    echo
    echo "Goals (issue 23):"
    echo
    echo "| goal | measured | verdict |"
    echo "|---|---|---|"
    awk -F, 'NR > 1 { k = $1 "/" $4; step[k] = $10; steady[k] = $13; to[k] = ($7 == "true") ? $9 : "" ; links[$1] = 1 }
        END {
            for (l in links) {
                d = step[l "/pytorch-ddp"]
                split("allreduce allreduce-ring allreduce-ring-overlap", kinds, " ")
                split("MPI_Allreduce|its ring|its ring, overlapped", names, "|")
                for (i = 1; i <= 3; i++) {
                    a = step[l "/" kinds[i]]
                    if (a != "" && d != "")
                        printf "| %s: gossip-mpi all-reduce step (%s) <= PyTorch DDP step | %s ms vs %s ms | %s |\n", l,
                            names[i], a, d, (a + 0 <= d + 0) ? "met" : "missed"
                    a = steady[l "/" kinds[i]]; sd = steady[l "/pytorch-ddp"]
                    if (a != "" && a != "-" && sd != "" && sd != "-")
                        printf "| %s: the same after the first steps (%s) | %s ms vs %s ms | %s |\n", l,
                            names[i], a, sd, (a + 0 <= sd + 0) ? "met" : "missed"
                }
                c = to[l "/choco"]; dd = to[l "/pytorch-ddp"]
                goal = (l == "100mbit") ? 25 : 4
                if (c != "" && dd != "")
                    printf "| %s: gossip-mpi CHOCO reaches L >= %dx sooner than PyTorch DDP | %.2fx (%.1f s vs %.1f s) | %s |\n", l, goal, dd / c, c, dd, (dd / c >= goal) ? "met" : "missed"
            }
        }' "$csv" | sort
} >"$OUT/peers.md"
echo "peers: wrote $OUT/peers.md" >&2
