package org.gossipmpi.comm.mpi;

import org.gossipmpi.comm.Request;

/** A request of the MPI backend: wraps the binding's request of the operation in flight. */
final class MpiRequest extends Request {
    mpi.Request handle;
    int capacity;
    boolean complete;

    @Override
    public boolean isComplete() {
        return complete;
    }

    @Override
    public boolean isPending() {
        return handle != null && !complete;
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
    }
}
