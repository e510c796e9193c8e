#!/usr/bin/env bash
# Codec throughput on this node (bin/gossip-mpi bench codecs), on the JDK the launcher picks (the newest
# 21+ under /usr/lib/jvm, else the default) with 1 and 2 codec threads, and on JDK 17 with 1 thread when
# one is there; writes bench/results/codecs.csv and bench/results/codecs.md (the goals of issue 9, over runs,
# are kept by hand in bench/results/codecs-goals.md).
#   bench/codecs.sh [--sizes LIST] [--reps R]      (defaults: --sizes 1e7 --reps 15)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SIZES=1e7 REPS=15
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        *) echo "codecs.sh: unknown option '$1' (usage: bench/codecs.sh [--sizes LIST] [--reps R])" >&2; exit 2 ;;
    esac
done
bin/setup >/dev/null
OUT=bench/results
mkdir -p "$OUT"
CSV=$OUT/codecs.csv
# shellcheck source=bin/lib/jobs.sh
. bin/lib/jobs.sh
CMD="bench/codecs.sh --sizes $SIZES --reps $REPS"
run() { bin/gossip-mpi bench codecs --device java --sizes "$SIZES" --reps "$REPS" "$@" 2>/dev/null; }
{
    run --threads 1
    run --threads 2 | tail -n +2
    JDK17=$(ls -d /usr/lib/jvm/java-17-openjdk-* 2>/dev/null | head -1 || true)
    if [ -n "$JDK17" ]; then JAVA_HOME=$JDK17 run --threads 1 | tail -n +2; fi
} >"$CSV"
{
    echo "# Codec throughput (bench codecs)"
    echo
    echo "Command: \`$CMD\` ($(revision_stamp))."
    echo "GB/s of input (4 d bytes), median of $REPS repetitions after a warm-up; *x copy* is the round trip"
    echo "(encode + decodeAdd) over a \`System.arraycopy\` of the same floats measured in the same run; *heap B / round"
    echo "trip*: the bytes the process's threads allocated per timed round trip (0 for a codec that allocates nothing)."
    echo
    echo "| JDK | codec path | threads | compressor | d | payload bytes | encode GB/s | decode GB/s | round trip GB/s | copy GB/s | x copy | heap B / round trip |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
    tail -n +2 "$CSV" | awk -F, '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12 }'
} >"$OUT/codecs.md"
echo "wrote $CSV and $OUT/codecs.md"
