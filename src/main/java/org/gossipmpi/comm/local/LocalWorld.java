package org.gossipmpi.comm.local;

import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.gossipmpi.comm.CommException;
import org.gossipmpi.comm.CommTimeoutException;
import org.gossipmpi.comm.RankBody;

/**
 * n ranks as threads of one JVM: the shared state behind their {@link LocalCommunicator}s (mailboxes,
 * barrier, allreduce scratch) and {@link #run}, which starts the ranks and makes sure none is left
 * hanging when another fails.
 */
public final class LocalWorld {
    final int size;
    final Mailbox[] mailboxes;
    final Thread[] threads;

    private volatile String abortReason;

    private final AtomicInteger arrived = new AtomicInteger();
    private volatile int generation;
    /** Per rank, the generation + 1 of the last barrier it entered: who is missing when one times out. */
    private final java.util.concurrent.atomic.AtomicIntegerArray entered;

    private final FloatBuffer[] contributions;
    private final int[] counts;
    private float[] sum = new float[0];

    private LocalWorld(int size) {
        this.size = size;
        this.mailboxes = new Mailbox[size];
        for (int i = 0; i < size; i++) {
            mailboxes[i] = new Mailbox();
        }
        this.threads = new Thread[size];
        this.entered = new java.util.concurrent.atomic.AtomicIntegerArray(size);
        this.contributions = new FloatBuffer[size];
        this.counts = new int[size];
    }

    /**
     * Runs {@code body} on {@code ranks} threads, each with its own communicator whose waits use
     * {@code timeoutNanos}, and returns when all have finished. When a rank fails, the others are woken
     * from their waits; the first rank's failure is rethrown (the others' are attached as suppressed).
     */
    public static void run(int ranks, long timeoutNanos, RankBody body) {
        if (ranks < 1) {
            throw new org.gossipmpi.config.SettingException("ranks", "{ranks} must be >= 1, got " + ranks);
        }
        final LocalWorld world = new LocalWorld(ranks);
        final Throwable[] failures = new Throwable[ranks];
        for (int r = 0; r < ranks; r++) {
            final int rank = r;
            world.threads[r] = new Thread(() -> {
                try (LocalCommunicator comm = new LocalCommunicator(world, rank, timeoutNanos)) {
                    body.run(comm);
                } catch (Throwable t) {
                    failures[rank] = t;
                    world.abort("rank " + rank + " failed: " + t);
                }
            }, "rank-" + r);
        }
        for (Thread t : world.threads) {
            t.start();
        }
        boolean interrupted = false;
        for (Thread t : world.threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    world.abort("the launching thread was interrupted");
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        rethrowRootCause(failures);
    }

    /**
     * A world of one rank whose communicator the calling thread uses directly (no thread is started): what a
     * program that runs as one process without MPI gets.
     */
    public static org.gossipmpi.comm.Communicator solo(long timeoutNanos) {
        final LocalWorld world = new LocalWorld(1);
        world.threads[0] = Thread.currentThread();
        return new LocalCommunicator(world, 0, timeoutNanos);
    }

    private static void rethrowRootCause(Throwable[] failures) {
        Throwable root = null;
        for (Throwable t : failures) {
            if (t != null && !(t instanceof LocalWorldAbortedException) && root == null) {
                root = t;
            }
        }
        for (Throwable t : failures) {
            if (root == null) {
                root = t;
            } else if (t != null && t != root) {
                root.addSuppressed(t);
            }
        }
        if (root instanceof RuntimeException) {
            throw (RuntimeException) root;
        }
        if (root instanceof Error) {
            throw (Error) root;
        }
        if (root != null) {
            throw new CommException(root.toString(), root);
        }
    }

    /** Stops the world: every rank's current or next wait throws. The first reason is kept. */
    void abort(String reason) {
        if (abortReason == null) {
            abortReason = reason;
        }
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
    }

    /** Throws if the world was aborted. */
    void checkAlive(int rank) {
        final String reason = abortReason;
        if (reason != null) {
            throw new LocalWorldAbortedException(rank, reason);
        }
    }

    /** A sense-counting barrier with a deadline; allocation-free. */
    void barrier(int rank, long timeoutNanos) {
        barrier(rank, timeoutNanos, -1);
    }

    /**
     * {@link #barrier(int, long)}, inside an allreduce of {@code allreduceCount} floats unless that is -1; past the
     * deadline it names the collective and the ranks that had not entered it.
     */
    private void barrier(int rank, long timeoutNanos, int allreduceCount) {
        checkAlive(rank);
        final int gen = generation;
        entered.set(rank, gen + 1);
        if (arrived.incrementAndGet() == size) {
            arrived.set(0);
            generation = gen + 1;
            for (Thread t : threads) {
                LockSupport.unpark(t);
            }
            return;
        }
        final long start = System.nanoTime();
        while (generation == gen) {
            checkAlive(rank);
            final long waited = System.nanoTime() - start;
            if (waited >= timeoutNanos) {
                throw new CommTimeoutException(rank, allreduceCount < 0 ? "barrier" : "allreduce of " + allreduceCount
                    + " floats", -1, -1, waited, timeoutNanos, missing(gen));
            }
            LockSupport.parkNanos(this, timeoutNanos - waited);
        }
    }

    /** "ranks 2, 5 did not reach it (the 2 other ranks did)" for the barrier of generation {@code gen}. */
    private String missing(int gen) {
        final StringBuilder list = new StringBuilder();
        int count = 0;
        for (int r = 0; r < size; r++) {
            if (entered.get(r) != gen + 1) {
                count++;
                if (count <= 16) {
                    list.append(list.length() == 0 ? "" : ", ").append(r);
                } else if (count == 17) {
                    list.append(", ...");
                }
            }
        }
        final int others = size - 1 - count;
        return count == 0 ? "every rank reached it" : (count == 1 ? "rank " : "ranks ") + list + " did not reach it"
            + " (stopped, died, or still working elsewhere; the " + others + " other rank" + (others == 1 ? "" : "s")
            + " did)";
    }

    /**
     * In-place sum over ranks, summed in rank order so that every rank gets the same bits. Rank r sums
     * the r-th chunk of every contribution into shared scratch, then every rank copies the whole sum.
     */
    void allreduceSum(int rank, FloatBuffer buf, int count, long timeoutNanos) {
        contributions[rank] = buf;
        counts[rank] = count;
        if (rank == 0 && sum.length < count) {
            sum = new float[count];
        }
        barrier(rank, timeoutNanos, count);
        for (int r = 0; r < size; r++) {
            if (counts[r] != counts[0]) {
                throw new CommException("rank " + rank + ": allreduce called with different counts: rank 0 has "
                    + counts[0] + " floats, rank " + r + " has " + counts[r]);
            }
        }
        final float[] s = sum;
        final int from = (int) ((long) count * rank / size);
        final int to = (int) ((long) count * (rank + 1) / size);
        for (int i = from; i < to; i++) {
            float acc = contributions[0].get(i);
            for (int r = 1; r < size; r++) {
                acc += contributions[r].get(i);
            }
            s[i] = acc;
        }
        barrier(rank, timeoutNanos);
        buf.put(0, s, 0, count);
        // Nobody may start the next allreduce (and overwrite the scratch) before all have copied.
        barrier(rank, timeoutNanos);
        contributions[rank] = null;
    }
}
