package org.gossipmpi.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.gossipmpi.comm.Communicator;
import org.gossipmpi.comm.RankBody;
import org.gossipmpi.comm.local.LocalWorld;

/**
 * The worlds a contract test runs over. Under {@link SpmdTestLauncher} (that is, under mpirun) that is the
 * MPI job itself; otherwise in-process worlds of the given sizes.
 */
public final class Worlds {
    /** The deadline of every wait in a test world. */
    public static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private Worlds() {
    }

    /** The MPI world when running under mpirun, else in-process worlds with {@code localSizes} ranks. */
    public static List<World> of(int... localSizes) {
        final List<World> worlds = new ArrayList<>();
        final Communicator mpi = SpmdTestLauncher.communicator();
        if (mpi != null) {
            worlds.add(new MpiWorld(mpi));
            return worlds;
        }
        for (int n : localSizes) {
            worlds.add(new InProcess(n));
        }
        return worlds;
    }

    /** Whether tests run under mpirun (one rank per process). */
    public static boolean underMpi() {
        return SpmdTestLauncher.communicator() != null;
    }

    private record InProcess(int size) implements World {
        @Override
        public void run(RankBody body) {
            LocalWorld.run(size, TIMEOUT_NANOS, body);
        }

        @Override
        public String toString() {
            return "local n=" + size;
        }
    }

    /**
     * This process's rank of the MPI job. After the body, the ranks vote with an allreduce, so that a
     * failure on one rank fails the test on every rank (and all stay in step for the next test).
     */
    private record MpiWorld(Communicator comm) implements World {
        @Override
        public int size() {
            return comm.size();
        }

        @Override
        public void run(RankBody body) throws Exception {
            Throwable failure = null;
            try {
                body.run(comm);
            } catch (Throwable t) {
                failure = t;
            }
            final java.nio.FloatBuffer vote = java.nio.ByteBuffer.allocateDirect(4)
                .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
            vote.put(0, failure == null ? 0f : 1f);
            comm.allreduceSum(vote, 1);
            if (failure instanceof Exception) {
                throw (Exception) failure;
            }
            if (failure instanceof Error) {
                throw (Error) failure;
            }
            if (vote.get(0) > 0) {
                throw new AssertionError((int) vote.get(0) + " other rank(s) failed this test; see their output");
            }
        }

        @Override
        public String toString() {
            return "mpi n=" + comm.size();
        }
    }
}
