#!/usr/bin/env bash
# Data at cluster scale (issue 22): what each rank holds and how long it takes to start, for data read whole by
# every process (IDX, text) and for gossip-mpi's binary format, where each rank reads only its rows.
#
#   bench/data.sh          # PARTS=fashion,inprocess,large,read,tiny ROWS=6000000 NNZ=50 FEATURES=100000
#
#   fashion    Fashion-MNIST, 4 ranks under mpirun, MLP 784-1280-10 (1,017,610 parameters), 20 steps: the IDX
#              files (training and test) against the same rows converted (data convert): peak resident set per
#              rank, seconds to step 0
#   inprocess  fashion-mnist:binary, logistic, in-process ranks (64, 256): the process's peak resident set
#   large      a synthetic sparse LIBSVM file of ROWS rows x NNZ non-zeros (generated here, not kept), converted
#              (MB/s of text), then logistic regression on 1, 2, 4 and 8 ranks under mpirun: per-rank peak resident
#              set and seconds to step 0, with --shard iid and --shard blocks (large-blocks), the file in the page
#              cache; and the text itself on 8 ranks (each parses a part, rows sent where kept);
#              the conversion three times (the run-to-run spread; MB/s over wall and over CPU seconds), and the
#              file's first 2,000 rows converted for:
#              and one rank's read of the whole binary file, three times in one JVM (bench/lib/ReadProbe.java),
#              --shard iid and blocks, with the heap on 2 MB transparent huge pages (the launcher's default where
#              the kernel's mode is madvise, bin/lib/runtime.sh thp_pays) and on 4 KB pages: what the first touch of the memory costs
#   read       one rank's read of the large part's binary file, three times in one JVM (bench/lib/ReadProbe.java;
#              the heap kept, never shrunk), --shard iid and blocks, with the heap on 2 MB transparent huge pages
#              (the launcher's default where the kernel's mode is madvise, bin/lib/runtime.sh thp_pays) and on 4 KB pages: what the first touch
#              of the memory costs
#   tiny       the large part's runs on those 2,000 rows, 1, 4 and 8 ranks: what a rank's start costs without data
#
# Writes bench/results/data.md, data.csv and data-read.csv (the read part). WORK (default
# /tmp/gossip-mpi-data-bench) holds the files.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/lib/summary.sh
. bench/lib/summary.sh
# shellcheck source=bin/lib/jobs.sh
. bin/lib/jobs.sh
# shellcheck source=bin/lib/runtime.sh
. bin/lib/runtime.sh
PARTS=${PARTS:-fashion,inprocess,large,read,tiny}
ROWS=${ROWS:-6000000}
NNZ=${NNZ:-50}
FEATURES=${FEATURES:-100000}
WORK=${WORK:-${TMPDIR:-/tmp}/gossip-mpi-data-bench}
OUT=bench/results
say() { printf 'data: %s\n' "$*" >&2; }
has() { [[ ",$PARTS," == *",$1,"* ]]; }
bin/setup >/dev/null
mkdir -p "$WORK" "$OUT"
csv=$OUT/data.csv
header="part,input,ranks,rows,file_mb,training_rows_mb_rank0,peak_resident_mb_max,startup_s_max,convert_mb_per_s,revision,startup_parts_s"
if [ ! -r "$csv" ]; then
    echo "$header" >"$csv"
elif [ "$(head -1 "$csv")" != "$header" ]; then # rows of before the start-up's parts: the column left empty
    { echo "$header"; tail -n +2 "$csv" | sed 's/$/,/'; } >"$csv.tmp" && mv "$csv.tmp" "$csv"
fi
stamp=$(revision_stamp)
rev=$(echo "$stamp" | sed 's/^revision \([^,]*\),.*/\1/')
# record PART INPUT RANKS ROWS FILE_MB SUMMARY [CONVERT_MB_S]: one line of data.csv from a run's summary.json; the
# start-up is the slowest rank's, with its parts (launch/data/model and optimizer, startup_parts_seconds_per_rank)
record() {
    local s=$6 rows peaks starts slowest parts
    rows=$(sed -n 's/.*"training_rows_per_rank":\[\([^],]*\).*/\1/p' "$s")
    peaks=$(sed -n 's/.*"peak_resident_per_rank":\[\([^]]*\)\].*/\1/p' "$s" | tr ',' '\n' | sort -n | tail -1)
    starts=$(sed -n 's/.*"startup_seconds_per_rank":\[\([^]]*\)\].*/\1/p' "$s" | tr ',' '\n' | sort -n | tail -1)
    slowest=$(sed -n 's/.*"startup_seconds_per_rank":\[\([^]]*\)\].*/\1/p' "$s" | tr ',' '\n' \
        | awk 'NR == 1 || $1 > m { m = $1; k = NR } END { print k }')
    parts=$(for p in launch data model_and_optimizer; do
        sed -n "s/.*\"startup_parts_seconds_per_rank\":{[^}]*\"$p\":\[\([^]]*\)\].*/\1/p" "$s" | cut -d, -f"$slowest"
    done | paste -sd/)
    awk -F, -v p="$1" -v i="$2" -v n="$3" '!($1 == p && $2 == i && $3 == n)' "$csv" >"$csv.tmp" && mv "$csv.tmp" "$csv"
    echo "$1,$2,$3,$4,$5,$rows,$peaks,$starts,${7:-},$rev,$parts" >>"$csv"
}
mpirun_flags 8
fm=/usr/share/datasets/fashion-mnist

