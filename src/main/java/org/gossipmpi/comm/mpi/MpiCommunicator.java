package org.gossipmpi.comm.mpi;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

import mpi.Intracomm;
import mpi.MPI;
import mpi.MPIException;
import mpi.Status;

import org.gossipmpi.comm.AbstractCommunicator;
import org.gossipmpi.comm.CommException;
import org.gossipmpi.comm.Request;

/**
 * {@code MPI_COMM_WORLD} through Open MPI's Java bindings. The only class that imports {@code mpi.*}:
 * {@link MPIException} is wrapped in {@link CommException} with the rank and operation.
 *
 * <p>Waits poll {@code MPI_Test} (the bindings have no timed wait) so that every wait, the collectives'
 * too ({@code MPI_Ibarrier}, {@code MPI_Iallreduce}), has a deadline ({@link #backOff} between polls).
 *
 * <p>Point-to-point operations run as persistent requests ({@code MPI_Send_init}, {@code MPI_Recv_init},
 * {@code MPI_Start}) that each {@link MpiRequest} keeps for its last buffer, range, peer and tag: a caller that
 * posts the same operations every step (the neighbour exchange) reuses them, so a step makes no MPI request.
 * A receive's completion still costs the bindings one small {@code Status} object (they have no other way to
 * report the length received).
 *
 * <p>The bindings read a direct buffer from its base address, ignoring its position, so a range that
 * does not start at offset 0 is posted through a slice (made once, with the persistent request).
 */
public final class MpiCommunicator extends AbstractCommunicator {
    private final Intracomm world;
    private final MpiRequest collective = new MpiRequest();
    /** Every request handed out, so that close() frees the persistent MPI requests they keep. */
    private final java.util.List<MpiRequest> made = new java.util.ArrayList<>();
    private long persistentMade;
    private boolean closed;
    private final boolean serialized;

    private MpiCommunicator(Intracomm world, int rank, int size, long defaultTimeoutNanos, boolean serialized) {
        super(rank, size, defaultTimeoutNanos);
        this.world = world;
        this.serialized = serialized;
    }

    /**
     * Initialises MPI ({@code MPI_Init_thread}, serialized: one thread at a time calls MPI, see
     * {@link #allowsHandover()}) and returns {@code MPI_COMM_WORLD}, with errors returned as exceptions rather
     * than fatal.
     */
    public static MpiCommunicator initWorld(String[] args, long defaultTimeoutNanos) {
        try {
            final int provided = MPI.InitThread(args, MPI.THREAD_SERIALIZED);
            final Intracomm world = MPI.COMM_WORLD;
            world.setErrhandler(MPI.ERRORS_RETURN);
            return new MpiCommunicator(world, world.getRank(), world.getSize(), defaultTimeoutNanos,
                provided >= MPI.THREAD_SERIALIZED);
        } catch (MPIException e) {
            throw new CommException("MPI initialisation failed: " + e.getMessage());
        }
    }

    /** The Open MPI library version string ({@code MPI_Get_library_version}); valid before MPI_Init. */
    public static String libraryVersion() {
        return MPI.getLibVersion().trim();
    }

    /** Where the bindings' classes were loaded from (the mpi.jar in use). */
    public static String bindingsLocation() {
        final var source = MPI.class.getProtectionDomain().getCodeSource();
        return source == null ? "(unknown)" : source.getLocation().getPath();
    }

    /**
     * How many persistent MPI requests this communicator has made so far: constant once a caller that
     * reuses its requests the same way every step is past its first steps.
     */
    public long persistentRequestsMade() {
        return persistentMade;
    }

    @Override
    public boolean allowsHandover() {
        return serialized;
    }

    @Override
    public String backend() {
        return "openmpi-java (" + libraryVersion().split(",")[0] + ")";
    }

    @Override
    public Request newRequest() {
        final MpiRequest r = new MpiRequest();
        made.add(r);
        return r;
    }

    @Override
    public void iSend(ByteBuffer buf, int offset, int length, int dest, int tag, Request req) {
        checkPost(buf, offset, length, dest, tag, req);
        final MpiRequest r = mpi(req);
        try {
            r.post(Request.Kind.SEND, dest, tag, length, start(r, Request.Kind.SEND, buf, offset, length, dest, tag));
        } catch (MPIException e) {
            throw failure("iSend to rank " + dest + " (tag " + tag + ")", e);
        }
    }

    @Override
    public void iRecv(ByteBuffer buf, int offset, int capacity, int source, int tag, Request req) {
        checkPost(buf, offset, capacity, source, tag, req);
        final MpiRequest r = mpi(req);
        try {
            r.post(Request.Kind.RECV, source, tag, capacity,
                start(r, Request.Kind.RECV, buf, offset, capacity, source, tag));
        } catch (MPIException e) {
            throw failure("iRecv from rank " + source + " (tag " + tag + ")", e);
        }
    }

