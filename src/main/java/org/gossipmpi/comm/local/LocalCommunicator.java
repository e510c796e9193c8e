package org.gossipmpi.comm.local;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.concurrent.locks.LockSupport;

import org.gossipmpi.comm.AbstractCommunicator;
import org.gossipmpi.comm.CommException;
import org.gossipmpi.comm.Request;

/**
 * One rank of a {@link LocalWorld}: ranks are threads of one JVM. A message is copied once, straight
 * from the sender's buffer into the receiver's, by whichever of the two posts second; nothing is buffered
 * in between, so a send completes when its receive has been posted (like MPI's rendezvous protocol).
 * Posting and completing allocate nothing.
 */
public final class LocalCommunicator extends AbstractCommunicator {
    private final LocalWorld world;

    LocalCommunicator(LocalWorld world, int rank, long defaultTimeoutNanos) {
        super(rank, world.size, defaultTimeoutNanos);
        this.world = world;
    }

    @Override
    public String backend() {
        return "local";
    }

    /** Always: a request belongs to the thread that posts it, which is the one a completion wakes. */
    @Override
    public boolean allowsHandover() {
        return true;
    }

    @Override
    public Request newRequest() {
        return new LocalRequest();
    }

    @Override
    public void iSend(ByteBuffer buf, int offset, int length, int dest, int tag, Request req) {
        checkPost(buf, offset, length, dest, tag, req);
        world.checkAlive(rank);
        final LocalRequest send = local(req);
        send.post(Request.Kind.SEND, rank, dest, tag, buf, offset, length);
        final Mailbox box = world.mailboxes[dest];
        final LocalRequest recv;
        synchronized (box) {
            recv = box.posted.take(rank, tag);
            if (recv == null) {
                box.unexpected.append(send);
                return;
            }
        }
        deliver(send, recv);
    }

    @Override
    public void iRecv(ByteBuffer buf, int offset, int capacity, int source, int tag, Request req) {
        checkPost(buf, offset, capacity, source, tag, req);
        world.checkAlive(rank);
        final LocalRequest recv = local(req);
        recv.post(Request.Kind.RECV, source, source, tag, buf, offset, capacity);
        final Mailbox box = world.mailboxes[rank];
        final LocalRequest send;
        synchronized (box) {
            send = box.unexpected.take(source, tag);
            if (send == null) {
                box.posted.append(recv);
                return;
            }
        }
        deliver(send, recv);
    }

    /** Copies a matched message; both requests are out of every queue, so no lock is needed. */
    private void deliver(LocalRequest send, LocalRequest recv) {
        final Thread sender = send.owner;
        final Thread receiver = recv.owner;
        if (send.length > recv.length) {
            recv.error = "rank " + send.peer() + ": message of " + send.length + " bytes from rank " + send.source
                + " (tag " + send.tag() + ") is larger than the receive buffer of " + recv.length + " bytes";
            recv.complete(0);
        } else {
            if (send.length > 0) {
                recv.buffer.put(recv.offset, send.buffer, send.offset, send.length);
            }
            recv.complete(send.length);
        }
        send.complete(-1);
        LockSupport.unpark(sender);
        LockSupport.unpark(receiver);
    }

    @Override
    protected boolean progress(Request req) {
        final LocalRequest r = local(req);
        if (r.state == LocalRequest.COMPLETE) {
            if (r.error != null) {
                final String error = r.error;
                r.error = null;
                throw new CommException(error);
            }
            return true;
        }
        world.checkAlive(rank);
        return false;
    }

    @Override
    protected void idle(int round, long remainingNanos) {
        // Completions unpark this thread; the bound only guards against a lost wake-up.
        LockSupport.parkNanos(this, Math.min(remainingNanos, 10_000_000L));
    }

    @Override
    public void cancel(Request req) {
        final LocalRequest r = local(req);
        if (r.kind() != Request.Kind.RECV || r.state != LocalRequest.PENDING) {
            return;
        }
        final Mailbox box = world.mailboxes[rank];
        synchronized (box) {
            if (box.posted.remove(r)) {
                r.buffer = null;
                r.state = LocalRequest.IDLE;
            }
        }
    }

    @Override
    public void allreduceSum(FloatBuffer buf, int count) {
        checkAllreduce(buf, count);
        world.allreduceSum(rank, buf, count, defaultTimeoutNanos);
    }

    @Override
    public void barrier() {
        world.barrier(rank, defaultTimeoutNanos);
    }

    @Override
    public void abort(int code, String reason) {
        final String why = "rank " + rank + " aborted the job (code " + code + "): " + reason;
        world.abort(why);
        throw new CommException(why);
    }

    @Override
    public void close() {
        // Nothing to release: the world's state is garbage once every rank has returned.
    }

    private LocalRequest local(Request req) {
        if (!(req instanceof LocalRequest)) {
            throw new IllegalArgumentException("rank " + rank + ": request of another backend: " + req);
        }
        return (LocalRequest) req;
    }
}
