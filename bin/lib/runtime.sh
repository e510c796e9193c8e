# Sourced by bin/gossip-mpi and bin/gossip-mpi-java: the JVM that a rank of gossip-mpi runs in, set up once for
# the command line and for programs on the library alike.
#
# gossip_runtime sets JAVA_RUN, the java command with its options (the arguments after it are the class path and
# the main class), and GOSSIP_CP, the library's class path (the distribution, and MPI_JAR first if set):
#   - the JDK: JAVA_HOME if set, else the newest JDK 21+ under /usr/lib/jvm, else the default java (jdk.sh); on
#     21+ the incubating Vector API module for the codecs;
#   - the JVM's signal-chaining library preloaded (OpenCL and UCX install SIGSEGV handlers; jdk.sh says why);
#   - a PoCL kernel cache of this process's own (pocl.sh);
#   - Open MPI's TCP settings unless set (openmpi.sh), Open MPI's libdir on the library path (libmpi_java.so);
#   - the native MPI backend's builds (target/native/<mpi>/, or GOSSIP_MPI_NATIVE_LIB);
#   - serial GC (one rank per core on clusters, several per core in tests: no GC threads to compete) with a
#     32 MB young generation (a step allocates nothing, so a larger one only adds resident memory per rank:
#     measured in bench/results/data.md),
#     the heap on transparent huge pages where the kernel offers them for the asking (madvise: a rank's first
#     touch of gigabytes of data is then a fault per 2 MB, not per 4 KB; measured in bench/results/data.md, and
#     left out where the kernel has them off, since the JVM would warn on every start, and on virtual machines
#     that report free memory to their host, where each huge page's first touch is slow: thp_pays; the reason in
#     the property gossip.heap.pages, which `info` prints),
#     --enable-native-access (accepted by 17, needed on 22+), and GOSSIP_MPI_JAVA_OPTS last (which may say
#     -XX:-UseTransparentHugePages);
#   - standard error through bin/lib/stderr-filter, which drops the JVM's "Using incubator modules" line,
#     Aparapi's "untested OpenCL platform" line and JDK 17's signal-chaining warning. It runs in a session of its
#     own, so that a launcher killing the job's process group (MPI_Abort) cannot take it before it has passed on
#     the last message, and ends when the JVM does; where the real standard error is a terminal the JVM is told
#     (the progress bar is drawn there). GOSSIP_MPI_RAW_STDERR=1 leaves standard error alone.

gossip_runtime() {
    local dist=$ROOT/target native
    if [ ! -r "$dist/gossip-mpi.jar" ] || [ ! -d "$dist/lib" ]; then
        echo "gossip-mpi: not built yet: run $ROOT/bin/setup first" >&2
        exit 1
    fi
    # shellcheck source=bin/lib/jdk.sh
    . "$ROOT/bin/lib/jdk.sh"
    pick_jdk
    preload_signal_chaining
    # shellcheck source=bin/lib/pocl.sh
    . "$ROOT/bin/lib/pocl.sh"
    pocl_private_cache
    # shellcheck source=bin/lib/openmpi.sh
    . "$ROOT/bin/lib/openmpi.sh"
    openmpi_tcp_defaults
    GOSSIP_CP="$dist/gossip-mpi.jar:$dist/lib/*"
    [ -z "${MPI_JAR:-}" ] || GOSSIP_CP="$MPI_JAR:$GOSSIP_CP"
    # Debian's JDK searches the multiarch directory by itself, other JDKs do not. bin/setup records it.
    if [ -r "$dist/native-path" ]; then
        native=$(cat "$dist/native-path")
    else
        native=$(ompi_info --path libdir --parsable 2>/dev/null | sed -n 's/^path:libdir://p' || true)
    fi
    [ -z "$native" ] || export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$native"
    JAVA_RUN=("$JAVA" -XX:+UseSerialGC -Xmn32m --enable-native-access=ALL-UNNAMED "${VECTOR[@]}"
              -Dgossip.native.dir="$dist/native")
    [ -z "${GOSSIP_MPI_NATIVE_LIB:-}" ] || JAVA_RUN+=(-Dgossip.native.lib="$GOSSIP_MPI_NATIVE_LIB")
    if thp_pays; then
        JAVA_RUN+=(-XX:+UseTransparentHugePages -Dgossip.heap.pages="asked for (the kernel gives them on request)")
    elif thp_on_request; then
        JAVA_RUN+=(-Dgossip.heap.pages="not asked for: this virtual machine reports free memory to its host, where a huge page's first touch is slow (bench/results/hugepages.md)")
    else
        JAVA_RUN+=(-Dgossip.heap.pages="not asked for: the kernel's mode is $(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || true), not madvise")
    fi
    # shellcheck disable=SC2206
    [ -z "${GOSSIP_MPI_JAVA_OPTS:-}" ] || JAVA_RUN+=(${GOSSIP_MPI_JAVA_OPTS})
    if [ -z "${GOSSIP_MPI_RAW_STDERR:-}" ] && command -v perl >/dev/null && command -v setsid >/dev/null; then
        [ ! -t 2 ] || export GOSSIP_MPI_STDERR_TERMINAL=1
        exec 2> >(exec env -u LD_PRELOAD setsid "$ROOT/bin/lib/stderr-filter" >&2) # no JVM library in the filter
    fi
}

