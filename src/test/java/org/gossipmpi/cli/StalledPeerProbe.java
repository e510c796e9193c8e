package org.gossipmpi.cli;

import java.nio.ByteBuffer;

import org.gossipmpi.comm.Request;

import picocli.CommandLine;

/**
 * A failure-mode probe for ctest (not a unit test): under {@code mpirun -np 4}, rank 0 waits for a message
 * that rank 1 never sends, with a 2 s deadline, while the other ranks stay silent for 30 s. The job must
 * end at rank 0's deadline, with its message, through {@code MPI_Abort} of every rank.
 */
public final class StalledPeerProbe {
    private StalledPeerProbe() {
    }

    public static void main(String[] args) {
        final LaunchOptions options = new LaunchOptions();
        new CommandLine(options).parseArgs("--timeout", "2");
        options.run(comm -> {
            if (comm.rank() == 0) {
                final Request[] req = {comm.newRequest()};
                comm.iRecv(ByteBuffer.allocateDirect(8), 0, 8, 1, 42, req[0]);
                comm.waitAll(req, 1);
            } else {
                Thread.sleep(30_000);
            }
        });
        System.exit(0);
    }
}
