package org.gossipmpi.cli;

import org.gossipmpi.comm.RankBody;
import org.gossipmpi.launch.Launch;
import org.gossipmpi.launch.Launcher;

import picocli.CommandLine.Option;

/** How ranks are started: the options every rank-running command shares ({@link Launch}). */
public final class LaunchOptions {
    @Option(names = "--ranks", paramLabel = "N",
        description = "Run N ranks as threads of this process (no MPI needed). Under mpirun the rank count"
            + " comes from -np instead.")
    Integer ranks;

    @Option(names = "--backend", paramLabel = "KIND", defaultValue = "auto", converter = BackendConverter.class,
        description = "auto (default): MPI when started by mpirun/mpiexec/srun (Open MPI's Java bindings under"
            + " Open MPI with mpi.jar, else the native backend), else in-process ranks; mpi (as auto, under a"
            + " launcher); openmpi-java; native (any MPI); local.")
    Launch.Backend backend = Launch.Backend.AUTO;

    /** picocli's converter for the backends' labels. */
    static final class BackendConverter implements picocli.CommandLine.ITypeConverter<Launch.Backend> {
        @Override
        public Launch.Backend convert(String value) {
            return Launch.Backend.parse(value);
        }
    }

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
        description = "Deadline of every wait for a neighbour or a collective (default: ${DEFAULT-VALUE} s);"
            + " past it the job stops with the rank, peer and tag it waited for.")
    double timeoutSeconds;

    /** The launch settings, checked. */
    Launch launch() {
        return new Launch(ranks, backend, Launch.timeoutNanos(timeoutSeconds));
    }

    /** Runs {@code body} on every rank ({@link Launcher#run}); failures name settings by their flags. */
    void run(RankBody body) {
        Launcher.run(launch(), body, Flags::of, System.err);
    }
}
