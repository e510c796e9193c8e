# Sourced by bin/gossip-mpi (every rank) and bench/cluster/run: two Open MPI settings that decide how close
# to the link rate gossip and all-reduce get over TCP. Each is exported only where the user has not set it:
# not as an OMPI_MCA_* variable (mpirun --mca arrives as one) nor in an MCA parameter file (the user's
# ~/.openmpi/mca-params.conf, Debian's /etc/openmpi/openmpi-mca-params.conf, $OPAL_PREFIX/etc/...), so a
# site's own tuning always wins.
# Measured in bench/results/links.md (4 hosts, tbf-limited links).
#
# btl_tcp_rdma_pipeline_frag_size 131072 (Open MPI 4.1's default: 2 GiB)
#   A large message over TCP goes, after its rendezvous, as one "put" fragment of the whole message, and the
#   TCP transport sends one peer's fragments in order over one socket. When two ranks exchange large messages,
#   each one's rendezvous reply waits behind its own bulk put to the other, so the two directions of a link
#   take turns: the ring exchange of 1e7 floats used 0.48 of the link rate. In 128 KiB fragments the
#   replies slip in between and both directions flow at once (0.9 and more).
# coll_libnbc_iallreduce_algorithm 3 (reduce-scatter + all-gather, Rabenseifner's)
#   gossip-mpi's all-reduce is MPI_Iallreduce in place (polled, so it can time out). Open MPI's libnbc picks a
#   binomial tree (reduce to one rank, broadcast back: the whole vector twice through every level) for every
#   in-place call and for fewer than 4 ranks; for large vectors the tree took 3x the time of the
#   reduce-scatter + all-gather that libnbc itself picks for out-of-place calls. Vectors shorter than the
#   power of two below the rank count fall back to libnbc's ring.
openmpi_tcp_defaults() {
    openmpi_default btl_tcp_rdma_pipeline_frag_size 131072
    openmpi_default coll_libnbc_iallreduce_algorithm 3
}

# openmpi_default NAME VALUE: exports OMPI_MCA_NAME=VALUE unless NAME is set in the environment or a file
openmpi_default() {
    local var=OMPI_MCA_$1 f
    [ -z "${!var:-}" ] || return 0
    for f in "${HOME:-/nonexistent}/.openmpi/mca-params.conf" /etc/openmpi/openmpi-mca-params.conf \
        ${OPAL_PREFIX:+"$OPAL_PREFIX/etc/openmpi-mca-params.conf"}; do
        [ -r "$f" ] && grep -Eq "^[[:space:]]*$1[[:space:]]*=" "$f" && return 0
    done
    export "$var=$2"
}
