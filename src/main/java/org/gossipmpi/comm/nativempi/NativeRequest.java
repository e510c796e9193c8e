package org.gossipmpi.comm.nativempi;

import org.gossipmpi.comm.Request;

/**
 * A request of the native backend: while posted, it holds a slot of the library's request table (taken when
 * posted, given back when complete or cancelled), so only the requests in flight use slots.
 */
final class NativeRequest extends Request {
    /** The slot while posted, else -1 (the collectives' request keeps slot 0). */
    int slot = -1;
    boolean posted;
    boolean complete;
    /**
     * The buffer MPI reads or writes while the request is pending: held here so that it cannot be collected
     * (and its memory freed) under MPI when the caller drops it, for example after a timed-out wait.
     */
    java.nio.Buffer buffer;

    @Override
    public boolean isComplete() {
        return complete;
    }

    @Override
    public boolean isPending() {
        return posted && !complete;
    }

    void post(Kind kind, int peer, int tag, java.nio.Buffer buffer) {
        posted(kind, peer, tag);
        posted = true;
        complete = false;
        this.buffer = buffer;
    }

    void complete(int received) {
        receivedBytes = received;
        complete = true;
        buffer = null;
    }
}
