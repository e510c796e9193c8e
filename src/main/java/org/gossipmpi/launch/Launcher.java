package org.gossipmpi.launch;

import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.gossipmpi.comm.Communicator;
import org.gossipmpi.comm.RankBody;
import org.gossipmpi.comm.local.LocalWorld;
import org.gossipmpi.config.SettingException;

/**
 * Starts a rank program on the chosen backend, once: what every command and the library's {@code GossipWorld}
 * run. Under MPI a failing rank prints one line and aborts the whole job ({@code MPI_Abort}), so no other rank is
 * left waiting; with in-process ranks the other threads are woken and the first failure is rethrown.
 */
public final class Launcher {
    private Launcher() {
    }

    /** Environment variables that MPI launchers (Open MPI's mpirun, PMIx, PMI-1/2, srun) set in every rank. */
    private static final String[] MPI_LAUNCH_VARIABLES = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"};

    /** How many processes the MPI launcher started (1 when unknown or not under one). */
    public static int mpiWorldSize(Map<String, String> env) {
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

    /** Whether this process was started by an MPI launcher. */
    public static boolean startedByMpiLauncher(Map<String, String> env) {
        for (String name : MPI_LAUNCH_VARIABLES) {
            if (env.containsKey(name)) {
                return true;
            }
        }
        return false;
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

    /**
     * The backend a program runs on ({@link Launch.Backend#LOCAL}, {@code OPENMPI_JAVA} or {@code NATIVE}),
     * after checking that the settings fit the way the process was started.
     *
     * @throws SettingException naming the setting that does not fit
     */
    public static Launch.Backend resolve(Launch launch, Map<String, String> env) {
        final boolean underMpi = startedByMpiLauncher(env);
        Launch.Backend backend = launch.backend();
        if (backend == Launch.Backend.AUTO) {
            backend = underMpi && launch.ranks() == null ? Launch.Backend.MPI : Launch.Backend.LOCAL;
        }
        if (backend != Launch.Backend.LOCAL && launch.ranks() != null) {
            throw new SettingException("ranks", "{ranks} is for in-process ranks; under MPI the rank count comes"
                + " from mpirun -np");
        }
        if (backend == Launch.Backend.MPI) {
            backend = MpiWorlds.auto(env).equals(MpiWorlds.OPENMPI_JAVA) ? Launch.Backend.OPENMPI_JAVA
                : Launch.Backend.NATIVE;
        }
        if (backend == Launch.Backend.OPENMPI_JAVA && underMpi && !env.containsKey("OMPI_COMM_WORLD_SIZE")) {
            throw new SettingException("backend", "{backend} openmpi-java: Open MPI's Java bindings need Open MPI's"
                + " mpirun, but this process was started by another MPI's launcher (" + launcherVariable(env)
                + " is set, OMPI_COMM_WORLD_SIZE is not): every process would be a 1-rank job of its own; use"
                + " {backend} native (any MPI) or auto");
        }
        final int launched = mpiWorldSize(env);
        if (backend == Launch.Backend.LOCAL && launched > 1) {
            final boolean byRanks = launch.ranks() != null;
            throw new SettingException(byRanks ? "ranks" : "backend", "started by an MPI launcher as one of "
                + launched + " processes, but " + (byRanks ? "{ranks} " + launch.ranks() : "{backend} local")
                + " asks for in-process ranks: every process would run the same job and write the same files; drop "
                + (byRanks ? "{ranks}" : "{backend} local") + " to run as " + launched + " MPI ranks, or start one"
                + " process without mpirun");
        }
        return backend;
    }

    /**
     * Runs {@code body} on every rank; returns when all ranks succeeded. Under MPI a failing rank prints
     * {@code "gossip-mpi: "} and its failure in one line ({@link Failures#describe}, prefixed with its rank) and
     * aborts the job; with in-process ranks the first failure is rethrown.
     *
     * @param names how settings are named in messages (the library's names, or a command line's flags)
     * @param notes where a line about how the ranks run goes (an MPI backend asked for without a launcher)
     */
    public static void run(Launch launch, RankBody body, UnaryOperator<String> names, java.io.PrintStream notes) {
        final Map<String, String> env = System.getenv();
        final Launch.Backend backend = resolve(launch, env);
        if (backend != Launch.Backend.LOCAL) {
            if (!startedByMpiLauncher(env)) {
                notes.println(SettingException.render("gossip-mpi: {backend} " + launch.backend() + " without an MPI"
                    + " launcher: a 1-rank MPI job; start it with mpirun -np N (or mpiexec, srun) for N ranks, or use"
                    + " {ranks} N", names));
            }
            runMpi(backend.label(), launch.timeoutNanos(), mpiWorldSize(env), body, t -> Failures.describe(t, names));
            return;
        }
        LocalWorld.run(launch.ranks() == null ? 1 : launch.ranks(), launch.timeoutNanos(), body);
    }

    private static void runMpi(String backend, long timeoutNanos, int launched, RankBody body,
                               Function<Throwable, String> describe) {
        final Communicator comm = MpiWorlds.init(backend, System.getenv(), timeoutNanos);
        try {
            checkWorldSize(comm, launched);
            body.run(comm);
        } catch (Throwable t) {
            final String message = describe.apply(t);
            final String prefix = "rank " + comm.rank() + ": ";
            System.err.println("gossip-mpi: " + (message.startsWith(prefix) ? "" : prefix) + message);
            comm.abort(1, message);
        }
        comm.close();
    }

    /**
     * Refuses an MPI library that sees another world than the launcher started: each process would run a job of
     * its own (the library of another MPI than the launcher's).
     */
    public static void checkWorldSize(Communicator comm, int launched) {
        if (launched > 1 && comm.size() != launched) {
            throw new IllegalArgumentException("the MPI launcher started " + launched + " processes, but the MPI"
                + " library this rank loaded (" + comm.backend() + ") sees a world of " + comm.size() + ": it is"
                + " not the launcher's MPI, so every process would run a job of its own; start with the mpirun"
                + " of the MPI gossip-mpi was built for, or point GOSSIP_MPI_NATIVE_LIB at a build for this one");
        }
    }
}
