#!/usr/bin/env bash
# Stragglers (issue 24): what one slow host costs synchronous and asynchronous training on the emulated cluster,
# host by host.
#
#   bench/stragglers.sh          # HOSTS=4 RATE=1gbit SLOW=3:0.25 SLOW_ACTIVE=2:0.25 STEPS=200 MAX_FACTOR=3
#
# The problem of bench/time-to-target.sh: an MLP (784-1280-10, 1,017,610 parameters) on Fashion-MNIST, batch 32
# per rank, lr 0.1, seed 1, a ring, the training loss of the averaged model every EVAL_EVERY steps on a seeded
# sample of EVAL_ROWS training rows.
#   1. Without a slow host: all-reduce SGD for STEPS steps; its last training loss is the target L.
#   2. Without and with the slow host (bench/cluster/up --slow SLOW: host 3 held to a quarter of one core by a CPU
#      control group): all-reduce SGD, CHOCO-SGD with top-1% at gamma 0.05 (the stable gamma of
#      time-to-target.md), and AD-PSGD (asynchronous, exact), each until L (at most MAX_FACTOR x STEPS steps; for
#      AD-PSGD steps are the hosts' mean). Host 3 is on AD-PSGD's passive side (it answers averagings from a
#      thread that the control group slows too); AD-PSGD also runs with SLOW_ACTIVE, a slow host on its active side
#      (host 2), where only its own averagings wait for it. The synchronous algorithms on a ring do not depend on
#      which host is slow.
# Each run gives its train seconds to L and every host's steps, mean step, gradient and exchange ms per step
# (summary.json's steps_per_rank, step_mean_us_per_rank and phase_mean_us_per_rank, in ms here): the slow host
# computes longer, the others wait in exchange (synchronous) or go on (asynchronous: more steps).
# Writes bench/results/stragglers.md and stragglers.csv. Needs root (the cluster). REPORT_ONLY=1 rewrites the page
# from stragglers.csv and WORK's target run, without running.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/lib/summary.sh
. bench/lib/summary.sh
# shellcheck source=bin/lib/jobs.sh
. bin/lib/jobs.sh
HOSTS=${HOSTS:-4}
RATE=${RATE:-1gbit}
SLOW=${SLOW:-3:0.25}
SLOW_ACTIVE=${SLOW_ACTIVE:-2:0.25}
STEPS=${STEPS:-200}
MAX_FACTOR=${MAX_FACTOR:-3}
EVAL_EVERY=${EVAL_EVERY:-20}
EVAL_ROWS=${EVAL_ROWS:-2000}
WORK=${WORK:-${TMPDIR:-/tmp}/gossip-mpi-stragglers}
OUT=bench/results
COMMON=(--model mlp --hidden 1280 --data fashion-mnist --batch 32 --lr 0.1 --seed 1 --device java
        --eval-every "$EVAL_EVERY" --eval-rows "$EVAL_ROWS")
# topology_option ALGORITHM: the ring for the algorithms that send to neighbours (allreduce refuses a topology)
topology_option() { [ "$1" = allreduce ] || echo "--topology ring"; }
RUNS=("allreduce none 1" "choco topk:0.01 0.05" "adpsgd none -")
say() { printf 'stragglers: %s\n' "$*" >&2; }
# ms_per_rank FILE KEY [PHASE]: summary_per_rank's microseconds in ms
ms_per_rank() { summary_per_rank "$@" | awk -F';' '{ for (i = 1; i <= NF; i++) printf "%s%.2f", (i > 1 ? ";" : ""), $i / 1000 }'; }
csv=$OUT/stragglers.csv
if [ -z "${REPORT_ONLY:-}" ]; then
[ "$(id -u)" -eq 0 ] || { echo "stragglers: needs root (the emulated cluster)" >&2; exit 1; }
bin/setup >/dev/null
stamp=$(revision_stamp)
rev=$(echo "$stamp" | sed 's/^revision \([^,]*\),.*/\1/')
rm -rf "$WORK"
mkdir -p "$WORK" "$OUT"
trap 'bench/cluster/down >/dev/null 2>&1 || true' EXIT

bench/cluster/up "$HOSTS" "$RATE" >&2
say "target: all-reduce, $STEPS steps, no slow host"
bench/cluster/run bin/gossip-mpi train "${COMMON[@]}" --algorithm allreduce --steps "$STEPS" --out "$WORK/target" \
    >"$WORK/target.log" 2>&1
TARGET=$(summary_field "$WORK/target/allreduce/summary.json" final_train_loss)
say "L = $TARGET"

