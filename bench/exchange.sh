#!/usr/bin/env bash
# Exchange benchmark: the Java peer-to-peer collective and all-reduce (bin/gossip-mpi bench exchange)
# against the native C baseline (build/mpi_baseline) on the same sizes, runs interleaved.
#
#   bench/exchange.sh                         # NP=4 REPEATS=3 SIZES=1e3,1e4,1e5,1e6,1e7
#   NP=8 REPEATS=5 SIZES=1e6,1e7 bench/exchange.sh
#
# Writes bench/results/exchange-np$NP.csv (every run) and exchange-np$NP.md (medians over the runs and
# Java/C ratios), and prints the table. Absolute times are noisy on shared machines; the ratios come
# from runs made side by side.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
NP=${NP:-4}
REPEATS=${REPEATS:-3}
SIZES=${SIZES:-1e3,1e4,1e5,1e6,1e7}
STEPS=${STEPS:-50}
COMPRESSORS=${COMPRESSORS:-none,fp16}
OUT=bench/results
mkdir -p "$OUT"

bin/setup >/dev/null
cmake -S . -B build -DGOSSIP_BUILD_JAVA=OFF >/dev/null
cmake --build build --target mpi_baseline >/dev/null

# shellcheck source=bin/lib/jobs.sh
. "$ROOT/bin/lib/jobs.sh"
mpirun_flags "$NP"

csv=$OUT/exchange-np$NP.csv
echo "run,impl,op,topology,compressor,ranks,floats,bytes_per_rank,iters,p50_us,p99_us,mean_us" >"$csv"
for run in $(seq 1 "$REPEATS"); do
    echo "run $run of $REPEATS: native baseline" >&2
    mpirun "${MPIRUN_FLAGS[@]}" -np "$NP" build/mpi_baseline --sizes "$SIZES" --iters "$STEPS" --warmup 20 --no-header \
        | awk -F, -v run="$run" '{
            # bytes each rank sends: the vector to both neighbours, or 2(n-1)/n of it in an allreduce
            sent = $2 == "ring" ? 2 * $5 : int(2 * ($3 - 1) * $5 / $3)
            printf "%s,%s,%s,%s,none,%s,%s,%s,%s,%s,%s,%s\n", run, $1, $2, ($2 == "ring" ? "ring" : "-"), $3, $4,
                sent, $6, $7, $8, $9 }' >>"$csv"
    echo "run $run of $REPEATS: Java" >&2
    mpirun "${MPIRUN_FLAGS[@]}" -np "$NP" bin/gossip-mpi bench exchange --sizes "$SIZES" --steps "$STEPS" --warmup 20 \
        --compressors "$COMPRESSORS" --no-header 2>/dev/null | grep -E '^(openmpi-java|native),' | sed "s/^/$run,/" >>"$csv"
done

md=$OUT/exchange-np$NP.md
{
    echo "# Exchange benchmark, $NP ranks"
    echo
    echo "Command: \`NP=$NP REPEATS=$REPEATS SIZES=$SIZES STEPS=$STEPS COMPRESSORS=$COMPRESSORS bench/exchange.sh\`"
    echo "($(revision_stamp),"
    echo "$(mpirun --version | head -1)). Raw runs: [exchange-np$NP.csv](exchange-np$NP.csv)."
    echo
    echo "Time per step in microseconds: the median over $REPEATS interleaved runs of each run's p50 (p99 in"
    echo "brackets) of the slowest rank, $STEPS steps after 20 warm-up steps. \`transport\` is the bare Java ring"
    echo "exchange (iRecv/iSend of 4d bytes with both neighbours), the same pattern as C's \`ring\`; \`exchange\`"
    echo "adds encode and decodeAdd; \`codec\` is that computation alone."
    echo
    awk -F, "$AWK_MEDIAN"'NR > 1 {
            key = $2 "," $3 "," $4 "," $5 "," $7
            n[key]++; p50[key, n[key]] = $10; p99[key, n[key]] = $11; bytes[key] = $8
            if (!(key in seen)) { seen[key] = 1; order[++k] = key }
            if ($2 != "c") j = $2
        }
        END {
            print "| impl | op | topology | compressor | floats | bytes sent per rank | p50 (p99) us |"
            print "|---|---|---|---|---|---|---|"
            for (i = 1; i <= k; i++) {
                split(order[i], f, ",")
                m50[order[i]] = median(p50, order[i], n[order[i]])
                printf "| %s | %s | %s | %s | %s | %s | %.1f (%.1f) |\n", f[1], f[2], f[3], f[4], f[5], bytes[order[i]],
                    m50[order[i]], median(p99, order[i], n[order[i]])
            }
            print ""
            print "Ratios Java / C of the medians (below 1: Java faster):"
            print ""
            print "| floats | Java transport / C ring | Java exchange none (ring) / C ring | Java codec none / C ring | Java allreduce / C allreduce |"
            print "|---|---|---|---|---|"
            for (i = 1; i <= k; i++) {
                split(order[i], f, ",")
                if (f[1] == "c" && f[2] == "ring") {
                    d = f[5]; c = m50[order[i]]; ca = m50["c,allreduce,-,none," d]
                    printf "| %s | %.2f | %.2f | %.2f | %.2f |\n", d, m50[j ",transport,ring,none," d] / c,
                        m50[j ",exchange,ring,none," d] / c, m50[j ",codec,ring,none," d] / c,
                        m50[j ",allreduce,-,none," d] / ca
                }
            }
        }' "$csv"
} >"$md"
cat "$md"
