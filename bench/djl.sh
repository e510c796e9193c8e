#!/usr/bin/env bash
# DJL networks through gossip-mpi (issue 21's goals), in three parts (PARTS, default all):
#
#   step      one rank's step of each network in plain DJL against Decentralized.step with DjlModel, and the
#             adapter's copies (StepBenchmark; ROUNDS interleaved rounds of about 3 s each)
#   accuracy  LeNet-5 on Fashion-MNIST, 4 ranks on a ring under mpirun (this machine), EPOCHS epochs, SGD with
#             momentum and one decay of the learning rate: all-reduce, CHOCO sign, CHOCO top-1%; the test accuracy
#             and report's charts
#   cluster   the emulated cluster (bench/cluster, 4 hosts, RATES): the wide CNN's all-reduce for TARGET_STEPS
#             steps gives the target loss L, then CHOCO sign and top-1% run until L (at most 4x the steps); and
#             ResNet-20's step, all-reduce against CHOCO sign, over RESNET_STEPS steps (the compute-bound case)
#   malloc    4 ranks under mpirun (this machine), with the launcher's malloc settings (GOSSIP_MPI_MALLOC=keep)
#             and with glibc's own (glibc), ROUNDS_MALLOC interleaved rounds: LeNet-5 CHOCO top-1%, one epoch
#             (train seconds), and the wide CNN's all-reduce, 30 steps evaluated every 10 (train and evaluation
#             seconds); each with the ranks' largest peak resident set
#
#   bench/djl.sh                         # PARTS=step,accuracy,cluster,malloc ROUNDS=7 EPOCHS=12 RATES=100mbit,1gbit
#
# Writes bench/results/djl.md with djl-step.csv, djl-accuracy.csv, djl-cluster.csv, djl-malloc.csv and the
# charts djl-*.png.
# The cluster needs root (network namespaces).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/lib/summary.sh
. bench/lib/summary.sh
# shellcheck source=bin/lib/jobs.sh
. bin/lib/jobs.sh
PARTS=${PARTS:-step,accuracy,cluster,malloc}
ROUNDS_MALLOC=${ROUNDS_MALLOC:-2}
ROUNDS=${ROUNDS:-7}
EPOCHS=${EPOCHS:-12}
RATES=${RATES:-100mbit,1gbit}
TARGET_STEPS=${TARGET_STEPS:-150}
RESNET_STEPS=${RESNET_STEPS:-30}
OUT=bench/results
WORK=${WORK:-${TMPDIR:-/tmp}/gossip-mpi-djl-bench}
say() { printf 'djl: %s\n' "$*" >&2; }
has() { [[ ",$PARTS," == *",$1,"* ]]; }
bin/setup --djl >/dev/null
mkdir -p "$OUT" "$WORK"
CP="integrations/djl/target/gossip-mpi-djl.jar:integrations/djl/target/lib/*"
stamp=$(revision_stamp)

if has step; then
    say "step: plain DJL against gossip-mpi, one rank, $ROUNDS rounds"
    bin/gossip-mpi-java -cp "$CP" org.gossipmpi.djl.StepBenchmark --rounds "$ROUNDS" \
        >"$OUT/djl-step.csv"
    echo "$stamp" >"$OUT/djl-step.revision"
fi

# LeNet-5, 4 ranks, EPOCHS epochs of Fashion-MNIST's 60,000 rows at batch 32 per rank: 469 steps an epoch.
epoch_steps=469
lenet=(--model lenet5 --data fashion-mnist --batch 32 --lr 0.05 --momentum 0.9 --lr-schedule step --lr-decay 0.1
       --lr-every $((epoch_steps * EPOCHS * 3 / 4)) --epochs "$EPOCHS" --eval-every "$epoch_steps" --eval-rows 10000
       --seed 1)