if has fashion; then
    bin/gossip-mpi data convert $fm/train-images-idx3-ubyte.gz "$WORK/fashion.gmd" >&2
    bin/gossip-mpi data convert $fm/t10k-images-idx3-ubyte.gz "$WORK/fashion-test.gmd" >&2
    mb=$(stat -c %s "$WORK/fashion.gmd" | awk '{ printf "%.0f", $1 / 1e6 }')
    common=(train --algorithm choco --compressor topk:0.01 --gamma 0.05 --model mlp --hidden 1280 --batch 32
            --lr 0.1 --steps 20 --eval-every 20 --seed 1 --device java)
    for input in idx binary; do
        if [ $input = idx ]; then
            data=(--data $fm/train-images-idx3-ubyte.gz --test-data $fm/t10k-images-idx3-ubyte.gz)
        else
            data=(--data "$WORK/fashion.gmd" --test-data "$WORK/fashion-test.gmd")
        fi
        say "fashion: $input, 4 ranks"
        rm -rf "$WORK/fashion-$input"
        mpirun "${MPIRUN_FLAGS[@]}" -np 4 bin/gossip-mpi "${common[@]}" "${data[@]}" --out "$WORK/fashion-$input" >&2
        record fashion $input 4 60000 "$([ $input = idx ] && du -b --apparent-size -c $fm/train-*.gz | tail -1 | awk '{ printf "%.0f", $1 / 1e6 }' || echo "$mb")" "$WORK"/fashion-$input/*/summary.json
    done
fi

if has inprocess; then
    for n in 64 256; do
        say "in-process: $n ranks"
        rm -rf "$WORK/inprocess-$n"
        bin/gossip-mpi train --ranks "$n" --algorithm choco --compressor topk:0.1 --gamma 0.2 --topology ring \
            --model logistic --data fashion-mnist:binary --batch 8 --lr 0.1 --steps 20 --eval-every 20 --seed 1 \
            --device java --out "$WORK/inprocess-$n" >&2
        record inprocess fashion-mnist:binary "$n" 12000 - "$WORK"/inprocess-$n/*/summary.json
    done
fi

