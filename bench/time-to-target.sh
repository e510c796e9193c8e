#!/usr/bin/env bash
# Time to target: how much sooner each algorithm reaches the loss that all-reduce SGD reaches after STEPS steps,
# on an emulated cluster of HOSTS hosts (bench/cluster) at each link rate, and on shared memory (one host).
#
#   bench/time-to-target.sh                                   # 4 hosts, 100mbit,1gbit,10gbit + shared memory
#   HOSTS=8 RATES=1gbit STEPS=200 bench/time-to-target.sh    # writes time-to-target-8hosts.* beside the 4-host one
#
# The problem: an MLP (784-1280-10, 1,017,610 parameters) on Fashion-MNIST, batch 32 per rank, lr 0.1, seed 1,
# the training loss estimated every EVAL_EVERY steps on a seeded sample of EVAL_ROWS training rows.
#   1. The target L: all-reduce SGD's training loss after STEPS steps, under mpirun on shared memory (the loss per
#      step does not depend on the network; bench/lib/target.sh says why not in-process).
#   2. Gamma of each compressed algorithm: a sweep over GAMMAS (in-process ranks), each run stopped at L or after
#      MAX_FACTOR x STEPS steps. A gamma that reaches L in S steps is then run again for 4 S steps without the
#      target: it is stable when that run neither diverges nor lets the consensus distance grow past 10x its value
#      at step S (a gamma that reaches L and then diverges is no setting a user can run). Of the stable gammas, the
#      one reaching L in the fewest steps is kept (the smaller on a tie). The best compressor is the CHOCO
#      compressor of the sweep that reaches L with the fewest bytes at a stable gamma.
#   3. At each rate: all-reduce, D-PSGD, CHOCO-SGD (top-1%, sign, best) and DeepSqueeze (sign), each until L
#      (at most MAX_FACTOR x STEPS steps), on a ring.
# Writes bench/results/NAME.{md,csv}, NAME-sweep.csv and one loss-against-train-seconds plot per rate
# (NAME-RATE.png); NAME is time-to-target for 4 hosts, time-to-target-Nhosts for N others. Needs root for the
# cluster (shared memory alone otherwise: RATES=).
# REPORT_ONLY=1 rewrites NAME.md from the CSV files and WORK of the last run, without running;
# REUSE_SWEEP=1 keeps the committed gamma sweep (it does not depend on the network) and the last run's target (or
# recomputes it where WORK lacks it: a seeded all-reduce run) and runs step 3; the settings the sweep was made
# with (NAME-sweep.settings) must be this run's, or it stops (exit 2) and says which differ.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/lib/summary.sh
. bench/lib/summary.sh
# shellcheck source=bin/lib/jobs.sh
. bin/lib/jobs.sh
# shellcheck source=bench/lib/target.sh
. bench/lib/target.sh
HOSTS=${HOSTS:-4}
RATES=${RATES-100mbit,1gbit,10gbit}
STEPS=${STEPS:-200}
MAX_FACTOR=${MAX_FACTOR:-4}
EVAL_EVERY=${EVAL_EVERY:-20}
EVAL_ROWS=${EVAL_ROWS:-2000}
GAMMAS=${GAMMAS:-0.1,0.2,0.4,0.7}
SWEEP_COMPRESSORS=${SWEEP_COMPRESSORS:-topk:0.01,sign,topk-natdither:0.01:8,qsgd:4:biased}
NAME_SET=${NAME:+1}
NAME=${NAME:-time-to-target$([ "$HOSTS" -eq 4 ] || echo "-${HOSTS}hosts")}
WORK=${WORK:-${TMPDIR:-/tmp}/gossip-mpi-$NAME}
OUT=bench/results
COMMON=(--model mlp --hidden 1280 --data fashion-mnist --batch 32 --lr 0.1 --seed 1 --device java
        --eval-every "$EVAL_EVERY" --eval-rows "$EVAL_ROWS")
MAX_STEPS=$((MAX_FACTOR * STEPS))

