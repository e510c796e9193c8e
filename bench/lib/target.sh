# Sourced by bench/time-to-target.sh and bench/peers/run.sh (after bin/lib/jobs.sh and bench/lib/summary.sh).
#
# allreduce_target DIR HOSTS STEPS ARGS...: the target loss L, all-reduce SGD's training loss after STEPS steps,
# from a run of HOSTS ranks under mpirun on this machine's shared memory (ARGS: train's other options), written
# into DIR; prints L. Under MPI and not in-process: MPI's all-reduce sums the ranks' vectors in its own order, the
# same on every host, so only an MPI run ends with the bits the emulated hosts' all-reduce runs end with. In-process
# ranks sum in rank order, a rounding apart: after one step of the MLP 4,116 of its 1,017,610 parameters differ, and
# an MPI run reached the in-process run's loss of step 200 only at step 225 (time-to-target at 0cab30b).
allreduce_target() {
    local dir=$1 hosts=$2 steps=$3
    shift 3
    rm -rf "$dir"
    mpirun_flags "$hosts"
    mpirun "${MPIRUN_FLAGS[@]}" -np "$hosts" bin/gossip-mpi train --algorithm allreduce "$@" --steps "$steps" \
        --out "$dir" >&2
    summary_field "$dir/allreduce/summary.json" final_train_loss
}
