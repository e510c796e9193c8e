package org.gossipmpi.launch;

import java.util.Map;

import org.gossipmpi.comm.CommException;
import org.gossipmpi.comm.Communicator;
import org.gossipmpi.comm.mpi.MpiCommunicator;
import org.gossipmpi.comm.nativempi.NativeCommunicator;

/**
 * The two MPI backends and how {@code auto} picks between them: Open MPI's Java bindings when this process
 * was started by Open MPI's launcher and {@code mpi.jar} is on the class path, otherwise gossip-mpi's own
 * native layer (any MPI: MPICH's hydra, Open MPI 5 without bindings, Intel MPI, Cray MPICH).
 */
public final class MpiWorlds {
    /** The backend of Open MPI's Java bindings. */
    public static final String OPENMPI_JAVA = "openmpi-java";
    /** The backend of gossip-mpi's C layer. */
    public static final String NATIVE = "native";

    private MpiWorlds() {
    }

    /** Which MPI backend {@code auto} (or {@code mpi}) means for a process started with {@code env}. */
    public static String auto(Map<String, String> env) {
        return env.containsKey("OMPI_COMM_WORLD_SIZE") && openMpiBindingsPresent() ? OPENMPI_JAVA : NATIVE;
    }

    /** Whether Open MPI's mpi.jar is on the class path (its native half is checked when MPI starts). */
    public static boolean openMpiBindingsPresent() {
        return MpiWorlds.class.getClassLoader().getResource("mpi/MPI.class") != null;
    }

    /** Initialises MPI through {@code backend} ({@link #OPENMPI_JAVA} or {@link #NATIVE}) and returns the world. */
    public static Communicator init(String backend, Map<String, String> env, long timeoutNanos) {
        switch (backend) {
            case OPENMPI_JAVA:
                if (!openMpiBindingsPresent()) {
                    throw new org.gossipmpi.config.SettingException("backend", "{backend} openmpi-java: Open MPI's"
                        + " mpi.jar is not on the class path (run bin/setup, or set MPI_JAR); {backend} native works"
                        + " with any MPI");
                }
                return MpiCommunicator.initWorld(new String[0], timeoutNanos);
            case NATIVE:
                return NativeCommunicator.initWorld(env, timeoutNanos);
            default:
                throw new IllegalArgumentException("not an MPI backend: " + backend);
        }
    }
}
