package org.gossipmpi.comm;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * The parts both backends share: argument checks and the deadline loop of {@link #waitAll}.
 * Backends say how to advance and test one request ({@link #progress}) and how to idle between polls.
 */
public abstract class AbstractCommunicator implements Communicator {
    protected final int rank;
    protected final int size;
    protected final long defaultTimeoutNanos;

    protected AbstractCommunicator(int rank, int size, long defaultTimeoutNanos) {
        if (size < 1 || rank < 0 || rank >= size) {
            throw new IllegalArgumentException("rank " + rank + " out of [0, " + size + ")");
        }
        if (defaultTimeoutNanos <= 0) {
            throw new IllegalArgumentException("timeout must be positive, got " + defaultTimeoutNanos + " ns");
        }
        this.rank = rank;
        this.size = size;
        this.defaultTimeoutNanos = defaultTimeoutNanos;
    }

    @Override
    public final int rank() {
        return rank;
    }

    @Override
    public final int size() {
        return size;
    }

    @Override
    public final long defaultTimeoutNanos() {
        return defaultTimeoutNanos;
    }

    /**
     * Advances {@code req} and returns whether it completed; throws {@link CommException} if it failed
     * (for example a truncated message).
     */
    protected abstract boolean progress(Request req);

    /** Called between polls while requests are pending; {@code round} counts the polls of this wait. */
    protected abstract void idle(int round, long remainingNanos);

    @Override
    public final boolean test(Request req) {
        return progress(req);
    }

    @Override
    public final void waitAll(Request[] requests, int from, int to, long timeoutNanos) {
        final long start = System.nanoTime();
        int round = 0;
        int first = from; // requests before it are known complete
        while (true) {
            while (first < to && progress(requests[first])) {
                first++;
            }
            boolean done = first == to;
            for (int i = first + 1; i < to && done; i++) {
                done = progress(requests[i]);
            }
            if (done) {
                return;
            }
            final long waited = System.nanoTime() - start;
            if (waited >= timeoutNanos) {
                final Request late = firstPending(requests, from, to);
                throw new CommTimeoutException(rank, late.verb(), late.peer(), late.tag(), waited, timeoutNanos);
            }
            idle(round++, timeoutNanos - waited);
        }
    }

    @Override
    public final int waitAny(Request[] requests, int from, int to, long timeoutNanos) {
        if (from >= to) {
            throw new IllegalArgumentException("rank " + rank + ": waitAny over no requests");
        }
        final long start = System.nanoTime();
        int round = 0;
        while (true) {
            for (int i = from; i < to; i++) {
                if (progress(requests[i])) {
                    return i;
                }
            }
            final long waited = System.nanoTime() - start;
            if (waited >= timeoutNanos) {
                throw new CommTimeoutException(rank, requests[from].verb() + " from any of " + peers(requests, from, to),
                    -1, requests[from].tag(), waited, timeoutNanos);
            }
            idle(round++, timeoutNanos - waited);
        }
    }

    /** "ranks 1, 3 (tag 7)"-style list of the peers of {@code requests[from, to)}. */
    private static String peers(Request[] requests, int from, int to) {
        final StringBuilder b = new StringBuilder(to - from == 1 ? "rank " : "ranks ");
        for (int i = from; i < to; i++) {
            b.append(i == from ? "" : ", ").append(requests[i].peer());
        }
        return b.toString();
    }

    /**
     * Fault injection for the tests: "RANK" makes that rank hang (sleep) where it would call MPI_Finalize, as an
     * MPI library stuck in its shutdown would.
     */
    public static final String HANG_IN_FINALIZE_HOOK = "GOSSIP_MPI_TEST_HANG_IN_FINALIZE";

    /**
     * Runs {@code finalize} (the backend's MPI_Finalize) under the default deadline: a rank whose MPI_Finalize
     * has not returned by then (a transport stuck in its shutdown, a peer that died in its own) says so on
     * standard error and leaves with exit status 1 rather than holding its node until the job's wall-clock
     * limit. A run of {@code train} has written all its outputs by then.
     */
    protected final void finalizeWithin(Runnable finalize) {
        final Thread guard = new Thread(() -> {
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(defaultTimeoutNanos);
            } catch (InterruptedException e) {
                return; // MPI_Finalize returned
            }
            System.err.println("gossip-mpi: rank " + rank + ": MPI_Finalize did not return within "
                + defaultTimeoutNanos / 1_000_000 + " ms (the deadline of every wait, --timeout): leaving without"
                + " it, with exit status 1; what was written before it is complete");
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }, "gossip-mpi-finalize-deadline");
        guard.setDaemon(true);
        guard.start();
        try {
            if (String.valueOf(rank).equals(System.getenv(HANG_IN_FINALIZE_HOOK))) {
                hang();
            }
            finalize.run();
        } finally {
            guard.interrupt();
        }
    }

    /** The fault injection of {@link #HANG_IN_FINALIZE_HOOK}: parks until the process ends. */
    private static void hang() {
        while (true) {
            LockSupport.park();
        }
    }

    private static final int SPIN_ROUNDS = 200;
    private static final int YIELD_ROUNDS = 2_000;
    private static final long SLEEP_NANOS = 20_000;

    /**
     * The idling of the MPI backends between polls: spin briefly, then yield, then sleep in short slices, which
     * keeps oversubscribed ranks (more ranks than cores) responsive.
     */
    protected static void backOff(int round, long remainingNanos) {
        if (round < SPIN_ROUNDS) {
            Thread.onSpinWait();
        } else if (round < YIELD_ROUNDS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(Math.min(SLEEP_NANOS, remainingNanos));
        }
    }

    /** Collectives this rank has entered, numbered from 1: what ranks compare when one of them times out. */
    private long collectivesEntered;

    /**
     * Tag of the messages by which ranks whose collective timed out tell each other which collective they wait
     * in ({@link #whoArrived}); below 32767, the least MPI_TAG_UB any MPI has.
     */
    public static final int TAG_WHO_ARRIVED = 32_000;

    /** The longest that a rank whose collective timed out listens for the others' reports. */
    private static final long MAX_GRACE_NANOS = 5_000_000_000L;

    /** Buffers of the last diagnosis, kept reachable while its sends may still be in flight. */
    private ByteBuffer[] diagnosis;

    /**
     * Polls a collective's request until it completes, or throws at the default deadline naming the collective
     * (an allreduce of {@code allreduceCount} floats, or a barrier when that is -1), its number on this rank,
     * and the ranks that had not reached it ({@link #whoArrived}). Allocates nothing unless it times out.
     */
    protected final void waitCollective(Request collective, int allreduceCount) {
        final long number = ++collectivesEntered;
        final long start = System.nanoTime();
        int round = 0;
        while (!progress(collective)) {
            final long waited = System.nanoTime() - start;
            if (waited >= defaultTimeoutNanos) {
                final String what = allreduceCount < 0 ? "barrier" : "allreduce of " + allreduceCount + " floats";
                throw new CommTimeoutException(rank, what + " (collective #" + number + " of this rank)", -1, -1,
                    waited, defaultTimeoutNanos, whoArrived(number));
            }
            idle(round++, defaultTimeoutNanos - waited);
        }
    }

    /**
     * After this rank's collective number {@code number} timed out: tells every other rank its number, and
     * listens for theirs for a grace period (a quarter of the deadline, at most 5 s). The ranks whose own wait
     * timed out too report within it; a rank that stopped, died, or is still computing elsewhere does not.
     * Returns which ranks had reached the collective and which had not, in words ("" with one rank). The
     * receives still pending are cancelled; the sends are left to complete (their buffers stay referenced).
     */
    private String whoArrived(long number) {
        if (size == 1) {
            return "";
        }
        final ByteBuffer mine = ByteBuffer.allocateDirect(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, number);
        final ByteBuffer theirs = ByteBuffer.allocateDirect(8 * size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        diagnosis = new ByteBuffer[] {mine, theirs};
        final Request[] recvs = new Request[size];
        final boolean[] heard = new boolean[size];
        try {
            for (int r = 0; r < size; r++) {
                if (r != rank) {
                    recvs[r] = newRequest();
                    iRecv(theirs, 8 * r, 8, r, TAG_WHO_ARRIVED, recvs[r]);
                }
            }
            for (int r = 0; r < size; r++) {
                if (r != rank) {
                    iSend(mine, 0, 8, r, TAG_WHO_ARRIVED, newRequest());
                }
            }
            final long grace = Math.min(MAX_GRACE_NANOS, defaultTimeoutNanos / 4);
            final long start = System.nanoTime();
            int pending = size - 1;
            for (int round = 0; pending > 0 && System.nanoTime() - start < grace; round++) {
                for (int r = 0; r < size; r++) {
                    if (r != rank && !heard[r] && progress(recvs[r])) {
                        heard[r] = true;
                        pending--;
                    }
                }
                idle(round, grace - (System.nanoTime() - start));
            }
            for (int r = 0; r < size; r++) {
                if (r != rank && !heard[r]) {
                    cancel(recvs[r]);
                }
            }
        } catch (CommException | IllegalStateException e) {
            return "which ranks reached it is not known (" + e.getMessage() + ")";
        }
        final StringBuilder missing = new StringBuilder();
        final StringBuilder elsewhere = new StringBuilder();
        int missed = 0;
        for (int r = 0; r < size; r++) {
            if (r == rank) {
                continue;
            }
            if (!heard[r]) {
                missed++;
                append(missing, missed, Integer.toString(r));
            } else if (theirs.getLong(8 * r) != number) {
                append(elsewhere, 1, "rank " + r + " waits in its collective #" + theirs.getLong(8 * r));
            }
        }
        if (missed == 0 && elsewhere.length() == 0) {
            return "every rank reached it and waits (the network or the MPI library stalled)";
        }
        final String notThere = missed == 0 ? "" : (missed == 1 ? "rank " : "ranks ") + missing + " did not reach it"
            + " (stopped, died, or still working elsewhere; the " + (size - 1 - missed) + " other rank"
            + (size - 1 - missed == 1 ? "" : "s") + " did)";
        return notThere + (elsewhere.length() == 0 ? "" : (notThere.isEmpty() ? "" : "; ") + elsewhere
            + " (the ranks called different collectives: a rank skipped or repeated one)");
    }

    /** Appends {@code item} to a list of at most 16 items, then "...". */
    private static void append(StringBuilder list, int count, String item) {
        if (count <= 16) {
            list.append(list.length() == 0 ? "" : ", ").append(item);
        } else if (count == 17) {
            list.append(", ...");
        }
    }

    private static Request firstPending(Request[] requests, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!requests[i].isComplete()) {
                return requests[i];
            }
        }
        return requests[from];
    }

    /** Checks a buffer range and a peer rank before posting. */
    protected final void checkPost(ByteBuffer buf, int offset, int length, int peer, int tag, Request req) {
        if (!buf.isDirect()) {
            throw new IllegalArgumentException("rank " + rank + ": buffers must be direct ByteBuffers");
        }
        if (offset < 0 || length < 0 || offset > buf.capacity() - length) {
            throw new IllegalArgumentException("rank " + rank + ": range [" + offset + ", " + offset + " + " + length
                + ") outside a buffer of " + buf.capacity() + " bytes");
        }
        if (peer < 0 || peer >= size) {
            throw new IllegalArgumentException("rank " + rank + ": peer rank " + peer + " out of [0, " + size + ")");
        }
        if (tag < 0) {
            throw new IllegalArgumentException("rank " + rank + ": tag must be >= 0, got " + tag);
        }
        if (req == null) {
            throw new IllegalArgumentException("rank " + rank + ": null request");
        }
    }

    /** Checks the arguments of {@link #allreduceSum}. */
    protected final void checkAllreduce(FloatBuffer buf, int count) {
        if (!buf.isDirect()) {
            throw new IllegalArgumentException("rank " + rank + ": allreduce needs a direct FloatBuffer");
        }
        if (count < 0 || count > buf.capacity()) {
            throw new IllegalArgumentException("rank " + rank + ": allreduce count " + count
                + " outside a buffer of " + buf.capacity() + " floats");
        }
    }
}