echo "slow_host,algorithm,compressor,gamma,reached,steps,train_s,s_to_target,final_loss,test_acc,step_ms_per_rank,gradient_ms_per_rank,compress_ms_per_rank,exchange_ms_per_rank,mix_ms_per_rank,revision,steps_per_rank" >"$csv"
for slow in none "$SLOW" "$SLOW_ACTIVE"; do
    if [ "$slow" = none ]; then bench/cluster/up "$HOSTS" "$RATE" >&2; else bench/cluster/up "$HOSTS" "$RATE" --slow "$slow" >&2; fi
    tag=$([ "$slow" = none ] && echo none || echo "slow-${slow%%:*}")
    mkdir -p "$WORK/$tag"
    for run in "${RUNS[@]}"; do
        read -r algorithm compressor gamma <<<"$run"
        [ "$slow" != "$SLOW_ACTIVE" ] || [ "$algorithm" = adpsgd ] || continue
        dir=$WORK/$tag/$algorithm
        say "slow host $slow: $algorithm $compressor"
        # shellcheck disable=SC2046
        bench/cluster/run bin/gossip-mpi train "${COMMON[@]}" --algorithm "$algorithm" --compressor "$compressor" \
            $(gamma_option "$algorithm" "$gamma") $(topology_option "$algorithm") --steps $((MAX_FACTOR * STEPS)) --target-loss "$TARGET" --out "$dir" >"$dir.log" 2>&1
        s=$(ls "$dir"/*/summary.json)
        printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$slow" "$algorithm" "$compressor" "$gamma" \
            "$(summary_field "$s" reached_target)" "$(summary_field "$s" steps)" "$(summary_field "$s" train_seconds)" \
            "$(summary_field "$s" seconds_to_target)" "$(summary_field "$s" final_train_loss)" \
            "$(summary_field "$s" test_accuracy)" "$(ms_per_rank "$s" step_mean_us_per_rank)" \
            "$(ms_per_rank "$s" phase_mean_us_per_rank gradient)" "$(ms_per_rank "$s" phase_mean_us_per_rank compress)" \
            "$(ms_per_rank "$s" phase_mean_us_per_rank exchange)" "$(ms_per_rank "$s" phase_mean_us_per_rank mix)" \
            "$rev" "$(summary_per_rank "$s" steps_per_rank)" >>"$csv"
    done
done
bench/cluster/down >&2
fi
TARGET=$(summary_field "$WORK/target/allreduce/summary.json" final_train_loss)
if [ -n "${REPORT_ONLY:-}" ]; then
    stamp="revision $(awk -F, 'NR == 2 { print $16 }' "$csv"), $(date -u -r "$csv" +%Y-%m-%d), $(nproc) cores"
fi
{
    echo "# Stragglers: one slow host, synchronous and asynchronous training"
    echo
    echo "Command: \`bench/stragglers.sh\` (HOSTS=$HOSTS RATE=$RATE SLOW=$SLOW SLOW_ACTIVE=$SLOW_ACTIVE STEPS=$STEPS MAX_FACTOR=$MAX_FACTOR);"
    echo "$stamp, $(free -g | awk '/^Mem/ { print $2 }') GiB. Raw: [stragglers.csv](stragglers.csv)."
    echo
    echo "$HOSTS emulated hosts at $RATE (bench/cluster), one rank each, an MLP of 1,017,610 parameters on Fashion-MNIST,"
    echo "batch 32 per rank, a ring. The slow host is held to ${SLOW#*:} of one core by a CPU control group (\`bench/cluster/up"
    echo "--slow $SLOW\`); the other hosts share this machine's $(nproc) cores, about $(awk -v n="$(nproc)" -v h="$HOSTS" 'BEGIN { printf "%.2g", n / (h - 1) }') of a core each. L = $TARGET,"
    echo "all-reduce's training loss after $STEPS steps without the slow host; every run stops at L (or after"
    echo "$((MAX_FACTOR * STEPS)) steps). Per host (rank 0 first): its steps, its mean step and its mean gradient and exchange"
    echo "ms per step, so a reader sees who computes slowly and who waits for it (the exchange phase holds the waiting;"
    echo "AD-PSGD's hosts take different numbers of steps, its steps to L are their mean, and its passive hosts 1 and 3"
    echo "exchange on a thread of their own, so their exchange column is 0). AD-PSGD runs with the slow host on each of"
    echo "its sides: host ${SLOW%%:*} is passive (the active hosts 0 and 2 wait for its answers, slowed with it), host ${SLOW_ACTIVE%%:*} active"
    echo "(its own averagings wait, nobody waits for it)."
    echo
    echo "| slow host | algorithm | compressor | gamma | steps to L | train s to L | test accuracy | steps per host | step ms per host | gradient ms per host | exchange ms per host |"
    echo "|---|---|---|---|---:|---:|---:|---|---|---|---|"
    awk -F, 'NR > 1 { split($1, h, ":"); printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1 == "none" ? "none" : "host " h[1] " at " h[2] " core", $2, $3, $4, ($5 == "true" ? $6 : "not in " $6), ($5 == "true" ? sprintf("%.1f", $8) : "-"), $10, $17, $11, $12, $14 }' "$csv" | sed 's/;/, /g'
    echo
    awk -F, 'NR > 1 && $5 == "true" { t[$1 "," $2] = $8 }
        END {
            for (k in t) { split(k, p, ","); split(p[1], h, ":"); if (p[1] != "none" && ((("none," p[2]) in t))) printf "- %s: %.2fx the train seconds to L with host %s slow\n", p[2], t[k] / t["none," p[2]], h[1] }
        }' "$csv" | sort
    echo
    echo "All-reduce and CHOCO are synchronous: each step waits for every rank (all-reduce) or for the neighbours' payloads"
    echo "(CHOCO, a ring), so the slow host sets every host's pace. AD-PSGD is asynchronous: a host averages with one"
    echo "neighbour at a time and no host waits for another's step, so the fast hosts go on (their steps per host), and"
    echo "the ranks stop together only at its evaluations (pauses). It sends exact models (4 bytes a parameter a"
    echo "message); a compressed asynchronous algorithm (issue 24) is not built yet."
} >"$OUT/stragglers.md"
say "wrote $OUT/stragglers.md"
