# Sourced by the batch scripts: sets MPIRUN, the command that starts ${SLURM_NTASKS} ranks with the MPI that is
# loaded. Open MPI's mpirun (Java bindings or gossip-mpi's native backend) gets --oversubscribe when there are
# more tasks than cores and --allow-run-as-root as root; MPICH, Intel MPI and Cray MPICH start through their
# mpiexec (or set MPIRUN yourself, e.g. MPIRUN="srun --mpi=pmi2"). gossip-mpi picks its backend from the
# launcher's environment (--backend auto) and prints it.
mpi_launcher() {
    local n=${SLURM_NTASKS:-$1}
    if [ -n "${MPIRUN:-}" ]; then
        # shellcheck disable=SC2206
        MPIRUN=($MPIRUN)
    elif mpirun --version 2>/dev/null | grep -q "Open MPI"; then
        MPIRUN=(mpirun -np "$n")
        [ "$n" -le "$(nproc)" ] || MPIRUN+=(--oversubscribe)
        [ "$(id -u)" -ne 0 ] || MPIRUN+=(--allow-run-as-root)
        export OMPI_MCA_mpi_yield_when_idle=${OMPI_MCA_mpi_yield_when_idle:-1}
    else
        MPIRUN=(mpiexec -n "$n")
    fi
}
