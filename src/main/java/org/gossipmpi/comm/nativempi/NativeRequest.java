package org.gossipmpi.comm.nativempi;

import org.gossipmpi.comm.Request;

/** A request of the native backend: a slot of the library's request table, fixed for the request's life. */
final class NativeRequest extends Request {
    final int slot;
    boolean posted;
    boolean complete;

    NativeRequest(int slot) {
        this.slot = slot;
    }

    @Override
    public boolean isComplete() {
        return complete;
    }

    @Override
    public boolean isPending() {
        return posted && !complete;
    }

    void post(Kind kind, int peer, int tag) {
        posted(kind, peer, tag);
        posted = true;
        complete = false;
    }

    void complete(int received) {
        receivedBytes = received;
        complete = true;
    }
}
