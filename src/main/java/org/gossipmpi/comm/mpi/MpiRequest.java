package org.gossipmpi.comm.mpi;

import java.nio.ByteBuffer;

import org.gossipmpi.comm.Request;

/**
 * A request of the MPI backend. It keeps the persistent MPI request ({@code MPI_Send_init}/{@code MPI_Recv_init})
 * of the last operation it was posted as: posting it again with the same buffer, range, peer and tag only
 * starts that request ({@code MPI_Start}), so a caller that reuses its requests the same way every step (as the
 * neighbour exchange does) makes no new MPI request, and allocates nothing for it, after the first step.
 */
final class MpiRequest extends Request {
    /** The operation in flight; null when idle or complete. */
    mpi.Request handle;
    int capacity;
    boolean complete;
    /**
     * The buffer of a collective in flight, held so that it cannot be collected (and its memory freed) under MPI
     * when the caller drops it, for example after a timed-out wait. Point-to-point buffers are held by
     * {@link #persistentBuffer} for as long as the persistent request lives.
     */
    java.nio.Buffer collectiveBuffer;

    /** The persistent request kept for reuse, and what it was made for. */
    mpi.Prequest persistent;
    private Kind persistentKind;
    private ByteBuffer persistentBuffer;
    private int persistentOffset;
    private int persistentCount;
    private int persistentPeer;
    private int persistentTag;

    @Override
    public boolean isComplete() {
        return complete;
    }

    @Override
    public boolean isPending() {
        return handle != null && !complete;
    }

    /** Whether the kept persistent request was made for exactly this operation. */
    boolean persistentFits(Kind kind, ByteBuffer buf, int offset, int count, int peer, int tag) {
        return persistent != null && persistentKind == kind && persistentBuffer == buf && persistentOffset == offset
            && persistentCount == count && persistentPeer == peer && persistentTag == tag;
    }

    /** Keeps {@code p} as the persistent request of this operation (the caller freed the previous one). */
    void keep(mpi.Prequest p, Kind kind, ByteBuffer buf, int offset, int count, int peer, int tag) {
        persistent = p;
        persistentKind = kind;
        persistentBuffer = buf;
        persistentOffset = offset;
        persistentCount = count;
        persistentPeer = peer;
        persistentTag = tag;
    }

    /** Forgets the persistent request (after it was freed). */
    void forget() {
        persistent = null;
        persistentBuffer = null;
    }

    void post(Kind kind, int peer, int tag, int capacity, mpi.Request handle) {
        posted(kind, peer, tag);
        this.capacity = capacity;
        this.handle = handle;
        this.complete = false;
    }

    void complete(int received) {
        this.receivedBytes = received;
        this.complete = true;
        this.handle = null;
        this.collectiveBuffer = null;
    }
}