# libtorch_malloc: glibc's malloc settings for a JVM that runs DJL's PyTorch engine (bin/gossip-mpi-djl, and
# bin/gossip-mpi-java, which runs programs that may), each kept where the user set it. libtorch allocates its
# tensors with malloc; by default glibc hands freed memory back to the kernel (trimming above 128 KB, and
# mmap for large blocks with a threshold that moves), so a pass's tensors came back as fresh pages to fault in,
# every pass: on this project's machines that made the wide CNN's step about twice as slow (bench/results/djl.md,
# its malloc part).
# Keeping freed memory (trim threshold 1 GB) and serving blocks up to 32 MB (glibc's most) from the heap
# removes that; either alone does not. GOSSIP_MPI_MALLOC=glibc leaves glibc's own settings (memory handed back,
# at that cost); keep, or unset, is the default.
LIBTORCH_MALLOC_TRIM=1073741824
LIBTORCH_MALLOC_MMAP=33554432
libtorch_malloc() {
    case ${GOSSIP_MPI_MALLOC:-keep} in
        keep)
            export MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-$LIBTORCH_MALLOC_TRIM}
            export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-$LIBTORCH_MALLOC_MMAP} ;;
        glibc) ;;
        *)
            echo "gossip-mpi: GOSSIP_MPI_MALLOC='$GOSSIP_MPI_MALLOC': say keep (the default: malloc keeps the memory libtorch frees) or glibc (glibc's own settings)" >&2
            exit 2 ;;
    esac
}

# thp_on_request: whether the kernel's transparent huge pages are in madvise mode (given to whoever asks).
thp_on_request() {
    grep -qs '\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled
}

# free_pages_reported [DIR]: whether this is a virtual machine whose balloon device reports free memory to its host
# (a virtio device 0x0005 under DIR, default /sys/bus/virtio/devices, that negotiated feature bit 5,
# VIRTIO_BALLOON_F_REPORTING; its features file has a 0 or 1 per bit). Such a guest hands every free 2 MB block back
# to the host a few seconds after it is freed, and the host must back a huge page anew when it is next touched:
# there the first touch of a heap on huge pages took 14x as long as on 4 KB pages, and 4 ranks' start 2.7x as
# long (bench/results/hugepages.md).
free_pages_reported() {
    local dev features
    for dev in "${1:-/sys/bus/virtio/devices}"/*; do
        [ "$(cat "$dev/device" 2>/dev/null)" = 0x0005 ] || continue
        features=$(cat "$dev/features" 2>/dev/null) || continue
        [ "${features:5:1}" != 1 ] || return 0
    done
    return 1
}

# thp_pays: whether the launcher puts the heap on transparent huge pages: offered on request, and not on a guest
# whose free memory goes back to its host.
thp_pays() {
    thp_on_request && ! free_pages_reported
}