    /**
     * Starts the persistent request that {@code r} keeps for this operation, making it (and freeing the one
     * kept before) when {@code r} was last used for another buffer, range, peer or tag.
     */
    private mpi.Request start(MpiRequest r, Request.Kind kind, ByteBuffer buf, int offset, int count, int peer,
                              int tag) throws MPIException {
        if (r.isPending()) {
            throw new IllegalStateException("rank " + rank + ": request to rank " + r.peer() + " (tag " + r.tag()
                + ") is still pending: complete it with waitAll before reusing it");
        }
        if (!r.persistentFits(kind, buf, offset, count, peer, tag)) {
            release(r);
            final ByteBuffer at = offset == 0 ? buf : buf.slice(offset, buf.capacity() - offset);
            final mpi.Prequest p = kind == Request.Kind.SEND
                ? world.sendInit(at, count, MPI.BYTE, peer, tag)
                : world.recvInit(at, count, MPI.BYTE, peer, tag);
            r.keep(p, kind, buf, offset, count, peer, tag);
            persistentMade++;
        }
        r.persistent.start();
        return r.persistent;
    }

    /** Frees the persistent request {@code r} keeps, if any. */
    private static void release(MpiRequest r) throws MPIException {
        if (r.persistent != null) {
            final mpi.Prequest p = r.persistent;
            r.forget();
            p.free();
        }
    }

    @Override
    protected boolean progress(Request req) {
        final MpiRequest r = mpi(req);
        if (r.complete) {
            return true;
        }
        if (r.handle == null) {
            throw new IllegalStateException("rank " + rank + ": waiting on a request that was never posted");
        }
        try {
            if (r.kind() == Request.Kind.SEND) {
                if (r.handle.test()) {
                    r.complete(-1);
                }
                return r.complete;
            }
            final Status status = r.handle.testStatus();
            if (status == null) {
                return false;
            }
            r.complete(status.getCount(MPI.BYTE));
            return true;
        } catch (MPIException e) {
            final String what = r.kind() == Request.Kind.SEND
                ? "send to rank " + r.peer() + " (tag " + r.tag() + ")"
                : "receive from rank " + r.peer() + " (tag " + r.tag() + ") into " + r.capacity + " bytes";
            // A message longer than the buffer is the one error a caller can cause here; say so.
            r.complete(0);
            // The next post makes a fresh request. The failed one is not freed: Open MPI 4.1's ob1 frees a
            // persistent receive that failed (MPI_ERR_TRUNCATE) a second time at MPI_Finalize, which crashes.
            r.forget();
            throw failure(what, e);
        }
    }

    @Override
    protected void idle(int round, long remainingNanos) {
        backOff(round, remainingNanos);
    }

    @Override
    public void cancel(Request req) {
        final MpiRequest r = mpi(req);
        if (r.complete || r.handle == null) {
            return;
        }
        try {
            r.handle.cancel();
            r.handle.waitFor(); // completes at once for a cancelled receive
            if (r.handle == r.persistent) {
                release(r);
            } else {
                r.handle.free();
            }
        } catch (MPIException e) {
            throw failure("cancel of " + r.kind() + " with rank " + r.peer() + " (tag " + r.tag() + ")", e);
        }
        r.handle = null;
    }

    @Override
    public void allreduceSum(FloatBuffer buf, int count) {
        checkAllreduce(buf, count);
        try {
            collective.post(Request.Kind.SEND, -1, -1, 0, world.iAllReduce(buf, count, MPI.FLOAT, MPI.SUM));
            collective.collectiveBuffer = buf;
        } catch (MPIException e) {
            throw failure("allreduce of " + count + " floats", e);
        }
        waitCollective(collective, count);
    }

    @Override
    public void barrier() {
        try {
            collective.post(Request.Kind.SEND, -1, -1, 0, world.iBarrier());
        } catch (MPIException e) {
            throw failure("barrier", e);
        }
        waitCollective(collective, -1);
    }


    @Override
    public void abort(int code, String reason) {
        System.err.println("gossip-mpi: rank " + rank + ": aborting the MPI job");
        System.err.flush();
        try {
            world.abort(code);
        } catch (MPIException e) {
            // MPI_Abort failed: leave through the JVM, which mpirun sees as a failed rank.
            Runtime.getRuntime().halt(code == 0 ? 1 : code);
        }
        Runtime.getRuntime().halt(code == 0 ? 1 : code);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (MpiRequest r : made) {
            try {
                release(r);
            } catch (MPIException e) {
                // A request still in flight after a failure: MPI_Finalize cleans it up.
            }
        }
        made.clear();
        finalizeWithin(() -> {
            try {
                MPI.Finalize();
            } catch (MPIException e) {
                throw failure("MPI_Finalize", e);
            }
        });
    }

    private CommException failure(String what, MPIException e) {
        return new CommException("rank " + rank + ": " + what + " failed: " + e.getMessage());
    }

    private MpiRequest mpi(Request req) {
        if (!(req instanceof MpiRequest)) {
            throw new IllegalArgumentException("rank " + rank + ": request of another backend: " + req);
        }
        return (MpiRequest) req;
    }
}
