package org.gossipmpi.comm.nativempi;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.gossipmpi.comm.CommException;

/**
 * The JNI functions of {@code libgossipmpi_native.so} (src/main/native/gossipmpi_native.c), a thin layer over
 * MPI's C API built for the MPI the user has. Requests are slots of a table the library allocates once.
 * Every MPI error is thrown as a {@link CommException} with MPI's error string.
 */
final class NativeMpi {
    /** The directory holding one build per MPI ({@code <dir>/openmpi/}, {@code <dir>/mpich/}); the launcher sets it. */
    static final String DIR_PROPERTY = "gossip.native.dir";
    /** A library to load instead (a site's own build, against its MPI); wins over the directory. */
    static final String LIB_PROPERTY = "gossip.native.lib";
    static final String LIB_NAME = "libgossipmpi_native.so";

    private static boolean loaded;

    private NativeMpi() {
    }

    /**
     * Loads the library built for the MPI that started this process: Open MPI's when its launcher's variables
     * are set, else MPICH's (hydra, and the MPICH derivatives), else whichever is built.
     */
    static synchronized void load(Map<String, String> env) {
        if (loaded) {
            return;
        }
        final Path lib = library(env);
        try {
            System.load(lib.toAbsolutePath().toString());
        } catch (UnsatisfiedLinkError e) {
            throw new CommException("cannot load the native MPI backend " + lib + ": " + e.getMessage()
                + " (rebuild it for this MPI: bin/setup, or cmake -S src/main/native with its mpicc)");
        }
        loaded = true;
    }

    /** The library file {@link #load} would load. */
    static Path library(Map<String, String> env) {
        final String given = System.getProperty(LIB_PROPERTY);
        if (given != null && !given.isEmpty()) {
            return Path.of(given);
        }
        final String dir = System.getProperty(DIR_PROPERTY);
        if (dir == null || dir.isEmpty()) {
            throw new CommException("the native MPI backend's location is not set: start gossip-mpi through"
                + " bin/gossip-mpi, or give -D" + LIB_PROPERTY + "=/path/to/" + LIB_NAME);
        }
        final String impl = env.containsKey("OMPI_COMM_WORLD_SIZE") ? "openmpi"
            : env.containsKey("PMI_RANK") || env.containsKey("PMI_SIZE") ? "mpich"
            : Files.exists(Path.of(dir, "openmpi", LIB_NAME)) ? "openmpi" : "mpich";
        final Path lib = Path.of(dir, impl, LIB_NAME);
        if (!Files.isReadable(lib)) {
            throw new CommException("the native MPI backend is not built for " + impl + ": " + lib + " is missing;"
                + " run bin/setup (it builds one per MPI installed; GOSSIP_MPI_IMPL=mpich for MPICH alone)");
        }
        return lib;
    }

    /**
     * MPI_Init_thread (serialized), errors returned, a table of {@code slots} requests; returns {rank, size, 1 when
     * the library provides MPI_THREAD_SERIALIZED or more, else 0}.
     */
    static native int[] init(int slots);

    /** MPI_Get_library_version, first line. */
    static native String libraryVersion();

    static native void isend(ByteBuffer buf, int offset, int length, int dest, int tag, int slot);

    static native void irecv(ByteBuffer buf, int offset, int capacity, int source, int tag, int slot);

    /** -1 while pending; once complete, the bytes received (0 for sends and collectives). */
    static native int test(int slot);

    static native void cancel(int slot);

    static native void iallreduceSum(FloatBuffer buf, int count, int slot);

    static native void ibarrier(int slot);

    static native void abort(int code);

    static native void finalize0();
}
