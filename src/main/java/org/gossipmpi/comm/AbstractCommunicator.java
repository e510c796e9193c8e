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

    /** Polls a collective's request until it completes, or throws at the default deadline naming {@code what}. */
    protected final void waitCollective(Request collective, String what) {
        final long start = System.nanoTime();
        int round = 0;
        while (!progress(collective)) {
            final long waited = System.nanoTime() - start;
            if (waited >= defaultTimeoutNanos) {
                throw new CommTimeoutException(rank, what, -1, -1, waited, defaultTimeoutNanos);
            }
            idle(round++, defaultTimeoutNanos - waited);
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
