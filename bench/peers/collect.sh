#!/usr/bin/env bash
# bench/peers/collect.sh DIR LINK HOSTS REVISION EVAL_EVERY: the rows of peers.csv for the runs of one link rate
# under DIR (DIR/gossip-mpi/RUN and DIR/pytorch/MODE, each with summary.json and history.csv), on stdout.
# bench/peers/run.sh calls it; run it again on a kept DIR to rebuild the table without re-running.
#
# Columns: link,hosts,implementation,algorithm,compressor,gamma,reached,steps,train_seconds_to_target,mean_step_ms,
# mb_sent_to_target,revision,steady_step_ms. mean_step_ms: the run's train seconds over its steps; steady_step_ms:
# the same after its first EVAL_EVERY steps (from history.csv), leaving out the first steps' start (JIT
# compilation, first connections).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=bench/lib/summary.sh
. "$ROOT/bench/lib/summary.sh"
[ $# -eq 5 ] || { echo "usage: bench/peers/collect.sh DIR LINK HOSTS REVISION EVAL_EVERY" >&2; exit 2; }
dir=$1 link=$2 hosts=$3 rev=$4 every=$5
# steady FILE: ms per step after the first $every steps, from history.csv's step and train_seconds columns
steady() {
    awk -F, -v e="$every" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "step") s = i; if ($i == "train_seconds") c = i }; next }
        $s == e { t0 = $c } { last = $s; t1 = $c }
        END { if (t0 == "" || last <= e) print "-"; else printf "%.1f", 1000 * (t1 - t0) / (last - e) }' "$1"
}
for s in "$dir"/gossip-mpi/*/summary.json "$dir"/pytorch/*/summary.json; do
    [ -r "$s" ] || continue
    impl=$([[ $s == */pytorch/* ]] && echo PyTorch || echo gossip-mpi)
    steps=$(summary_field "$s" steps) train=$(summary_field "$s" train_seconds)
    algo=$(summary_field "$s" algorithm)
    [ "$(summary_field "$s" allreduce)" != ring ] || algo=allreduce-ring
    # the run directory says whether the ring summed its buckets while the gradient was computed (train --overlap)
    [[ $(basename "$(dirname "$s")") != *-overlap ]] || algo=$algo-overlap
    echo "$link,$hosts,$impl,$algo,$(summary_field "$s" compressor),$(summary_field "$s" gamma),$(summary_field "$s" reached_target),$steps,$(summary_field "$s" seconds_to_target),$(echo "$train $steps" | awk '{ printf "%.1f", 1000 * $1 / $2 }'),$(summary_field "$s" bytes_sent_total | awk '{ printf "%.1f", $1 / 1e6 }'),$rev,$(steady "$(dirname "$s")/history.csv")"
done