say() { printf 'time-to-target: %s\n' "$*" >&2; }
sweep=$OUT/$NAME-sweep.csv
csv=$OUT/$NAME.csv
# best_gamma ALGORITHM COMPRESSOR: the stable swept gamma reaching L in the fewest steps (the smaller on a tie)
best_gamma() {
    awk -F, -v a="$1" -v c="$2" '$1 == a && $2 == c && $4 == "true" && $8 == "true" \
        && ($5 < s || (s == $5 && $3 < g) || g == "") { s = $5; g = $3 } END { print g }' "$sweep"
}
IFS=, read -r -a rates <<<"$RATES"
if [ -z "${REPORT_ONLY:-}" ]; then
bin/setup >/dev/null
mpirun_flags "$HOSTS"
# 1. The target: all-reduce's loss after STEPS steps (seeded, so a machine without the last run's WORK recomputes it)
target() {
    say "target: all-reduce, $STEPS steps, $HOSTS ranks under mpirun (shared memory)"
    TARGET=$(allreduce_target "$WORK/target" "$HOSTS" "$STEPS" "${COMMON[@]}")
    echo "$SETTINGS $TARGET_BY" >"$WORK/target/settings"
    say "target loss L = $TARGET"
}
# What the sweep and the target depend on (not the rates: neither runs on the emulated hosts), kept beside each: a sweep or a
# target made with other settings is never reused.
SETTINGS="HOSTS=$HOSTS STEPS=$STEPS MAX_FACTOR=$MAX_FACTOR EVAL_EVERY=$EVAL_EVERY EVAL_ROWS=$EVAL_ROWS"
SETTINGS+=" GAMMAS=$GAMMAS SWEEP_COMPRESSORS=$SWEEP_COMPRESSORS train ${COMMON[*]}"
settings=$OUT/$NAME-sweep.settings
TARGET_BY="target-under-mpirun" # how the kept target was made: one made in-process (before) is not reused
if [ -n "${REUSE_SWEEP:-}" ]; then
    if [ ! -r "$sweep" ] || [ ! -r "$settings" ]; then
        say "REUSE_SWEEP=1: no sweep to reuse ($sweep and $settings are both needed); run without REUSE_SWEEP"
        exit 2
    fi
    if [ "$(grep -v '^#' "$settings")" != "$SETTINGS" ]; then
        say "REUSE_SWEEP=1: $sweep was made with other settings:"
        say "  it:   $(grep -v '^#' "$settings")"
        say "  this: $SETTINGS"
        say "run with its settings, or without REUSE_SWEEP to sweep again"
        exit 2
    fi
    mkdir -p "$WORK"
    if [ -r "$WORK/target/allreduce/summary.json" ] \
            && [ "$(cat "$WORK/target/settings" 2>/dev/null)" = "$SETTINGS $TARGET_BY" ]; then
        TARGET=$(summary_field "$WORK/target/allreduce/summary.json" final_train_loss)
    else
        target
    fi
    say "reusing the sweep of $sweep, target L = $TARGET"
    for link in shm "${rates[@]}"; do rm -rf "${WORK:?}/$link"; done
    revision_stamp >"$WORK/revision"
else
rm -rf "$WORK"
mkdir -p "$WORK/sweep" "$OUT"
revision_stamp >"$WORK/revision"
target

# 2. The gamma sweep
echo "algorithm,compressor,gamma,reached,steps,bytes_sent_total,final_train_loss,stable,consensus_at_L,consensus_max_after" >"$sweep"
{ echo "# the settings of the sweep beside it (written by bench/time-to-target.sh)"; echo "$SETTINGS"; } >"$settings"
sweep_one() { # algorithm compressor gamma
    local dir=$WORK/sweep/$1-$2-$3
    # shellcheck disable=SC2046
    bin/gossip-mpi train --ranks "$HOSTS" --algorithm "$1" --compressor "$2" $(gamma_option "$1" "$3") "${COMMON[@]}" \
        --steps "$MAX_STEPS" --target-loss "$TARGET" --out "$dir" >/dev/null 2>"$dir.err" || true
    local s
    s=$(find "$dir" -name summary.json 2>/dev/null | head -1)
    if [ -z "$s" ]; then # the run stopped with an error: divergence (its message is in $dir.err)
        echo "$1,$2,$3,diverged,,,,false,," >>"$sweep"
        return
    fi
    local reached steps stability=",,"
    reached=$(summary_field "$s" reached_target)
    steps=$(summary_field "$s" steps)
    if [ "$reached" = true ]; then
        stability=$(stable_one "$1" "$2" "$3" "$steps")
    fi
    echo "$1,$2,$3,$reached,$steps,$(summary_field "$s" bytes_sent_total),$(summary_field "$s" final_train_loss),$stability" >>"$sweep"
}
# stable_one ALGORITHM COMPRESSOR GAMMA S: "STABLE,CONSENSUS_AT_S,MAX_AFTER" of a run of 4 S steps
stable_one() {
    local dir=$WORK/sweep/$1-$2-$3-stable h
    # shellcheck disable=SC2046
    bin/gossip-mpi train --ranks "$HOSTS" --algorithm "$1" --compressor "$2" $(gamma_option "$1" "$3") "${COMMON[@]}" \
        --steps "$((4 * $4))" --out "$dir" >/dev/null 2>"$dir.err" || true
    h=$(find "$dir" -name history.csv 2>/dev/null | head -1)
    if [ -z "$h" ] || [ -z "$(find "$dir" -name summary.json | head -1)" ]; then
        echo "false,,diverged"
        return
    fi
    awk -F, -v s="$4" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "consensus") c = i; next }
        $1 == s { at = $c } $1 > s && $c > max { max = $c }
        END { printf "%s,%s,%s\n", (at != "" && max <= 10 * at) ? "true" : "false", at, max }' "$h"
}
IFS=, read -r -a gammas <<<"$GAMMAS"
IFS=, read -r -a candidates <<<"$SWEEP_COMPRESSORS"
for c in "${candidates[@]}"; do
    for g in "${gammas[@]}"; do say "sweep: choco $c gamma $g"; sweep_one choco "$c" "$g"; done
