package org.gossipmpi.testing;

import org.gossipmpi.comm.RankBody;

/** A set of ranks a contract test runs its SPMD body on: in-process threads, or this MPI job. */
public interface World {
    int size();

    /** Runs {@code body} on every rank; fails if it failed on any rank. */
    void run(RankBody body) throws Exception;
}