if has large; then
    text=$WORK/large.libsvm
    say "large: generating $ROWS rows x $NNZ non-zeros of $FEATURES features"
    awk -v rows="$ROWS" -v nnz="$NNZ" -v d="$FEATURES" 'BEGIN {
        srand(7); step = int(d / nnz)
        for (r = 0; r < rows; r++) {
            line = (rand() < 0.5 ? "-1" : "+1"); c = 0
            for (k = 0; k < nnz; k++) { c += 1 + int(rand() * step); line = line " " c ":" sprintf("%.4f", rand()) }
            print line
        }
    }' >"$text"
    sync # on disk before the conversion starts, as a user's file is: not written back while it is converted
    text_mb=$(stat -c %s "$text" | awk '{ printf "%.0f", $1 / 1e6 }')
    # Three conversions of the same file: the first of a fresh file also pays for the memory the kernel reclaims
    # for its output, and this machine's speed varies from run to run. Each gives MB/s of text over the wall time
    # and over the CPU seconds the process used (per core: the disk's waits do not count), as "wall/core".
    speed=
    for k in 1 2 3; do
        say "large: converting $text_mb MB ($k of 3)"
        bin/gossip-mpi data convert "$text" "$WORK/large.gmd" --features "$FEATURES" | tee "$WORK/convert.log" >&2
        rate=$(sed -n 's/.*(\([0-9.]*\) MB\/s of input; [0-9.]* s of CPU: \([0-9.]*\) MB\/s per core).*/\1\/\2/p' \
            "$WORK/convert.log")
        [ -n "$rate" ] || { say "no conversion rate in $WORK/convert.log"; exit 1; }
        speed=${speed:+$speed;}$rate
    done
    # What a rank's start costs without data: the same runs on the file's first 2,000 rows
    head -n 2000 "$text" >"$WORK/tiny.libsvm"
    bin/gossip-mpi data convert "$WORK/tiny.libsvm" "$WORK/tiny.gmd" --features "$FEATURES" >&2
    mb=$(stat -c %s "$WORK/large.gmd" | awk '{ printf "%.0f", $1 / 1e6 }')
    large=(train --algorithm choco --compressor topk:0.01 --gamma 0.05 --model logistic --batch 32 --lr 0.1 --steps 10
           --eval-every 10 --eval-rows 10000 --seed 1 --device java)
    say "large: the text itself on 8 ranks (parsed a part a rank)"
    rm -rf "$WORK/large-text"
    mpirun "${MPIRUN_FLAGS[@]}" -np 8 bin/gossip-mpi "${large[@]}" --data "$text" --features "$FEATURES" \
        --out "$WORK/large-text" >&2
    record large-text "synthetic LIBSVM text (a part a rank)" 8 "$ROWS" "$text_mb" "$WORK"/large-text/*/summary.json
    rm -f "$text"
    # Every run starts with the file in the page cache (read once just before), as after a first read: what the
    # ranks' own reading costs, not this one disk's. iid: a rank's rows lie all over the file; blocks: in about
    # 1/n of it.
    for shard in iid blocks; do
        for n in 1 2 4 8; do
            say "large: $n ranks, --shard $shard"
            rm -rf "$WORK/large-$shard-$n"
            cat "$WORK/large.gmd" >/dev/null
            mpirun "${MPIRUN_FLAGS[@]}" -np "$n" bin/gossip-mpi "${large[@]}" --shard "$shard" --data "$WORK/large.gmd" \
                --out "$WORK/large-$shard-$n" >&2
            record "$([ $shard = iid ] && echo large || echo large-blocks)" \
                "synthetic LIBSVM ($text_mb MB text$([ $shard = iid ] || echo "; --shard blocks"))" "$n" "$ROWS" "$mb" \
                "$WORK"/large-$shard-$n/*/summary.json "$speed"
        done
    done
fi

if has read; then
    [ -r "$WORK/large.gmd" ] || { say "the read part needs the large part's $WORK/large.gmd: run PARTS=large,read"; exit 1; }
    if thp_on_request; then
        echo "sharding,huge_pages,rows,first_s,again_s,first_minor_faults,again_minor_faults,revision" >"$OUT/data-read.csv"
        for shard in iid blocks; do
            for pages in on off; do
                say "read: one rank's read of the whole file, --shard $shard, huge pages $pages, three times"
                cat "$WORK/large.gmd" >/dev/null
                line=$(GOSSIP_MPI_JAVA_OPTS="-XX:MaxHeapFreeRatio=100 -XX:$([ $pages = on ] && echo + || echo -)UseTransparentHugePages" \
                    bin/gossip-mpi-java -cp target/gossip-mpi.jar bench/lib/ReadProbe.java "$WORK/large.gmd" "$shard" 3)
                echo "$line" | awk -F, -v p="$pages" -v r="$rev" '{ print $1 "," p "," $2 "," $3 "," $4 "," $5 "," $6 "," r }' \
                    >>"$OUT/data-read.csv"
            done
        done
    else
        say "read: the kernel's transparent huge pages are not in madvise mode here: no read comparison"
    fi
fi

if has tiny; then
    [ -r "$WORK/tiny.gmd" ] || { say "the tiny part needs the large part's $WORK/tiny.gmd: run PARTS=large,tiny"; exit 1; }
    tiny=(train --algorithm choco --compressor topk:0.01 --gamma 0.05 --model logistic --batch 32 --lr 0.1 --steps 10
          --eval-every 10 --eval-rows 1000 --seed 1 --device java)
    for n in 1 4 8; do
        say "tiny: the large file's first 2,000 rows, $n ranks"
        rm -rf "$WORK/tiny-$n"
        mpirun "${MPIRUN_FLAGS[@]}" -np "$n" bin/gossip-mpi "${tiny[@]}" --data "$WORK/tiny.gmd" --out "$WORK/tiny-$n" >&2
        record tiny "the synthetic file's first 2000 rows" "$n" 2000 \
            "$(stat -c %s "$WORK/tiny.gmd" | awk '{ printf "%.1f", $1 / 1e6 }')" "$WORK"/tiny-$n/*/summary.json
    done
fi
bench/data-report.sh