done
for g in "${gammas[@]}"; do say "sweep: deepsqueeze sign gamma $g"; sweep_one deepsqueeze sign "$g"; done
fi

# 3. The runs at each rate, with the sweep's gammas
BEST=$(awk -F, 'NR > 1 && $1 == "choco" && $4 == "true" && $8 == "true" && (b == "" || $6 < b) { b = $6; c = $2 } END { print c }' "$sweep")
say "best CHOCO compressor by bytes to target: ${BEST:-none reached L}"
runs=("allreduce none 1" "dpsgd none 1")
for c in topk:0.01 sign ${BEST:+"$BEST"}; do
    g=$(best_gamma choco "$c")
    if [ -n "$g" ]; then runs+=("choco $c $g"); else say "choco $c reached L with no swept gamma: left out"; fi
done
g=$(best_gamma deepsqueeze sign)
if [ -n "$g" ]; then runs+=("deepsqueeze sign $g"); else say "deepsqueeze sign reached L with no swept gamma: left out"; fi
# Unique runs (best may equal top-1% or sign)
mapfile -t runs < <(printf '%s\n' "${runs[@]}" | awk '!seen[$0]++')

echo "link,hosts,algorithm,compressor,gamma,reached,steps,train_seconds,seconds_to_target,bytes_sent_total,step_ms,gradient_p50_ms,compress_p50_ms,exchange_p50_ms,speedup_over_allreduce,step_timer_mean_ms,gradient_mean_ms,compress_mean_ms,exchange_mean_ms,mix_mean_ms,in_no_phase_share" >"$csv"
launch() { # link: the mpirun to use
    if [ "$1" = shm ]; then
        mpirun "${MPIRUN_FLAGS[@]}" -np "$HOSTS" "${@:2}"
    else
        bench/cluster/run "${@:2}"
    fi
}
for link in shm "${rates[@]}"; do
    [ "$link" = shm ] || bench/cluster/up "$HOSTS" "$link" >&2
    dir=$WORK/$link
    for r in "${runs[@]}"; do
        read -r a c g <<<"$r"
        say "$link: $a $c gamma $g"
        # shellcheck disable=SC2046
        launch "$link" bin/gossip-mpi train --algorithm "$a" --compressor "$c" $(gamma_option "$a" "$g") "${COMMON[@]}" \
            --steps "$MAX_STEPS" --target-loss "$TARGET" --out "$dir" >"$dir.$a-$c.log" 2>&1 \
            || { say "$link: $a $c failed, see $dir.$a-$c.log"; continue; }
    done
    for s in "$dir"/*/summary.json; do
        steps=$(summary_field "$s" steps) train=$(summary_field "$s" train_seconds)
        printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%.1f,%s,%s,%s,\n' "$link" "$HOSTS" "$(summary_field "$s" algorithm)" \
            "$(summary_field "$s" compressor)" "$(summary_field "$s" gamma)" "$(summary_field "$s" reached_target)" "$steps" "$train" \
            "$(summary_field "$s" seconds_to_target)" "$(summary_field "$s" bytes_sent_total)" "$(echo "$train $steps" | awk '{ print 1000 * $1 / $2 }')" \
            "$(summary_p50 "$s" gradient | awk '{ print $1 / 1000 }')" "$(summary_p50 "$s" compress | awk '{ print $1 / 1000 }')" \
            "$(summary_p50 "$s" exchange | awk '{ print $1 / 1000 }')" | sed 's/,$//' | tr -d '\n' >>"$csv"
        # the speed-up (filled in below), then rank 0's step timer and the phases' means per step
        printf ',,%s,%s,%s,%s,%s,%s\n' "$(summary_step "$s" mean_us | awk '{ printf "%.2f", $1 / 1000 }')" \
            "$(summary_mean "$s" gradient | awk '{ printf "%.2f", $1 / 1000 }')" "$(summary_mean "$s" compress | awk '{ printf "%.2f", $1 / 1000 }')" \
            "$(summary_mean "$s" exchange | awk '{ printf "%.2f", $1 / 1000 }')" "$(summary_mean "$s" mix | awk '{ printf "%.2f", $1 / 1000 }')" \
            "$(summary_step "$s" in_no_phase_share | awk '{ printf "%.3f", $1 }')" >>"$csv"
    done
    # train writes DIR/loss-vs-time.png over every run in DIR
    [ ! -r "$dir/loss-vs-time.png" ] || cp "$dir/loss-vs-time.png" "$OUT/$NAME-$link.png"
done
[ "${#rates[@]}" -eq 0 ] || bench/cluster/down >&2

# Speed-ups over all-reduce (train seconds to target), filled in per link
awk -F, -v OFS=, 'NR == FNR { if ($3 == "allreduce" && $9 != "") base[$1] = $9; next }
    FNR == 1 { print; next }
    { $15 = ($9 != "" && ($1 in base)) ? sprintf("%.2f", base[$1] / $9) : ""; print }' "$csv" "$csv" >"$csv.tmp"
mv "$csv.tmp" "$csv"
else
    TARGET=$(summary_field "$WORK/target/allreduce/summary.json" final_train_loss)
    BEST=$(awk -F, 'NR > 1 && $1 == "choco" && $4 == "true" && $8 == "true" && (b == "" || $6 < b) { b = $6; c = $2 } END { print c }' "$sweep")
fi

# Each run's seconds from its JVMs' start to its first step (the largest over the ranks; summary.json's
# startup_seconds_per_rank), shown beside its train seconds: work moved before step 0 shows there.
starts=$WORK/starts.csv
for link in shm "${rates[@]}"; do
    for s in "$WORK/$link"/*/summary.json; do
        [ -r "$s" ] || continue
        printf '%s,%s,%s,%s\n' "$link" "$(summary_field "$s" algorithm)" "$(summary_field "$s" compressor)" \
            "$(summary_per_rank "$s" startup_seconds_per_rank | awk -F';' '{ m = $1; for (i = 2; i <= NF; i++) if ($i > m) m = $i; print m }')"
    done
