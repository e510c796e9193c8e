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

# revision_stamp: "revision REV, DATE, N cores (CPU), memory copy X GB/s" for a results file: the commit measured
# (with "+uncommitted" when the code differs from it), the day (UTC), the machine's cores, which CPU they are
# (cpu_description) and how fast it copies memory now (bench/lib/MemoryProbe.java).
# A shared virtual machine can land on another host from one day to the next: on 2026-12-03 this project's machine
# was an AMD family 25 without AVX-512 (256-bit vectors, a copy at 4-8 GB/s), where the runs of the fast days had
# family 26 with AVX-512 (bench/results/codecs-goals.md), so figures compare only between stamps naming one CPU.
revision_stamp() {
    local rev
    rev=$(git -C "${ROOT:-.}" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if [ "$rev" != unknown ] && ! git -C "${ROOT:-.}" diff --quiet HEAD -- src bench bin integrations pom.xml CMakeLists.txt \
            ':(exclude)bench/results' 2>/dev/null; then
        rev="$rev+uncommitted"
    fi
    local copy
    copy=$(command "${JAVA_HOME:+$JAVA_HOME/bin/}java" "${ROOT:-.}/bench/lib/MemoryProbe.java" 2>/dev/null || echo "?")
    echo "revision $rev, $(date -u +%Y-%m-%d), $(nproc) cores ($(cpu_description)), memory copy $copy GB/s"
}

# cpu_description: "MODEL NAME family F model M, AVX-512" (or AVX2, or neither) from /proc/cpuinfo's first CPU: a
# virtual machine's model name often hides the generation ("AMD EPYC"), its family and model do not, and the widest
# vector instructions decide how wide the JDK's Vector API runs (bin/gossip-mpi's "kernels on" line).
cpu_description() {
    awk -F': *' '
        $1 ~ /^model name/ && name == "" { name = $2 }
        $1 ~ /^cpu family/ && family == "" { family = $2 }
        $1 ~ /^model[ \t]*$/ && model == "" { model = $2 }
        $1 ~ /^flags/ && flags == "" { flags = " " $2 " " }
        END {
            isa = flags ~ / avx512f / ? "AVX-512" : flags ~ / avx2 / ? "AVX2" : "no AVX2"
            printf "%s family %s model %s, %s", name == "" ? "unknown CPU" : name, family, model, isa
        }' /proc/cpuinfo 2>/dev/null || echo "unknown CPU"
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
