package org.gossipmpi.api;

/**
 * The program every rank runs (SPMD): the same code on every rank, each with its own {@link GossipWorld}, which
 * tells it its rank.
 */
@FunctionalInterface
public interface RankProgram {
    /**
     * Runs this rank's part.
     *
     * @param world this rank's view of the job; valid until the method returns
     * @throws Exception any failure, which stops every rank (under MPI the job is aborted with this rank's message)
     */
    void run(GossipWorld world) throws Exception;
}
