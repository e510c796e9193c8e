package org.gossipmpi.cli;

import picocli.CommandLine.Option;

/** How ranks are started: the options every rank-running command shares. */
public final class LaunchOptions {
    /** Which transport carries the ranks' messages. */
    public enum Backend { auto, mpi, local }

    @Option(names = "--ranks", paramLabel = "N",
        description = "Run N ranks as threads of this process (no MPI needed). Under mpirun the rank count"
            + " comes from -np instead.")
    Integer ranks;

    @Option(names = "--backend", paramLabel = "KIND", defaultValue = "auto",
        description = "auto (default): MPI when started by mpirun/srun, else in-process ranks;"
            + " mpi; local. Valid: ${COMPLETION-CANDIDATES}.")
    Backend backend;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
        description = "Deadline of every wait for a neighbour or a collective (default: ${DEFAULT-VALUE} s);"
            + " past it the job stops with the rank, peer and tag it waited for.")
    double timeoutSeconds;

    long timeoutNanos() {
        if (!(timeoutSeconds > 0) || timeoutSeconds > 1e6) {
            throw new IllegalArgumentException("--timeout must be in (0, 1e6] seconds, got " + timeoutSeconds);
        }
        return (long) (timeoutSeconds * 1e9);
    }
}