if has accuracy; then
    mpirun_flags 4
    rm -rf "$WORK/accuracy"
    for r in "allreduce none" "choco sign 0.5" "choco topk:0.01 0.05"; do
        read -r a c g <<<"$r"
        say "accuracy: $a $c"
        # shellcheck disable=SC2046
        mpirun "${MPIRUN_FLAGS[@]}" -np 4 bin/gossip-mpi-djl train --algorithm "$a" --compressor "$c" \
            $(gamma_option "$a" "${g:-1}") "${lenet[@]}" --out "$WORK/accuracy" >"$WORK/accuracy-$a-$c.log" 2>&1 \
            || { say "accuracy: $a $c failed, see $WORK/accuracy-$a-$c.log"; }
    done
    echo "algorithm,compressor,gamma,epochs,steps,final_train_loss,test_accuracy,train_seconds,bytes_sent_total" \
        >"$OUT/djl-accuracy.csv"
    for s in "$WORK"/accuracy/*/summary.json; do
        echo "$(summary_field "$s" algorithm),$(summary_field "$s" compressor),$(summary_field "$s" gamma),$EPOCHS,$(summary_field "$s" steps),$(summary_field "$s" final_train_loss),$(summary_field "$s" test_accuracy),$(summary_field "$s" train_seconds),$(summary_field "$s" bytes_sent_total)"
    done >>"$OUT/djl-accuracy.csv"
    for chart in accuracy-vs-steps loss-vs-steps accuracy-vs-bits; do
        cp "$WORK/accuracy/$chart.png" "$OUT/djl-lenet5-$chart.png"
    done
    echo "$stamp" >"$OUT/djl-accuracy.revision"
fi

if has cluster; then
    IFS=, read -r -a rates <<<"$RATES"
    wide=(--model wide-cnn --data fashion-mnist --batch 32 --lr 0.05 --seed 1 --eval-every 10 --eval-rows 2000)
    resnet=(--model resnet20 --data fashion-mnist --batch 32 --lr 0.05 --seed 1 --steps "$RESNET_STEPS"
            --eval-every "$RESNET_STEPS" --eval-rows 256)
    echo "link,network,algorithm,compressor,gamma,reached,steps,train_seconds,seconds_to_target,bytes_sent_total,step_ms,gradient_p50_ms,compress_p50_ms,exchange_p50_ms,mix_p50_ms,target_loss" \
        >"$OUT/djl-cluster.csv"
    rm -rf "$WORK/cluster"
    mkdir -p "$WORK/cluster"
    target=
    for link in "${rates[@]}"; do
        bench/cluster/up 4 "$link" >&2
        dir=$WORK/cluster/$link
        say "$link: wide-cnn all-reduce, $TARGET_STEPS steps"
        bench/cluster/run bin/gossip-mpi-djl train --algorithm allreduce "${wide[@]}" --steps "$TARGET_STEPS" \
            --out "$dir/wide" >"$dir.wide-allreduce.log" 2>&1 || { say "failed: see $dir.wide-allreduce.log"; exit 1; }
        # The target: all-reduce's loss after TARGET_STEPS steps (the same at every rate: the network does not
        # change the arithmetic).
        [ -n "$target" ] || target=$(summary_field "$dir/wide/allreduce/summary.json" final_train_loss)
        for r in "choco sign 0.5" "choco topk:0.01 0.05"; do
            read -r a c g <<<"$r"
            say "$link: wide-cnn $a $c to L = $target"
            bench/cluster/run bin/gossip-mpi-djl train --algorithm "$a" --compressor "$c" --gamma "$g" "${wide[@]}" \
                --steps $((4 * TARGET_STEPS)) --target-loss "$target" --out "$dir/wide" >"$dir.wide-$a-$c.log" 2>&1 \
                || say "$link: wide-cnn $a $c failed, see $dir.wide-$a-$c.log"
        done
        [ ! -r "$dir/wide/loss-vs-time.png" ] || cp "$dir/wide/loss-vs-time.png" "$OUT/djl-wide-cnn-$link.png"
        for r in "allreduce none" "choco sign 0.5"; do
            read -r a c g <<<"$r"
            say "$link: resnet20 $a $c, $RESNET_STEPS steps"
            # shellcheck disable=SC2046
            bench/cluster/run bin/gossip-mpi-djl train --algorithm "$a" --compressor "$c" $(gamma_option "$a" "${g:-1}") \
                "${resnet[@]}" --out "$dir/resnet" >"$dir.resnet-$a-$c.log" 2>&1 \
                || say "$link: resnet20 $a $c failed, see $dir.resnet-$a-$c.log"
        done
        for s in "$dir"/wide/*/summary.json "$dir"/resnet/*/summary.json; do
            [ -r "$s" ] || continue
            net=$(summary_field "$s" model) steps=$(summary_field "$s" steps) train=$(summary_field "$s" train_seconds)
            printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%.1f,%s,%s,%s,%s,%s\n' "$link" "$net" "$(summary_field "$s" algorithm)" \
                "$(summary_field "$s" compressor)" "$(summary_field "$s" gamma)" "$(summary_field "$s" reached_target)" \
                "$steps" "$train" "$(summary_field "$s" seconds_to_target)" "$(summary_field "$s" bytes_sent_total)" \
                "$(echo "$train $steps" | awk '{ print 1000 * $1 / $2 }')" \
                "$(summary_p50 "$s" gradient | awk '{ print $1 / 1000 }')" "$(summary_p50 "$s" compress | awk '{ print $1 / 1000 }')" \
                "$(summary_p50 "$s" exchange | awk '{ print $1 / 1000 }')" "$(summary_p50 "$s" mix | awk '{ print $1 / 1000 }')" \
                "$([ "$net" = wide-cnn ] && echo "$target")" >>"$OUT/djl-cluster.csv"
        done
    done
    bench/cluster/down >&2
    echo "$stamp" >"$OUT/djl-cluster.revision"
fi
if has malloc; then
    mpirun_flags 4
    mkdir -p "$WORK/malloc"
    echo "round,malloc,network,algorithm,steps,train_seconds,eval_seconds,peak_resident_mb_max" >"$OUT/djl-malloc.csv"
    for ((round = 1; round <= ROUNDS_MALLOC; round++)); do
        for m in keep glibc; do
            for r in "lenet5 choco topk:0.01 0.05 469 469 1000" "wide-cnn allreduce none 1 30 10 2000"; do
                read -r net a c g steps every rows <<<"$r"
                say "malloc: round $round, $m, $net $a"
                dir=$WORK/malloc/$m-$net
                rm -rf "$dir"
                # shellcheck disable=SC2046
                GOSSIP_MPI_MALLOC=$m mpirun "${MPIRUN_FLAGS[@]}" -x GOSSIP_MPI_MALLOC -np 4 bin/gossip-mpi-djl train \
                    --algorithm "$a" --compressor "$c" $(gamma_option "$a" "$g") --model "$net" --data fashion-mnist \
                    --batch 32 --lr 0.05 --seed 1 --steps "$steps" --eval-every "$every" --eval-rows "$rows" \
                    --out "$dir" >"$dir.log" 2>&1 || { say "malloc: $m $net failed, see $dir.log"; exit 1; }
                s=$(echo "$dir"/*/summary.json)
                echo "$round,$m,$net,$a,$steps,$(summary_field "$s" train_seconds),$(summary_field "$s" eval_seconds),$(sed -n 's/.*"peak_resident_per_rank":\[\([^]]*\)\].*/\1/p' "$s" | tr ',' '\n' | sort -n | tail -1)" \
                    >>"$OUT/djl-malloc.csv"
            done
        done
    done
    echo "$stamp" >"$OUT/djl-malloc.revision"
fi
bench/djl-report.sh
