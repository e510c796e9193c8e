#!/usr/bin/env bash
# Transparent huge pages for the heap, on this machine: whether the launcher's choice (bin/lib/runtime.sh,
# thp_pays) is the faster one here. Each case alternates the heap on 2 MB huge pages
# (-XX:+UseTransparentHugePages) with 4 KB pages (-XX:-UseTransparentHugePages), REPS times, after a pause of
# PAUSE seconds (long enough for a virtual machine that reports free memory to its host to have handed back
# what the run before freed: what a fresh job meets):
#
#   touch  one JVM's first touch of MB megabytes of fresh heap (bench/lib/FirstTouch.java): seconds, minor faults
#   start  RANKS ranks under mpirun, the MLP 784-1280-10 on Fashion-MNIST, 5 steps: the slowest rank's seconds
#          from its JVM's start to step 0, and of it reading the data (summary.json's startup parts)
#
#   bench/hugepages.sh          # MB=1024 RANKS=4 REPS=2 PAUSE=4
#
# Writes bench/results/hugepages.md and hugepages.csv.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=bin/lib/jobs.sh
. bin/lib/jobs.sh
# shellcheck source=bin/lib/runtime.sh
. bin/lib/runtime.sh
# shellcheck source=bench/lib/summary.sh
. bench/lib/summary.sh
# shellcheck source=bin/lib/jdk.sh
. bin/lib/jdk.sh
pick_jdk
MB=${MB:-1024}
RANKS=${RANKS:-4}
REPS=${REPS:-2}
PAUSE=${PAUSE:-4}
OUT=bench/results
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
say() { printf 'hugepages: %s\n' "$*" >&2; }
bin/setup >/dev/null
thp_on_request || { say "the kernel's transparent huge pages are not in madvise mode here: nothing to compare"; exit 1; }
mpirun_flags "$RANKS"
stamp=$(revision_stamp)
rev=$(echo "$stamp" | sed 's/^revision \([^,]*\),.*/\1/')
if free_pages_reported; then reported=yes; else reported=no; fi
if thp_pays; then chosen=on; else chosen=off; fi
flag() { echo "-XX:$([ "$1" = on ] && echo + || echo -)UseTransparentHugePages"; }

echo "case,huge_pages,rep,seconds,detail,revision" >"$WORK/csv"
for rep in $(seq "$REPS"); do
    for pages in on off; do
        sleep "$PAUSE"
        say "touch: $MB MB, huge pages $pages ($rep of $REPS)"
        line=$(GOSSIP_MPI_JAVA_OPTS="$(flag $pages)" bin/gossip-mpi-java -cp target/gossip-mpi.jar bench/lib/FirstTouch.java "$MB")
        echo "touch,$pages,$rep,${line%%,*},${line#*,} minor faults,$rev" >>"$WORK/csv"
    done
done
for rep in $(seq "$REPS"); do
    for pages in on off; do
        sleep "$PAUSE"
        say "start: $RANKS ranks, huge pages $pages ($rep of $REPS)"
        rm -rf "$WORK/run"
        GOSSIP_MPI_JAVA_OPTS="$(flag $pages)" mpirun "${MPIRUN_FLAGS[@]}" -x GOSSIP_MPI_JAVA_OPTS -np "$RANKS" \
            bin/gossip-mpi train --algorithm choco --compressor topk:0.01 --gamma 0.05 --model mlp --hidden 1280 \
            --data fashion-mnist --batch 32 --steps 5 --eval-every 5 --eval-rows 1000 --out "$WORK/run" >/dev/null
        s=$WORK/run/choco-topk_0.01-ring/summary.json
        start=$(summary_per_rank "$s" startup_seconds_per_rank | tr ';' '\n' | sort -g | tail -1)
        data=$(sed -n 's/.*"data": *\[\([^]]*\)\].*/\1/p' "$s" | tr ',' '\n' | sort -g | tail -1)
        echo "start,$pages,$rep,$start,data $data s,$rev" >>"$WORK/csv"
    done
done
cp "$WORK/csv" "$OUT/hugepages.csv"

{
    echo "# Transparent huge pages for the heap"
    echo
    echo "Command: \`MB=$MB RANKS=$RANKS REPS=$REPS PAUSE=$PAUSE bench/hugepages.sh\` ($stamp,"
    echo "JDK $("$JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -1))."
    echo
    echo "The kernel's mode: $(cat /sys/kernel/mm/transparent_hugepage/enabled), defrag $(cat /sys/kernel/mm/transparent_hugepage/defrag)."
    echo "A virtual machine that reports free memory to its host (virtio-balloon's free page reporting): $reported."
    echo "The launcher's choice here (bin/lib/runtime.sh, thp_pays): huge pages $chosen."
    echo
    echo "touch: one JVM's first touch of $MB MB of fresh heap (bench/lib/FirstTouch.java). start: $RANKS ranks under"
    echo "mpirun, MLP 784-1280-10 on Fashion-MNIST, the slowest rank's seconds from its JVM's start to step 0 (data:"
    echo "its reading of the rows). On and off alternate, each after a pause of $PAUSE s. Raw: [hugepages.csv](hugepages.csv)."
    echo
    echo "| case | huge pages | run | seconds | detail |"
    echo "|---|---|---:|---:|---|"
    tail -n +2 "$OUT/hugepages.csv" | awk -F, '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }'
    echo
    awk -F, -v chosen="$chosen" 'NR > 1 { sum[$1, $2] += $4; n[$1, $2]++ }
        END {
            for (c = 1; c <= 2; c++) {
                k = c == 1 ? "touch" : "start"
                on = sum[k, "on"] / n[k, "on"]; off = sum[k, "off"] / n[k, "off"]
                faster = on < off ? "on" : "off"
                printf "%s: mean %.2f s with huge pages, %.2f s without: %s is faster (%.1fx)%s\n", k, on, off, faster,
                    (on < off ? off / on : on / off), faster == chosen ? ", the launcher'"'"'s choice." : ", NOT the launcher'"'"'s choice."
                print ""
            }
        }' "$OUT/hugepages.csv"
} >"$OUT/hugepages.md"
cat "$OUT/hugepages.md"
