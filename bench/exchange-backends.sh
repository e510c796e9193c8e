#!/usr/bin/env bash
# The MPI backends against each other and against C: the bare ring exchange (iRecv/iSend of 4d bytes with both
# neighbours) and the sum all-reduce of d floats, timed by the native C baseline (bench/native/mpi_baseline.c),
# by gossip-mpi over Open MPI's Java bindings (--backend openmpi-java) and over its own C layer (--backend
# native), under Open MPI's mpirun and MPICH's mpiexec, runs interleaved.
#
#   bench/exchange-backends.sh                      # NP=4 REPEATS=3 SIZES=1e3,1e4,1e5,1e6,1e7 STEPS=50
#
# Writes bench/results/exchange-backends-np$NP.csv (every run) and exchange-backends-np$NP.md (medians, ratios).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
NP=${NP:-4}
REPEATS=${REPEATS:-3}
SIZES=${SIZES:-1e3,1e4,1e5,1e6,1e7}
STEPS=${STEPS:-50}
OUT=bench/results
mkdir -p "$OUT"

bin/setup >/dev/null
# shellcheck source=bin/lib/jobs.sh
. "$ROOT/bin/lib/jobs.sh"
# The C baseline, its one CMake target (bench/native) built for each MPI: Open MPI's by the top-level build,
# MPICH's on its own.
cmake -S . -B build -DGOSSIP_BUILD_JAVA=OFF >/dev/null
cmake --build build --target mpi_baseline >/dev/null
MPICH=$(command -v mpiexec.mpich || true)
if [ -n "$MPICH" ]; then
    cmake -S bench/native -B target/native/mpich-bench -DMPI_C_COMPILER=mpicc.mpich >/dev/null
    cmake --build target/native/mpich-bench --target mpi_baseline >/dev/null
fi
mpirun_flags "$NP"
ompi=(mpirun "${MPIRUN_FLAGS[@]}" -np "$NP")

csv=$OUT/exchange-backends-np$NP.csv
echo "run,mpi,impl,op,floats,p50_us,p99_us" >"$csv"
# c MPI_NAME RUN BASELINE LAUNCHER...: the C baseline's rows
c() {
    local mpi=$1 run=$2 exe=$3
    shift 3
    "$@" "$exe" --sizes "$SIZES" --iters "$STEPS" --warmup 20 --no-header \
        | awk -F, -v run="$run" -v mpi="$mpi" '{ printf "%s,%s,c,%s,%s,%s,%s\n", run, mpi, $2, $4, $7, $8 }' >>"$csv"
}
# java MPI_NAME RUN BACKEND LAUNCHER...: gossip-mpi's rows (transport = the ring, as C's)
java() {
    local mpi=$1 run=$2 backend=$3
    shift 3
    "$@" bin/gossip-mpi bench exchange --backend "$backend" --ops transport,allreduce --sizes "$SIZES" \
        --steps "$STEPS" --warmup 20 --no-header 2>/dev/null \
        | awk -F, -v run="$run" -v mpi="$mpi" '$1 != "impl" {
            op = $2 == "transport" ? "ring" : $2
            printf "%s,%s,%s,%s,%s,%s,%s\n", run, mpi, $1, op, $6, $9, $10 }' >>"$csv"
}
for run in $(seq 1 "$REPEATS"); do
    echo "run $run of $REPEATS: Open MPI" >&2
    c openmpi "$run" build/mpi_baseline "${ompi[@]}"
    java openmpi "$run" openmpi-java "${ompi[@]}"
    java openmpi "$run" native "${ompi[@]}"
    if [ -n "$MPICH" ]; then
        echo "run $run of $REPEATS: MPICH" >&2
        c mpich "$run" target/native/mpich-bench/mpi_baseline "$MPICH" -n "$NP"
        java mpich "$run" native "$MPICH" -n "$NP"
    fi
done

md=$OUT/exchange-backends-np$NP.md
{
    echo "# MPI backends: ring exchange and all-reduce, $NP ranks"
    echo
    echo "Command: \`NP=$NP REPEATS=$REPEATS SIZES=$SIZES STEPS=$STEPS bench/exchange-backends.sh\`"
    echo "($(revision_stamp); $(mpirun --version | head -1);"
    echo "${MPICH:+$("$MPICH" --version | sed -n 's/^ *Version: *//p' | head -1 | sed 's/^/MPICH /')}). Raw runs: [exchange-backends-np$NP.csv](exchange-backends-np$NP.csv)."
    echo
    echo "Time per step in microseconds: the median over $REPEATS interleaved runs of each run's p50 (p99 in"
    echo "brackets) of the slowest rank, $STEPS steps after 20 warm-up steps. \`ring\`: iRecv/iSend of 4d bytes"
    echo "with both neighbours; \`allreduce\`: sum of d floats. \`c\`: the C baseline; \`openmpi-java\`: gossip-mpi"
    echo "over Open MPI's Java bindings; \`native\`: gossip-mpi over its own C layer (JNI)."
    echo
    awk -F, "$AWK_MEDIAN"'NR > 1 {
            key = $2 "," $3 "," $4 "," $5
            n[key]++; p50[key, n[key]] = $6; p99[key, n[key]] = $7
            if (!(key in seen)) { seen[key] = 1; order[++k] = key }
            if (!($5 in sz)) { sz[$5] = 1; sizes[++ns] = $5 }
            if (!($2 in mp)) { mp[$2] = 1; mpis[++nm] = $2 }
        }
        function cell(key) { return (key in seen) ? sprintf("%.1f (%.1f)", m[key], median(p99, key, n[key])) : "-" }
        function ratio(a, b) { return (a in seen) && (b in seen) ? sprintf("%.2f", m[a] / m[b]) : "-" }
        END {
            for (i = 1; i <= k; i++) m[order[i]] = median(p50, order[i], n[order[i]])
            print "| MPI | op | floats | c | openmpi-java | native | native / c | native / openmpi-java |"
            print "|---|---|---:|---:|---:|---:|---:|---:|"
            for (a = 1; a <= nm; a++) for (o = 1; o <= 2; o++) for (s = 1; s <= ns; s++) {
                op = o == 1 ? "ring" : "allreduce"; base = mpis[a] ","
                printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", mpis[a], op, sizes[s],
                    cell(base "c," op "," sizes[s]), cell(base "openmpi-java," op "," sizes[s]),
                    cell(base "native," op "," sizes[s]), ratio(base "native," op "," sizes[s], base "c," op "," sizes[s]),
                    ratio(base "native," op "," sizes[s], base "openmpi-java," op "," sizes[s])
            }
        }' "$csv"
} >"$md"
cat "$md"
