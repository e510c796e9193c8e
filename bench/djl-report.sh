#!/usr/bin/env bash
# Writes bench/results/djl.md from what bench/djl.sh measured (djl-step.csv, djl-accuracy.csv, djl-cluster.csv,
# each with the revision it measured in the .revision file beside it). Run by bench/djl.sh; alone, it rewrites the
# page from the files as they are.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=bin/lib/jobs.sh
. bin/lib/jobs.sh
OUT=bench/results
rev() { cat "$OUT/$1.revision" 2>/dev/null || echo "Not measured yet"; }
# table CSV AWK_PROGRAM: the table, or a line saying it is not measured yet
table() { if [ -r "$1" ]; then awk -F, "$2" "$1"; else echo "(not measured yet: $(basename "$1") is missing)"; fi; }
{
    echo "# DJL networks through gossip-mpi"
    echo
    echo "Command: \`bench/djl.sh\` (parts: \`PARTS=step\`, \`accuracy\`, \`cluster\`, \`malloc\`); each part names the revision it"
    echo "measured. The networks are those of \`bin/gossip-mpi-djl train --model\` (integrations/djl: DJL 0.36 on"
    echo "libtorch 2.7.1's CPU build, one PyTorch thread per rank): LeNet-5 (61,706 parameters), ResNet-20 (DJL's"
    echo "ResNetV1, BatchNorm) and wide-cnn (1,199,882 parameters)."
    echo
    echo "## One rank's step: plain DJL against gossip-mpi"
    echo
    echo "$(rev djl-step). Raw: [djl-step.csv](djl-step.csv). \`djl\`: what a DJL user writes (batch into a new"
    echo "tensor, forward, backward, \`Trainer.step\` with DJL's SGD); \`gossip\`: \`Decentralized.step\` (all-reduce"
    echo "SGD on one rank, which moves no data) on DjlModel's gradient: the vector written into the network, forward,"
    echo "backward, the gradients copied out, the SGD step on the vector. Batch 32, medians of the interleaved rounds"
    echo "(each about 3 s of plain DJL steps, after a warm-up)."
    echo "Goals: the gossip layer's step within 1.05x of plain DJL's for LeNet-5; the adapter's copies <= 5% of"
    echo "ResNet-20's step."
    echo
    table "$OUT/djl-step.csv" "$AWK_MEDIAN"'NR > 1 {
            k = $1 "," $3; n[k]++; v[k, n[k]] = $5; steps[$1] = $4
            if ($3 == "gossip") { na[$1]++; a[$1, na[$1]] = $6 }
            if (!($1 in seen)) { seen[$1] = 1; order[++m] = $1 }
        }
        END {
            print "| network | steps per round | plain DJL ms/step | gossip-mpi ms/step | gossip / DJL | adapter ms/step | adapter share | goal |"
            print "|---|---:|---:|---:|---:|---:|---:|---|"
            for (i = 1; i <= m; i++) {
                net = order[i]
                d = median(v, net ",djl", n[net ",djl"]); g = median(v, net ",gossip", n[net ",gossip"])
                ad = median(a, net, na[net])
                goal = net == "lenet5" ? (g / d <= 1.05 ? "met (step <= 1.05x)" : "missed (step > 1.05x)") \
                     : net == "resnet20" ? (ad / g <= 0.05 ? "met (adapter <= 5%)" : "missed (adapter > 5%)") : "reported"
                printf "| %s | %d | %.2f | %.2f | %.2f | %.3f | %.1f%% | %s |\n", net, steps[net], d, g, g / d, ad, 100 * ad / g, goal
            }
        }'
    echo
    echo "## Accuracy: LeNet-5, 4 ranks on a ring"
    echo
    echo "$(rev djl-accuracy). Raw: [djl-accuracy.csv](djl-accuracy.csv). Fashion-MNIST (60,000 training, 10,000"
    echo "test images), iid shards, batch 32 per rank, lr 0.05 with momentum 0.9, the learning rate divided by 10 after"
    echo "3/4 of the budget, seed 1, under \`mpirun -np 4\` on this machine. The test accuracy is the averaged model's"
    echo "(x_bar, with the ranks' BatchNorm statistics averaged where there are any). Goal: CHOCO with sign and with"
    echo "top-1% reaches >= 0.90, within 1 point of all-reduce SGD with the same budget."
    echo
    table "$OUT/djl-accuracy.csv" 'NR > 1 { if ($1 == "allreduce") base = $7; row[NR] = $0 }
        END {
            print "| algorithm | compressor | gamma | epochs | steps | train loss | test accuracy | train s | MB sent (all ranks) | goal |"
            print "|---|---|---|---|---:|---:|---:|---:|---:|---|"
            for (i = 2; i <= NR; i++) {
                split(row[i], f, ",")
                goal = f[1] == "allreduce" ? "the reference" : (f[7] >= 0.90 && f[7] >= base - 0.01 ? "met" \
                     : f[7] < 0.90 ? "missed (< 0.90)" : "missed (more than 1 point below all-reduce)")
                printf "| %s | %s | %s | %s | %s | %.4f | %.4f | %.1f | %.1f | %s |\n", f[1], f[2], f[1] == "allreduce" ? "-" : f[3],
                    f[4], f[5], f[6], f[7], f[8], f[9] / 1e6, goal
            }
        }'
    echo
    echo "All-reduce's bytes are modelled (what a ring all-reduce sends), the others' counted payloads. Curves:"
    echo "![test accuracy against steps](djl-lenet5-accuracy-vs-steps.png)"
    echo "![training loss against steps](djl-lenet5-loss-vs-steps.png)"
    echo "![test accuracy against bits sent](djl-lenet5-accuracy-vs-bits.png)"
    echo
    echo "## The emulated cluster: 4 hosts"
    echo
    echo "$(rev djl-cluster). Raw: [djl-cluster.csv](djl-cluster.csv). Hosts are network namespaces of this machine"
    echo "with a rate limit on every link (bench/cluster), one rank each, sharing its $(nproc) cores. wide-cnn: the target L"
    echo "is all-reduce SGD's training loss (estimated on 2,000 seeded training rows, every 10 steps) after its run of"
    echo "the first rate; CHOCO runs until L. ResNet-20: a fixed number of steps, to compare the step's cost."
    echo "Phases are rank 0's p50."
    echo
    table "$OUT/djl-cluster.csv" 'NR > 1 && $2 == "wide-cnn" && $3 == "allreduce" { base[$1] = $8 }
        NR > 1 { row[NR] = $0 }
        END {
            print "| link | network | algorithm | compressor | gamma | steps | train s (to L) | speed-up over all-reduce | mean step ms | gradient / compress / exchange / mix p50 ms | MB sent |"
            print "|---|---|---|---|---|---:|---:|---:|---:|---|---:|"
            for (i = 2; i <= NR; i++) {
                split(row[i], f, ",")
                wide = f[2] == "wide-cnn"
                t = wide && f[3] != "allreduce" ? (f[6] == "true" ? sprintf("%.1f", f[9]) : "not reached") : sprintf("%.1f", f[8])
                sp = wide && f[3] != "allreduce" && f[6] == "true" ? sprintf("%.2fx", base[f[1]] / f[9]) : "-"
                printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.1f / %.1f / %.1f / %.1f | %.1f |\n", f[1], f[2], f[3], f[4],
                    f[3] == "allreduce" ? "-" : f[5], f[7], t, sp, f[11], f[12], f[13], f[14], f[15], f[10] / 1e6
            }
        }'
    echo
    table "$OUT/djl-cluster.csv" 'function min(a, b) { return a < b ? a : b } function max(a, b) { return a < b ? b : a }
        NR > 1 && $3 == "allreduce" { step[$1 "," $2] = $11; ex[$1 "," $2] = $14; gr[$1 "," $2] = $12 }
        NR > 1 && $2 == "wide-cnn" && $3 == "allreduce" { base[$1] = $8 }
        NR > 1 && $2 == "wide-cnn" && $3 == "choco" && $6 == "true" { s = base[$1] / $9
            if (!($1 in lo) || s < lo[$1]) lo[$1] = s; if (!($1 in hi) || s > hi[$1]) hi[$1] = s }
        END {
            f = "Where compression pays: the wide CNN'"'"'s all-reduce moves 4.8 MB of gradient a step; its exchange takes"
            f = f " %.0f of its %.0f ms step at 100 Mbit/s, so CHOCO, whose step is little more than its gradient, reaches"
            f = f " the loss %.2f-%.2fx sooner. At 1 Gbit/s the exchange takes %.0f of %.0f ms and the gain is %.2f-%.2fx."
            f = f " ResNet-20 (0.27 million parameters, 1.1 MB a step) is compute-bound at both rates: its gradient takes"
            f = f " %.0f-%.0f ms (4 ranks on 2 cores) against an exchange of %.0f ms at 100 Mbit/s, so compression does not"
            f = f " pay there, and the table says by how much CHOCO'"'"'s step differs (the gradient phase varies with what the"
            f = f " other ranks on the shared cores do).\n"
            printf f, ex["100mbit,wide-cnn"], step["100mbit,wide-cnn"], lo["100mbit"],
                hi["100mbit"], ex["1gbit,wide-cnn"], step["1gbit,wide-cnn"], lo["1gbit"], hi["1gbit"],
                min(gr["100mbit,resnet20"], gr["1gbit,resnet20"]), max(gr["100mbit,resnet20"], gr["1gbit,resnet20"]),
                ex["100mbit,resnet20"]
        }' | fold -s -w 116 | sed 's/ *$//'
    echo
    echo "![wide-cnn: loss against train seconds, 100 Mbit/s](djl-wide-cnn-100mbit.png)"
    echo "![wide-cnn: loss against train seconds, 1 Gbit/s](djl-wide-cnn-1gbit.png)"
    echo
    echo "## Memory handed back or kept: glibc's malloc under libtorch"
    echo
    echo "$(rev djl-malloc). Raw: [djl-malloc.csv](djl-malloc.csv). 4 ranks under \`mpirun\` on this machine, batch 32,"
    echo "lr 0.05, seed 1: LeNet-5 with CHOCO top-1% for one epoch (469 steps), and the wide CNN's all-reduce for 30"
    echo "steps evaluated every 10 (the training loss on 2,000 rows and the test accuracy). \`keep\` is the launcher's"
    echo "default (\`MALLOC_TRIM_THRESHOLD_=1073741824\`, \`MALLOC_MMAP_THRESHOLD_=33554432\`: memory libtorch frees stays"
    echo "with the process), \`glibc\` is \`GOSSIP_MPI_MALLOC=glibc\` (glibc's own settings: freed memory goes back to the"
    echo "kernel and comes back as fresh pages to fault in). Rounds interleave the two; the runs are the same arithmetic"
    echo "(same losses), only the seconds and the memory differ."
    echo
    echo "| round | malloc | network | algorithm | steps | train s | evaluation s | peak resident MB (max) |"
    echo "|---:|---|---|---|---:|---:|---:|---:|"
    table "$OUT/djl-malloc.csv" 'NR > 1 { printf "| %s | %s | %s | %s | %s | %.1f | %.1f | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }'
} >"$OUT/djl.md"
echo "djl: wrote $OUT/djl.md" >&2
