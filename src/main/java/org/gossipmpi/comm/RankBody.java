package org.gossipmpi.comm;

/** The program one rank runs (SPMD): every rank runs the same body with its own communicator. */
@FunctionalInterface
public interface RankBody {
    void run(Communicator comm) throws Exception;
}
