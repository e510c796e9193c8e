#!/usr/bin/env bash
# Codec throughput on this node (bin/gossip-mpi bench codecs), on the JDK the launcher picks (the newest
# 21+ under /usr/lib/jvm, else the default) with 1 and 2 codec threads, and on JDK 17 with 1 thread when
# one is there; writes bench/results/codecs.csv and bench/results/codecs.md (the goals of issue 9, over runs,
# are kept by hand in bench/results/codecs-goals.md).
#   bench/codecs.sh [--sizes LIST] [--reps R]      (defaults: --sizes 1e7 --reps 15)
#   COMPRESSORS=topk:0.01,sign bench/codecs.sh     # those codecs only (default: one of each)
#   NAME=codecs-avx2 bench/codecs.sh               # writes bench/results/NAME.csv and NAME.md instead: another
#                                                  # CPU's figures beside the committed ones (the stamp names the CPU)
#   BASELINE=REV bench/codecs.sh                   # then REV's build too (a temporary worktree), on the launcher's
#                                                  # JDK with 1 thread, ROUNDS times (default 3) alternating with this
#                                                  # revision's: before and after on a machine whose speed drifts
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
NAME=${NAME:-codecs}
case $NAME in */*|"") echo "codecs.sh: NAME=$NAME: a file name under bench/results, without a slash" >&2; exit 2 ;; esac
COMPRESSORS=${COMPRESSORS:-}
BASELINE=${BASELINE:-}
ROUNDS=${ROUNDS:-3}
bin/setup >/dev/null
OUT=bench/results
mkdir -p "$OUT"
CSV=$OUT/$NAME.csv
# shellcheck source=bin/lib/jobs.sh
. bin/lib/jobs.sh
CMD="bench/codecs.sh --sizes $SIZES --reps $REPS"
[ -z "$COMPRESSORS" ] || CMD="COMPRESSORS=$COMPRESSORS $CMD"
[ "$NAME" = codecs ] || CMD="NAME=$NAME $CMD"
[ -z "$BASELINE" ] || CMD="BASELINE=$BASELINE ROUNDS=$ROUNDS $CMD"
# run [DIR] ARGS...: bench codecs of the build in DIR (default: this one)
run() {
    local dir=$ROOT
    case ${1:-} in /*) dir=$1; shift ;; esac
    "$dir/bin/gossip-mpi" bench codecs --device java --sizes "$SIZES" --reps "$REPS" \
        ${COMPRESSORS:+--compressors "$COMPRESSORS"} "$@" 2>/dev/null
}
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
} >"$OUT/$NAME.md"
if [ -n "$BASELINE" ]; then
    # shellcheck source=bench/lib/baseline.sh
    . bench/lib/baseline.sh
    baseline_build "$BASELINE"
    this=$(git rev-parse --short HEAD)
    AB=$OUT/$NAME-baseline.csv
    echo "revision,round,$(head -1 "$CSV")" >"$AB"
    for round in $(seq 1 "$ROUNDS"); do
        run "$BASELINE_TREE" --threads 1 | tail -n +2 | sed "s/^/$BASELINE_REV,$round,/" >>"$AB"
        run --threads 1 | tail -n +2 | sed "s/^/$this,$round,/" >>"$AB"
    done
    {
        echo
        echo "## Before and after: revision $BASELINE_REV against $this"
        echo
        echo "The launcher's JDK, 1 thread, $ROUNDS rounds, each running $BASELINE_REV's build (a worktree of that"
        echo "revision) and then this one's: the lowest and highest figure over the rounds. Raw: [$NAME-baseline.csv]($NAME-baseline.csv)."
        echo
        echo "| compressor | d | encode GB/s, $BASELINE_REV | encode GB/s, $this | round trip x copy, $BASELINE_REV | round trip x copy, $this |"
        echo "|---|---|---|---|---|---|"
        # fields: revision, round, then bench codecs' columns (compressor $6, d $7, encode $9, x copy $13)
        awk -F, -v a="$BASELINE_REV" -v b="$this" 'NR > 1 {
            k = $6 "," $7
            if (!(k in seen)) { seen[k] = 1; order[++n] = k }
            range($1 SUBSEP k SUBSEP "enc", $9); range($1 SUBSEP k SUBSEP "x", $13)
        }
        function range(key, v) {
            if (!(key in lo) || v + 0 < lo[key]) lo[key] = v + 0
            if (!(key in hi) || v + 0 > hi[key]) hi[key] = v + 0
        }
        function show(key, f) { return key in lo ? sprintf(f "-" f, lo[key], hi[key]) : "-" }
        END {
            for (i = 1; i <= n; i++) {
                split(order[i], c, ",")
                printf "| %s | %s | %s | %s | %s | %s |\n", c[1], c[2], show(a SUBSEP order[i] SUBSEP "enc", "%.2f"),
                    show(b SUBSEP order[i] SUBSEP "enc", "%.2f"), show(a SUBSEP order[i] SUBSEP "x", "%.3f"),
                    show(b SUBSEP order[i] SUBSEP "x", "%.3f")
            }
        }' "$AB"
    } >>"$OUT/$NAME.md"
fi
echo "wrote $CSV and $OUT/$NAME.md${BASELINE:+ (and $OUT/$NAME-baseline.csv)}"
