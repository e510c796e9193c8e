# Sourced by bin/gossip-mpi and the benchmark scripts: picks the JDK that gossip-mpi runs on.
#
# Sets JDK (its home), JAVA (its java) and VECTOR (the options for the Vector API codecs, empty on JDKs
# before 21: the module, and the codec loops kept out of their callers' compilations). The JDK: JAVA_HOME if set, else the newest JDK 21+ under /usr/lib/jvm (its Vector API
# codecs are several times faster), else the default java.

# The feature version of the JDK in directory $1 (from its release file), or 0.
jdk_feature() {
    local v
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -1)
    echo "${v:-0}"
}

pick_jdk() {
    local best dir f
    if [ -n "${JAVA_HOME:-}" ]; then
        JDK=$JAVA_HOME
        if [ ! -x "$JDK/bin/java" ]; then
            echo "gossip-mpi: JAVA_HOME=$JAVA_HOME has no bin/java: point JAVA_HOME at a JDK 17 or newer, or unset" \
                "it to use $(command -v java || echo 'the java on the PATH')" >&2
            exit 1
        fi
    else
        JDK=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
        best=$(jdk_feature "$JDK")
        for dir in /usr/lib/jvm/*/; do
            dir=${dir%/}
            [ -x "$dir/bin/java" ] || continue
            f=$(jdk_feature "$dir")
            if [ "$f" -ge 21 ] && [ "$f" -gt "$best" ]; then JDK=$dir; best=$f; fi
        done
    fi
    JAVA=$JDK/bin/java
    VECTOR=()
    [ "$(jdk_feature "$JDK")" -lt 21 ] || VECTOR=(--add-modules jdk.incubator.vector "${VECTOR_LOOPS_APART[@]}")
}

# Each Vector API codec loop compiled on its own: inlined into a caller that had already inlined other loops
# (the norms, the decoder), C2 ran out of its node budget for the loop's small helpers, left them as calls
# that box every vector, and the codec ran 4-6x slower (seen as qsgd:16:biased after qsgd:16 in one JVM).
VECTOR_LOOPS_APART=(-XX:CompileCommand=quiet
    -XX:CompileCommand=dontinline,org.gossipmpi.compress.simd.VectorQuantizer::pack*
    -XX:CompileCommand=dontinline,org.gossipmpi.compress.simd.VectorQuantizer::add*
    -XX:CompileCommand=dontinline,org.gossipmpi.compress.simd.VectorQuantizer::chunkNorms
    -XX:CompileCommand=dontinline,org.gossipmpi.compress.simd.VectorQuantizer::allBelow
    -XX:CompileCommand=dontinline,org.gossipmpi.compress.simd.VectorQuantizer::notBelow)

# Preloads the JVM's signal-chaining library (libjsig.so of $JDK) for the java started after this. OpenCL
# compilers built on LLVM (PoCL's among them) and MPI transports built on UCX (MPICH's ch4:ucx, Open MPI's
# pml ucx) install handlers for SIGSEGV, SIGBUS, SIGFPE and SIGILL, signals the JVM raises on purpose; without
# chaining the JVM then dies at random ("Segmentation fault", or UCX's "Caught signal 11" backtrace).
# gossip-mpi refuses OpenCL in a JVM that lacks it (org.gossipmpi.kernel.Devices).
preload_signal_chaining() {
    local jsig=$JDK/lib/libjsig.so
    [ -r "$jsig" ] || return 0
    case ":${LD_PRELOAD:-}:" in
        *":$jsig:"*) ;;
        *) export LD_PRELOAD="$jsig${LD_PRELOAD:+:$LD_PRELOAD}" ;;
    esac
}