done >"$starts"
md=$OUT/$NAME.md
{
    echo "# Time to target"
    echo
    echo "Command: \`${NAME_SET:+NAME=$NAME }HOSTS=$HOSTS RATES=$RATES STEPS=$STEPS MAX_FACTOR=$MAX_FACTOR EVAL_EVERY=$EVAL_EVERY EVAL_ROWS=$EVAL_ROWS"
    echo "GAMMAS=$GAMMAS SWEEP_COMPRESSORS=$SWEEP_COMPRESSORS ${REUSE_SWEEP:+REUSE_SWEEP=1 }bench/time-to-target.sh\`"
    [ -z "${REUSE_SWEEP:-}" ] || echo "(the gamma sweep kept from the run before, made with these settings: [$NAME-sweep.settings]($NAME-sweep.settings); the target recomputed or kept)"
    echo "($(cat "$WORK/revision" 2>/dev/null || echo "revision unknown"),"
    echo "$(bin/gossip-mpi info --ranks 1 2>/dev/null | sed -n 's/^  Java \([^ ]*\).*/JDK \1/p' | head -1))."
    echo
    echo "MLP 784-1280-10 (1,017,610 parameters) on Fashion-MNIST, batch 32 per rank, lr 0.1, $HOSTS ranks on a ring"
    echo "(all-reduce: MPI_Iallreduce in place, Open MPI's reduce-scatter + all-gather, and gossip-mpi's TCP"
    echo "settings: bin/lib/openmpi.sh). Target L = $TARGET: the training loss all-reduce SGD reaches after $STEPS steps"
    echo "under mpirun on shared memory (bench/lib/target.sh),"
    echo "estimated, as for every run, on the same seeded sample of $EVAL_ROWS training rows every $EVAL_EVERY steps."
    echo "Each run stops at L or after $MAX_STEPS steps. Train seconds exclude evaluation and what comes before step 0"
    echo "(s to step 0: from the JVMs' start to the first step, the slowest rank's: MPI's start, the data, the model). Hosts are network"
    echo "namespaces of one $(nproc)-core machine with a tbf rate limit on every host's link (bench/cluster);"
    echo "\"shm\" is the same ranks on one host (shared memory). Gammas from the sweep in"
    echo "[$NAME-sweep.csv]($NAME-sweep.csv) (fewest steps to L among the stable gammas: a run of 4x those steps neither diverges nor lets the consensus distance grow past 10x its value at L); \"best\" compressor: $BEST"
    echo "(fewest bytes to L). Raw: [$NAME.csv]($NAME.csv). All-reduce's bytes are modelled"
    echo "(2(n-1)/n x 4d per rank and step, what a ring all-reduce sends), the others' counted payloads."
    echo
    echo "| link | algorithm | compressor | gamma | steps to L | train s to L | s to step 0 | MB sent to L (all ranks) | mean step ms | rank 0's step: gradient / compress / exchange / mix mean ms, in no phase | step / gradient | speed-up over all-reduce |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
    awk -F, -v starts="$starts" 'FILENAME == starts { start[$1 "/" $2 "/" $3] = $4; next }
    FNR > 1 {
        to = $6 == "true" ? sprintf("%.1f", $9) : sprintf("not reached in %d steps", $7)
        st = $6 == "true" ? $7 : "-"
        k = $1 "/" $3 "/" $4
        printf "| %s | %s | %s | %g | %s | %s | %s | %.1f | %s | %.1f / %.1f / %.1f / %.1f, %.1f%% | %.2f | %s |\n", $1, $3, $4, $5, st, to,
            (k in start ? sprintf("%.1f", start[k]) : "-"), $10 / 1e6, $11, $17, $18, $19, $20, 100 * $21,
            ($17 > 0 ? $16 / $17 : 0), ($15 == "" ? "-" : $15 "x")
    }' "$starts" "$csv"
    echo
    echo "Goals (train seconds to L, the best CHOCO run over all-reduce, 4 hosts): 1 Gbit/s >= 4x, 100 Mbit/s"
    echo ">= 25x, 10 Gbit/s reported. Steps to L are counted at evaluations, every $EVAL_EVERY steps: a run that"
    echo "reaches L between two evaluations is charged up to $EVAL_EVERY more steps."
    echo
    echo "| link | best CHOCO | speed-up | goal | mean step ms | of which gradient (mean) ms | all-reduce step ms |"
    echo "|---|---|---|---|---|---|---|"
    awk -F, -v hosts="$HOSTS" 'NR > 1 && $3 == "allreduce" { ar[$1] = $11 }
        NR > 1 && $3 == "choco" && $15 != "" && (!($1 in best) || $15 > best[$1]) { best[$1] = $15; c[$1] = $4; st[$1] = $11; gr[$1] = $17 }
        END {
            n = split("shm 100mbit 1gbit 10gbit", order, " ")
            for (i = 1; i <= n; i++) {
                l = order[i]; if (!(l in best)) continue
                goal = hosts != 4 ? "reported (the goals are for 4 hosts)" \
                     : l == "1gbit" ? (best[l] >= 4 ? "met (>= 4x)" : "missed (< 4x)") \
                     : l == "100mbit" ? (best[l] >= 25 ? "met (>= 25x)" : "missed (< 25x)") : "reported"
                printf "| %s | %s | %.2fx | %s | %.1f | %.1f | %.1f |\n", l, c[l], best[l], goal, st[l], gr[l], ar[l]
            }
        }' "$csv"
    echo
    # PyTorch's runs (bench/peers) compare only where they chased the same target: all-reduce's loss after as many steps
    peers_steps=$(sed -n 's/.*STEPS=\([0-9][0-9]*\).*/\1/p' "$OUT/peers.md" 2>/dev/null | head -1)
    peers_stamp=$(sed -n 's/^(\(revision [^;)]*\).*/\1/p' "$OUT/peers.md" 2>/dev/null | head -1)
    if [ -r "$OUT/peers.csv" ] && [ "$HOSTS" -eq 4 ] && [ "$peers_steps" != "$STEPS" ]; then
        echo "PyTorch's DistributedDataParallel on the same hosts: [peers.md](peers.md), against the loss after"
        echo "${peers_steps:-another number of} steps, not this file's target (its own run: ${peers_stamp:-see the file})."
        echo
    elif [ -r "$OUT/peers.csv" ] && [ "$HOSTS" -eq 4 ]; then
        echo "The strongest all-reduce at hand: against PyTorch's DistributedDataParallel on the same 4 hosts"
        echo "([peers.md](peers.md), its own run: ${peers_stamp:-revision $(awk -F, 'NR == 2 { print $12 }' "$OUT/peers.csv")}), gossip-mpi's all-reduce step is:"
        echo
        echo "| link | gossip-mpi all-reduce step ms | PyTorch DDP step ms | gossip-mpi CHOCO top-1% to L over DDP's |"
        echo "|---|---|---|---|"
        awk -F, 'NR > 1 { k = $1 "/" $4; st[k] = $10; to[k] = $9; l[$1] = 1 }
            END { for (x in l) if ((x "/pytorch-ddp") in st)
                printf "| %s | %s | %s | %.2fx |\n", x, st[x "/allreduce"], st[x "/pytorch-ddp"], to[x "/pytorch-ddp"] / to[x "/choco"] }' \
            "$OUT/peers.csv" | sort
        echo
        echo "so where gossip-mpi's all-reduce is the slower one, the speed-ups over DDP are the figures to quote."
        echo
    fi
    echo "CHOCO top-1%'s step against its gradient (issue 23's goal: the mean step at most 1.5x the gradient's mean,"
    echo "both on rank 0's timers), and how the first steps weigh in the mean: the train seconds to the first"
    echo "evaluation (step $EVAL_EVERY: the JIT compiles while the JVMs share the cores), and the steps after it (train"
    echo "seconds between the first evaluation and the last, over their steps), from the run's history.csv:"
    echo
    echo "| link | step ms | gradient ms | step / gradient | goal | train s to step $EVAL_EVERY | ms a step after it | gradient p50 ms |"
    echo "|---|---|---|---|---|---|---|---|"
    for link in shm "${rates[@]}"; do
        h=$(find "$WORK/$link" -path '*choco-topk_0.01*' -name history.csv 2>/dev/null | head -1)
        later=$( [ -z "$h" ] || history_after "$h")
        awk -F, -v l="$link" -v later="${later:-- -}" 'NR > 1 && $1 == l && $3 == "choco" && $4 == "topk:0.01" && $17 > 0 {
            split(later, x, " ")
            printf "| %s | %.1f | %.1f | %.2f | %s | %s | %s | %.2f |\n", $1, $16, $17, $16 / $17,
                ($16 / $17 <= 1.5) ? "met" : "missed", x[1], x[2], $12 }' "$csv"
    done
    echo
    echo "Where the time goes: on these $(nproc) cores the $HOSTS ranks share the cores, so a compressed step costs"
    echo "its computation (gradient, codec, mixing: $((HOSTS / $(nproc))) ranks per core) plus its exchange, whatever the link;"
    echo "all-reduce's step is its exchange at 1 Gbit/s and below. Rank 0's step timer covers each whole step; the"
    echo "phases' means per step add up to it but for the share \"in no phase\" above (CHOCO-SGD's local step is made"
    echo "in the pass that forms its message, inside compress). A mean is above its p50 where a few steps wait long"
    echo "(a core taken by another rank, a late neighbour). The speed-up is bounded by all-reduce's step over the compressed step, times"
    echo "all-reduce's steps over CHOCO's steps to L. The gradient phase with one rank per core (2 hosts) is in"
    echo "[scaling.md](scaling.md)."
    echo
    echo "The same runs as \`bin/gossip-mpi report\` compares them, one table per link (\`report WORK/LINK"
    echo "--target-loss L --format md\`; times to L from each run, speed-up over the all-reduce run of the link):"
    echo
    for link in shm "${rates[@]}"; do
        echo "**$link**"
        echo
        bin/gossip-mpi report "$WORK/$link" --target-loss "$TARGET" --format md 2>/dev/null
        echo
    done
    for link in shm "${rates[@]}"; do
        [ ! -r "$OUT/$NAME-$link.png" ] || echo "![loss against train seconds, $link]($NAME-$link.png)"
    done
} >"$md"
cat "$md"
