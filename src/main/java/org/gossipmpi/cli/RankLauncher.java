package org.gossipmpi.cli;

import java.util.Map;

import org.gossipmpi.comm.Communicator;
import org.gossipmpi.comm.RankBody;
import org.gossipmpi.comm.MpiWorlds;
import org.gossipmpi.comm.local.LocalWorld;

/**
 * Starts a rank program on the chosen backend, once, at the top of a command. Under MPI a failing rank
 * prints one line and aborts the whole job ({@code MPI_Abort}), so no other rank is left waiting; with
 * in-process ranks the other threads are woken and the first failure is reported.
 */
final class RankLauncher {
    private RankLauncher() {
    }

    /** Environment variables that MPI launchers (Open MPI's mpirun, PMIx, PMI-1/2, srun) set in every rank. */
    private static final String[] MPI_LAUNCH_VARIABLES = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"};

    /** How many processes the MPI launcher started (1 when unknown or not under one). */
    static int mpiWorldSize(Map<String, String> env) {
        for (String name : new String[] {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_NTASKS"}) {
            final String v = env.get(name);
            if (v != null && startedByMpiLauncher(env)) {
                try {
                    return Integer.parseInt(v.trim());
                } catch (NumberFormatException e) {
                    return 1;
                }
            }
        }
        return 1;
    }

    static boolean startedByMpiLauncher(Map<String, String> env) {
        for (String name : MPI_LAUNCH_VARIABLES) {
            if (env.containsKey(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The backend a command runs on ({@link LaunchOptions.Backend#LOCAL}, {@code OPENMPI_JAVA} or {@code NATIVE}),
     * after checking the options fit together.
     */
    static LaunchOptions.Backend resolve(LaunchOptions options, Map<String, String> env) {
        final boolean underMpi = startedByMpiLauncher(env);
        LaunchOptions.Backend backend = options.backend;
        if (backend == LaunchOptions.Backend.AUTO) {
            backend = underMpi && options.ranks == null ? LaunchOptions.Backend.MPI : LaunchOptions.Backend.LOCAL;
        }
        if (backend != LaunchOptions.Backend.LOCAL && options.ranks != null) {
            throw new IllegalArgumentException("--ranks is for in-process ranks; under MPI the rank count comes"
                + " from mpirun -np");
        }
        if (backend == LaunchOptions.Backend.MPI) {
            backend = MpiWorlds.auto(env).equals(MpiWorlds.OPENMPI_JAVA) ? LaunchOptions.Backend.OPENMPI_JAVA
                : LaunchOptions.Backend.NATIVE;
        }
        if (backend == LaunchOptions.Backend.OPENMPI_JAVA && underMpi && !env.containsKey("OMPI_COMM_WORLD_SIZE")) {
            throw new IllegalArgumentException("--backend openmpi-java: Open MPI's Java bindings need Open MPI's"
                + " mpirun, but this process was started by another MPI's launcher (" + launcherVariable(env)
                + " is set, OMPI_COMM_WORLD_SIZE is not): every process would be a 1-rank job of its own; use"
                + " --backend native (any MPI) or auto");
        }
        final int launched = mpiWorldSize(env);
        if (backend == LaunchOptions.Backend.LOCAL && launched > 1) {
            throw new IllegalArgumentException("started by an MPI launcher as one of " + launched + " processes, but "
                + (options.ranks != null ? "--ranks " + options.ranks : "--backend local")
                + " asks for in-process ranks: every process would run the same job and write the same files; drop "
                + (options.ranks != null ? "--ranks" : "--backend local") + " to run as " + launched
                + " MPI ranks, or start one process without mpirun");
        }
        if (options.ranks != null && options.ranks < 1) {
            throw new IllegalArgumentException("--ranks must be >= 1, got " + options.ranks);
        }
        return backend;
    }

    /** The first MPI launcher variable set in {@code env}, for messages. */
    private static String launcherVariable(Map<String, String> env) {
        for (String name : MPI_LAUNCH_VARIABLES) {
            if (env.containsKey(name)) {
                return name;
            }
        }
        return "none";
    }

    /** Runs {@code body} on every rank; returns the process exit code (0 when all ranks succeeded). */
    static int run(LaunchOptions options, RankBody body) {
        final long timeoutNanos = options.timeoutNanos();
        final Map<String, String> env = System.getenv();
        final LaunchOptions.Backend backend = resolve(options, env);
        if (backend != LaunchOptions.Backend.LOCAL) {
            if (!startedByMpiLauncher(env)) {
                System.err.println("gossip-mpi: --backend " + options.backend + " without an MPI launcher: a 1-rank MPI"
                    + " job; start it with mpirun -np N (or mpiexec, srun) for N ranks, or use --ranks N");
            }
            return runMpi(backend.toString(), timeoutNanos, mpiWorldSize(env), body);
        }
        LocalWorld.run(options.ranks == null ? 1 : options.ranks, timeoutNanos, body);
        return 0;
    }

    private static int runMpi(String backend, long timeoutNanos, int launched, RankBody body) {
        final Communicator comm = MpiWorlds.init(backend, System.getenv(), timeoutNanos);
        try {
            if (launched > 1 && comm.size() != launched) {
                throw new IllegalArgumentException("the MPI launcher started " + launched + " processes, but the MPI"
                    + " library this rank loaded (" + comm.backend() + ") sees a world of " + comm.size() + ": it is"
                    + " not the launcher's MPI, so every process would run a job of its own; start with the mpirun"
                    + " of the MPI gossip-mpi was built for, or point GOSSIP_MPI_NATIVE_LIB at a build for this one");
            }
            body.run(comm);
        } catch (Throwable t) {
            final String message = Main.describe(t);
            final String prefix = "rank " + comm.rank() + ": ";
            System.err.println("gossip-mpi: " + (message.startsWith(prefix) ? "" : prefix) + message);
            comm.abort(1, message);
        }
        comm.close();
        return 0;
    }
}
