#!/usr/bin/env bash
# Overlap: the same D-PSGD (and DCD) training with and without --overlap (the next gradient computed while
# the exchange is in flight), under mpirun, runs interleaved; the models are identical (OverlapTest), so
# only the wall time differs. Writes bench/results/overlap-np$NP.md.
#
#   NP=4 STEPS=400 REPEATS=3 bench/overlap.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/lib/summary.sh
. bench/lib/summary.sh
NP=${NP:-4}
STEPS=${STEPS:-400}
REPEATS=${REPEATS:-3}
OUT=bench/results
bin/setup >/dev/null
# shellcheck source=bin/lib/jobs.sh
. "$ROOT/bin/lib/jobs.sh"
mpirun_flags "$NP"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rows=()
for algo in dpsgd dcd; do
    comp=none
    [ "$algo" = dcd ] && comp=natural
    for run in $(seq 1 "$REPEATS"); do
        for mode in plain overlap; do
            extra=()
            [ "$mode" = overlap ] && extra=(--overlap)
            mpirun "${MPIRUN_FLAGS[@]}" -np "$NP" bin/gossip-mpi train --algorithm "$algo" --compressor "$comp" \
                --topology ring --model mlp --hidden 100 --data fashion-mnist --batch 64 --lr 0.05 \
                --steps "$STEPS" --eval-every "$STEPS" --device java "${extra[@]}" --out "$tmp/$algo-$mode-$run" \
                >/dev/null 2>&1
            s=$(summary_field "$(echo "$tmp/$algo-$mode-$run"/*/summary.json)" wall_seconds)
            rows+=("$algo,$mode,$run,$s")
        done
    done
done
{
    echo "# Overlap of gradient and exchange"
    echo
    echo "Command: \`NP=$NP STEPS=$STEPS REPEATS=$REPEATS bench/overlap.sh\` ($(revision_stamp))."
    echo "MLP (100 hidden units, 79,510 parameters) on Fashion-MNIST, ring of"
    echo "$NP MPI ranks, batch 64, $STEPS steps, Java kernels; wall time of the training loop (evaluation once at the end)."
    echo
    echo "| algorithm | run | plain s | overlap s | saved |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}" | awk -F, '{ t[$1 "," $3 "," $2] = $4; k = $1 "," $3; if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
        END { for (i = 1; i <= n; i++) { split(order[i], f, ","); p = t[order[i] ",plain"]; o = t[order[i] ",overlap"];
              printf "| %s | %s | %.2f | %.2f | %.1f%% |\n", f[1], f[2], p, o, 100 * (p - o) / p } }'
} >"$OUT/overlap-np$NP.md"
cat "$OUT/overlap-np$NP.md"
