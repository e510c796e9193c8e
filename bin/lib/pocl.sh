# Sourced by bin/gossip-mpi: gives this process a PoCL kernel cache of its own.
#
# PoCL compiles kernels into one shared cache directory; ranks that build the same kernel there at once
# read each other's half-written binaries and abort ("pocl_binary_get_kernels_metadata: Assertion len > 0").
# Each process takes the first free slot of $XDG_CACHE_HOME/gossip-mpi/pocl/K (K = 0, 1, ...), holds an
# exclusive lock on it for its whole life (the descriptor stays open across exec), and points POCL_CACHE_DIR
# there, so no two live processes share a cache while later runs reuse the compiled kernels.
# A POCL_CACHE_DIR set by the user is left alone. Without a writable cache, PoCL's cache is turned off.

pocl_private_cache() {
    [ -z "${POCL_CACHE_DIR:-}" ] || return 0
    local base=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/gossip-mpi/pocl k fd
    for k in $(seq 0 255); do
        mkdir -p "$base/$k" 2>/dev/null || break
        { exec {fd}>>"$base/$k/lock"; } 2>/dev/null || break
        if flock -n "$fd"; then
            export POCL_CACHE_DIR=$base/$k
            return 0
        fi
        exec {fd}>&-
    done
    export POCL_KERNEL_CACHE=0
}
