#!/usr/bin/env bash
# Writes bench/results/data.md from bench/results/data.csv (bench/data.sh runs it; alone, it rewrites the page).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=bench/results
csv=$OUT/data.csv
{
    echo "# Data at cluster scale: what each rank holds"
    echo
    echo "Command: \`bench/data.sh\` (parts \`PARTS=fashion,inprocess,large,read,tiny\`); every row names the revision it"
    echo "measured. Raw: [data.csv](data.csv). $(nproc) cores, $(free -g | awk '/^Mem/ { print $2 }') GiB. Peak"
    echo "resident set: each rank's process's VmHWM at the end of the run (summary.json's \`memory_mb\`), the largest"
    echo "over the ranks; seconds to step 0: from the JVM's start to the first step (\`startup_seconds_per_rank\`), the"
    echo "largest over the ranks, and that rank's parts of it (\`startup_parts_seconds_per_rank\`: launch, from the JVM's"
    echo "start to the run's, which holds MPI's start; data, reading the rank's rows; the model, optimizer and evaluation"
    echo "sample; rows measured before the split have none); training rows: what rank 0 keeps (its shard and its part"
    echo "of the loss sample)."
    echo "IDX data is read whole by every process, which then keeps its shard; a binary file (\`gossip-mpi data"
    echo "convert\`) is read by each rank at its own rows' offsets; text under mpirun (\`large-text\`) is parsed a part"
    echo "a rank, and the ranks send one another the rows each keeps. Convert MB/s: MB of text a second, one figure"
    echo "per conversion of the same file, separated by commas, each \"wall/core\" where \`data convert\` reported its CPU"
    echo "seconds: over the wall time, then over the CPU seconds the process used (every thread, the kernel's work for"
    echo "it included), which is the rate per core."
    echo
    echo "| part | input | ranks | rows | file MB | rank 0's training rows MB | peak resident MB (max) | s to step 0 (max) | of which launch / data / model and optimizer | convert MB/s | revision |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    awk -F, 'NR > 1 { c = $9; gsub(";", ", ", c); q = $11; gsub("/", " / ", q); printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, q == "" ? "-" : q, c == "" ? "-" : c, $10 }' "$csv"
    echo
    echo "Goals (issue 22):"
    echo
    echo "| goal | measured | verdict |"
    echo "|---|---|---|"
    awk -F, '
        NR > 1 && $1 == "fashion" { peak[$2] = $7; start[$2] = $8 }
        NR > 1 && $1 == "inprocess" && $3 == 256 { ip = $7 }
        NR > 1 && $1 == "large" { lp[$3] = $7; lf = $5; conv = $9; ls[$3] = $8 }
        NR > 1 && $1 == "large-blocks" { bs[$3] = $8 }
        NR > 1 && $1 == "tiny" { ts[$3] = $8 }
        END {
            if ("binary" in peak) {
                printf "| Fashion-MNIST, 4 ranks, MLP 1e6: per-rank peak <= 250 MB | %s MB (IDX: %s MB) | %s |\n", peak["binary"], peak["idx"], (peak["binary"] <= 250 ? "met" : "missed")
                printf "| the same: seconds to step 0 no more than today (IDX) | %s s (IDX: %s s) | %s |\n", start["binary"], start["idx"], (start["binary"] <= start["idx"] ? "met" : "missed")
            }
            if (ip != "") printf "| in-process, 256 ranks, logistic on fashion-mnist:binary: <= 2048 MB | %s MB | %s |\n", ip, (ip <= 2048 ? "met" : "missed")
            if (8 in lp) {
                lim = lf / 8 + 300
                printf "| synthetic file, 8 ranks: per-rank peak <= file / 8 + 300 MB = %.0f MB | %s MB | %s |\n", lim, lp[8], (lp[8] <= lim ? "met" : "missed")
                # per core: the MB per CPU second of each conversion ("wall/core"; older rows give the wall rate only)
                n = split(conv, cv, ";"); met = 0; list = ""
                for (k = 1; k <= n; k++) {
                    m = split(cv[k], wc, "/"); core[k] = wc[m] + 0; met += core[k] >= 300
                    list = list (k > 1 ? ", " : "") wc[m]
                }
                printf "| conversion >= 300 MB of text per second per core | %s MB/s per core (%d conversions of the same file; wall rates in the table) | %s |\n", list, n, (met == n ? "met" : (met > 0 ? sprintf("met in %d of %d", met, n) : "missed"))
                printf "| seconds to step 0 fall with ranks (1, 2, 4, 8), --shard iid | %s, %s, %s, %s s (less the same runs on 2,000 rows: %s, -, %s, %s s) | %s |\n", ls[1], ls[2], ls[4], ls[8], (1 in ts) ? sprintf("%.1f", ls[1] - ts[1]) : "-", (4 in ts) ? sprintf("%.1f", ls[4] - ts[4]) : "-", (8 in ts) ? sprintf("%.1f", ls[8] - ts[8]) : "-", (ls[8] < ls[4] && ls[4] < ls[2] && ls[2] < ls[1]) ? "met" : "missed"
                if (8 in bs) printf "| the same, --shard blocks | %s, %s, %s, %s s (less the same runs on 2,000 rows: %s, -, %s, %s s) | %s |\n", bs[1], bs[2], bs[4], bs[8], (1 in ts) ? sprintf("%.1f", bs[1] - ts[1]) : "-", (4 in ts) ? sprintf("%.1f", bs[4] - ts[4]) : "-", (8 in ts) ? sprintf("%.1f", bs[8] - ts[8]) : "-", (bs[8] < bs[4] && bs[4] < bs[2] && bs[2] < bs[1]) ? "met" : "missed"
            }
        }' "$csv"
    if [ -r "$OUT/data-read.csv" ]; then
        echo
        echo "One rank's read of the whole binary file of the large part, three times in one JVM (the read part:"
        echo "\`bin/gossip-mpi-java -cp target/gossip-mpi.jar bench/lib/ReadProbe.java FILE SHARDING 3\` with"
        echo "\`-XX:MaxHeapFreeRatio=100\`, so that the heap never shrinks): the first read, and the fastest later one,"
        echo "into memory the JVM already holds. Huge pages (\`-XX:+UseTransparentHugePages\`) are the launcher's"
        echo "default where the kernel's mode is madvise, except on a virtual machine that reports free memory to its"
        echo "host ([hugepages.md](hugepages.md)); \`GOSSIP_MPI_JAVA_OPTS=-XX:-UseTransparentHugePages\` (or \`+\`) overrides it."
        echo "Minor faults: the process's page faults during the read (/proc/self/stat)."
        echo
        echo "| shard | huge pages | rows | first read s | later read s | minor faults, first | minor faults, later | revision |"
        echo "|---|---|---:|---:|---:|---:|---:|---|"
        awk -F, 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }' "$OUT/data-read.csv"
    fi
    echo
    echo "Where a goal is missed, why: the conversion parses on one core and writes every byte once (format 2: the"
    echo "rows straight to their place, the per-row tables after them; written back to disk every 64 MB as it goes),"
    echo "then forces the file to disk before renaming it; the conversions of the same file show how much this"
    echo "machine's speed varies from one run to the next. The CPU seconds count every thread of the process: the"
    echo "JIT compiler's, and the kernel's work for the reads, the writes and the write-back, as well as the parser's."
    echo "The"
    echo "LIBSVM parser reads a line in one pass (digit runs eight bytes at a time, a value of digits, point and"
    echo "digits within eight bytes in one conversion, an index of up to seven digits with its colon in one load, each"
    echo "token's start known from the last one's load; plain decimals by Clinger's fast path, the rest through the"
    echo "JDK's parser). The seconds to step 0 cannot fall far on this machine's $(nproc) cores, which 2, 4 and 8 ranks"
    echo "share: each process's JVM start and compilation and what every rank reads whatever the ranks (all"
    echo "targets and row checksums, 8 bytes a row, and the seeded permutation of all rows for the iid shards) add up"
    echo "over the ranks; the \`tiny\` rows, the same runs on the file's first 2,000 rows, show what a rank's start costs"
    echo "without data."
    echo "A rank reads its rows in file order, rows less than 4 KB apart in one read, so on this file (rows of about 450"
    echo "bytes) with \`--shard iid\` each of up to 8 ranks reads past the rows of the others rather than making a system"
    echo "call a row; with \`--shard blocks\` (\`large-blocks\`) a rank's rows are runs of up to 4,096 consecutive rows in"
    echo "about 1/n of the file (compare the two series' data parts). With one rank both read every row, and most of"
    echo "their data part is the first touch of the memory the rows go to (the table below): on this virtual machine"
    echo "the kernel's page faults for fresh memory cost seconds a GB, less with the heap on 2 MB transparent huge"
    echo "pages (a fault per 2 MB), which the launcher asks for where the kernel's mode is madvise (a kernel in mode"
    echo "always gives them unasked) and the machine is not a virtual machine that reports free memory to its host"
    echo "(where each huge page's first touch is slow: [hugepages.md](hugepages.md)). Read again into memory the JVM already holds, the same rows take a"
    echo "fraction of it, and iid's read then costs more than blocks' because it writes each row to its place in"
    echo "the shard's seeded order, all over gigabytes, where blocks writes them in file order. The large runs start"
    echo "with the file in the page cache (read once just before each), so they time the ranks' reading, not this"
    echo "machine's one disk."
    echo "Per-rank memory does fall with the ranks, as the table shows."
} >"$OUT/data.md"
echo "data: wrote $OUT/data.md" >&2
