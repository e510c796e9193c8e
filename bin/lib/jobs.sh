# Sourced by bin/quickstart and the benchmark scripts: what every script that starts an MPI job or writes a
# results file needs, written once.

# mpirun_flags NP: sets the array MPIRUN_FLAGS to what Open MPI's mpirun needs here for NP ranks:
# --allow-run-as-root as root (Open MPI refuses root without it), --oversubscribe for more ranks than cores
# (refused otherwise). Also has waiting ranks give up their core unless the user set otherwise
# (OMPI_MCA_mpi_yield_when_idle=1): ranks that share cores and busy-poll took 4-8 ms for a small message.
mpirun_flags() {
    MPIRUN_FLAGS=()
    [ "$(id -u)" -ne 0 ] || MPIRUN_FLAGS+=(--allow-run-as-root)
    [ "$1" -le "$(nproc)" ] || MPIRUN_FLAGS+=(--oversubscribe)
    export OMPI_MCA_mpi_yield_when_idle=${OMPI_MCA_mpi_yield_when_idle:-1}
}

# revision_stamp: "revision REV, DATE, N cores, memory copy X GB/s" for a results file: the commit measured (with
# "+uncommitted" when the code differs from it), the day (UTC), the machine's cores and how fast it copies memory
# now (bench/lib/MemoryProbe.java: a shared virtual machine's memory speed changes from day to day).
revision_stamp() {
    local rev
    rev=$(git -C "${ROOT:-.}" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if [ "$rev" != unknown ] && ! git -C "${ROOT:-.}" diff --quiet HEAD -- src bench bin integrations pom.xml CMakeLists.txt \
            ':(exclude)bench/results' 2>/dev/null; then
        rev="$rev+uncommitted"
    fi
    local copy
    copy=$(command "${JAVA_HOME:+$JAVA_HOME/bin/}java" "${ROOT:-.}/bench/lib/MemoryProbe.java" 2>/dev/null || echo "?")
    echo "revision $rev, $(date -u +%Y-%m-%d), $(nproc) cores, memory copy $copy GB/s"
}

# AWK_MEDIAN: an awk function median(arr, key, cnt), the median of arr[key, 1..cnt]; prepend it to a program:
#   awk "$AWK_MEDIAN"' { ... median(p50, key, n[key]) ... }'
# shellcheck disable=SC2034
AWK_MEDIAN='function median(arr, key, cnt,    i, j, t, v) {
    for (i = 1; i <= cnt; i++) v[i] = arr[key, i] + 0
    for (i = 1; i <= cnt; i++) for (j = i + 1; j <= cnt; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return cnt % 2 ? v[(cnt + 1) / 2] : (v[cnt / 2] + v[cnt / 2 + 1]) / 2
}
'

# gamma_option ALGORITHM GAMMA: "--gamma GAMMA" for the algorithms with a consensus step (choco, choco-gossip,
# deepsqueeze), nothing for the others, which refuse --gamma.
gamma_option() {
    case $1 in choco|choco-gossip|deepsqueeze) echo "--gamma $2" ;; esac
}
