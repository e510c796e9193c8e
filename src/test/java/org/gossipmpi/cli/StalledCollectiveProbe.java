package org.gossipmpi.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import picocli.CommandLine;

/**
 * A failure-mode probe for ctest (not a unit test): under {@code mpirun -np 4}, every rank but rank 2 enters an
 * all-reduce with a 2 s deadline, while rank 2 stays away for 30 s (as a rank stopped with kill -STOP would).
 * The job must end at the deadline, through {@code MPI_Abort}, with a message that names rank 2 as the rank
 * that did not reach the all-reduce.
 */
public final class StalledCollectiveProbe {
    private StalledCollectiveProbe() {
    }

    public static void main(String[] args) {
        final LaunchOptions options = new LaunchOptions();
        new CommandLine(options).parseArgs("--timeout", "2");
        options.run(comm -> {
            if (comm.rank() == 2) {
                Thread.sleep(30_000);
                return;
            }
            comm.allreduceSum(ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder()).asFloatBuffer(), 4);
        });
        System.exit(0);
    }
}
