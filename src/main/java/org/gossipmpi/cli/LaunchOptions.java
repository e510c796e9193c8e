package org.gossipmpi.cli;

import picocli.CommandLine.Option;

/** How ranks are started: the options every rank-running command shares. */
public final class LaunchOptions {
    /** Which transport carries the ranks' messages ({@code --backend}). */
    public enum Backend {
        /** MPI when started by an MPI launcher (the bindings under Open MPI with mpi.jar, else native), else local. */
        AUTO("auto"),
        /** MPI, with the backend auto picks. */
        MPI("mpi"),
        /** Open MPI's Java bindings. */
        OPENMPI_JAVA("openmpi-java"),
        /** gossip-mpi's C layer over any MPI. */
        NATIVE("native"),
        /** In-process ranks (threads). */
        LOCAL("local");

        private final String label;

        Backend(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }

        static Backend parse(String s) {
            for (Backend b : values()) {
                if (b.label.equals(s)) {
                    return b;
                }
            }
            throw new IllegalArgumentException("unknown --backend '" + s + "'; valid: auto, mpi, openmpi-java,"
                + " native, local");
        }
    }

    @Option(names = "--ranks", paramLabel = "N",
        description = "Run N ranks as threads of this process (no MPI needed). Under mpirun the rank count"
            + " comes from -np instead.")
    Integer ranks;

    @Option(names = "--backend", paramLabel = "KIND", defaultValue = "auto", converter = BackendConverter.class,
        description = "auto (default): MPI when started by mpirun/mpiexec/srun (Open MPI's Java bindings under"
            + " Open MPI with mpi.jar, else the native backend), else in-process ranks; mpi (as auto, under a"
            + " launcher); openmpi-java; native (any MPI); local.")
    Backend backend = Backend.AUTO;

    /** picocli's converter for {@link Backend}'s labels. */
    static final class BackendConverter implements picocli.CommandLine.ITypeConverter<Backend> {
        @Override
        public Backend convert(String value) {
            return Backend.parse(value);
        }
    }

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
