package org.gossipmpi.comm.nativempi;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Map;

import org.gossipmpi.comm.AbstractCommunicator;
import org.gossipmpi.comm.CommException;
import org.gossipmpi.comm.Request;

/**
 * {@code MPI_COMM_WORLD} through gossip-mpi's own C layer ({@link NativeMpi}), for any MPI: Open MPI (4 and 5),
 * MPICH and its derivatives. {@code MPI_Isend}/{@code MPI_Irecv} on byte ranges of direct buffers; requests are
 * slots of a native table, one per {@link Request} for its whole life, so a step allocates nothing on the Java
 * side. Waits poll {@code MPI_Test} with a deadline, the collectives' too ({@code MPI_Iallreduce},
 * {@code MPI_Ibarrier}).
 */
public final class NativeCommunicator extends AbstractCommunicator {
    /** Request slots: slot 0 is the collectives', the others are free until a request is posted. */
    static final int SLOTS = 1 << 16;

    private final NativeRequest collective = new NativeRequest();
    private final String library;
    private final int[] free = new int[SLOTS - 1];
    /** The request in each slot while it is pending: MPI holds its buffer, so the request must stay reachable. */
    private final NativeRequest[] inSlot = new NativeRequest[SLOTS];
    private int freeCount;
    private boolean closed;
    private final boolean serialized;

    private NativeCommunicator(int rank, int size, long defaultTimeoutNanos, String library, boolean serialized) {
        super(rank, size, defaultTimeoutNanos);
        this.library = library;
        this.serialized = serialized;
        collective.slot = 0;
        for (int slot = SLOTS - 1; slot >= 1; slot--) {
            free[freeCount++] = slot;
        }
    }

    /** Loads the library for the MPI that started this process, initialises MPI and returns the world. */
    public static NativeCommunicator initWorld(Map<String, String> env, long defaultTimeoutNanos) {
        NativeMpi.load(env);
        final int[] init = NativeMpi.init(SLOTS);
        return new NativeCommunicator(init[0], init[1], defaultTimeoutNanos,
            NativeMpi.libraryVersion().split(",")[0].trim().replaceAll("\\s+", " "), init[2] == 1);
    }

    /** The MPI library's version ({@code MPI_Get_library_version}, up to its first comma). */
    public String libraryVersion() {
        return library;
    }

    @Override
    public String backend() {
        return "native (" + library + ")";
    }

    @Override
    public boolean allowsHandover() {
        return serialized;
    }

    @Override
    public Request newRequest() {
        return new NativeRequest();
    }

    /** A free slot for a request being posted. */
    private int takeSlot(NativeRequest r) {
        if (freeCount == 0) {
            throw new IllegalStateException("rank " + rank + ": more than " + (SLOTS - 1) + " requests in flight;"
                + " complete some with waitAll first");
        }
        r.slot = free[--freeCount];
        inSlot[r.slot] = r;
        return r.slot;
    }

    /** Gives a completed or cancelled request's slot back. */
    private void releaseSlot(NativeRequest r) {
        if (r != collective && r.slot > 0) {
            inSlot[r.slot] = null;
            free[freeCount++] = r.slot;
            r.slot = -1;
        }
    }

    @Override
    public void iSend(ByteBuffer buf, int offset, int length, int dest, int tag, Request req) {
        checkPost(buf, offset, length, dest, tag, req);
        final NativeRequest r = idle(req);
        try {
            NativeMpi.isend(buf, offset, length, dest, tag, takeSlot(r));
        } catch (CommException e) {
            releaseSlot(r);
            throw failure("iSend to rank " + dest + " (tag " + tag + ")", e);
        }
        r.post(Request.Kind.SEND, dest, tag, buf);
    }

    @Override
    public void iRecv(ByteBuffer buf, int offset, int capacity, int source, int tag, Request req) {
        checkPost(buf, offset, capacity, source, tag, req);
        final NativeRequest r = idle(req);
        try {
            NativeMpi.irecv(buf, offset, capacity, source, tag, takeSlot(r));
        } catch (CommException e) {
            releaseSlot(r);
            throw failure("iRecv from rank " + source + " (tag " + tag + ") into " + capacity + " bytes", e);
        }
        r.post(Request.Kind.RECV, source, tag, buf);
    }

    @Override
    protected boolean progress(Request req) {
        final NativeRequest r = cast(req);
        if (r.complete) {
            return true;
        }
        if (!r.posted) {
            throw new IllegalStateException("rank " + rank + ": waiting on a request that was never posted");
        }
        final int n;
        try {
            n = NativeMpi.test(r.slot);
        } catch (CommException e) {
            r.complete(0);
            releaseSlot(r);
            throw failure(r.kind() == Request.Kind.SEND ? "send to rank " + r.peer() + " (tag " + r.tag() + ")"
                : "receive from rank " + r.peer() + " (tag " + r.tag() + ")", e);
        }
        if (n < 0) {
            return false;
        }
        r.complete(r.kind() == Request.Kind.RECV ? n : -1);
        releaseSlot(r);
        return true;
    }

    @Override
    protected void idle(int round, long remainingNanos) {
        backOff(round, remainingNanos);
    }

    @Override
    public void cancel(Request req) {
        final NativeRequest r = cast(req);
        if (r.complete || !r.posted) {
            return;
        }
        try {
            NativeMpi.cancel(r.slot);
        } catch (CommException e) {
            throw failure("cancel of " + r.kind() + " with rank " + r.peer() + " (tag " + r.tag() + ")", e);
        }
        r.posted = false;
        r.buffer = null;
        releaseSlot(r);
    }

    @Override
    public void allreduceSum(FloatBuffer buf, int count) {
        checkAllreduce(buf, count);
        try {
            NativeMpi.iallreduceSum(buf, count, collective.slot);
        } catch (CommException e) {
            throw failure("allreduce of " + count + " floats", e);
        }
        collective.post(Request.Kind.SEND, -1, -1, buf);
        waitCollective(collective, count);
    }

    @Override
    public void barrier() {
        try {
            NativeMpi.ibarrier(collective.slot);
        } catch (CommException e) {
            throw failure("barrier", e);
        }
        collective.post(Request.Kind.SEND, -1, -1, null);
        waitCollective(collective, -1);
    }

    @Override
    public void abort(int code, String reason) {
        System.err.println("gossip-mpi: rank " + rank + ": aborting the MPI job");
        System.err.flush();
        NativeMpi.abort(code == 0 ? 1 : code);
        Runtime.getRuntime().halt(code == 0 ? 1 : code); // MPI_Abort returned: leave as a failed rank
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        finalizeWithin(() -> {
            try {
                NativeMpi.finalize0();
            } catch (CommException e) {
                throw failure("MPI_Finalize", e);
            }
        });
    }

    private NativeRequest idle(Request req) {
        final NativeRequest r = cast(req);
        if (r.isPending()) {
            throw new IllegalStateException("rank " + rank + ": request to rank " + r.peer() + " (tag " + r.tag()
                + ") is still pending: complete it with waitAll before reusing it");
        }
        return r;
    }

    private CommException failure(String what, CommException e) {
        return new CommException("rank " + rank + ": " + what + ": " + e.getMessage());
    }

    private NativeRequest cast(Request req) {
        if (!(req instanceof NativeRequest)) {
            throw new IllegalArgumentException("rank " + rank + ": request of another backend: " + req);
        }
        return (NativeRequest) req;
    }
}
