package org.gossipmpi.comm.local;

import java.nio.ByteBuffer;

import org.gossipmpi.comm.Request;

/**
 * A request of the in-process backend. It doubles as the node of its mailbox's queue, so that posting
 * allocates nothing; a pending send keeps a reference to the sender's buffer and is copied straight into
 * the receiver's buffer when matched (one copy per message, none buffered).
 */
final class LocalRequest extends Request {
    static final int IDLE = 0;
    static final int PENDING = 1;
    static final int COMPLETE = 2;

    volatile int state = IDLE;
    Thread owner;
    /** The sending rank: for a send, the poster; for a receive, the source it expects. */
    int source;
    ByteBuffer buffer;
    int offset;
    /** Bytes to send, or the capacity of a receive. */
    int length;
    /** Set on a receive whose message did not fit. */
    String error;
    /** The next request in its mailbox queue. */
    LocalRequest next;

    void post(Kind kind, int source, int peer, int tag, ByteBuffer buffer, int offset, int length) {
        posted(kind, peer, tag);
        this.owner = Thread.currentThread();
        this.source = source;
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.error = null;
        this.next = null;
        this.state = PENDING;
    }

    void complete(int received) {
        this.receivedBytes = received;
        this.buffer = null;
        this.state = COMPLETE; // volatile write publishes the data copied before it
    }

    @Override
    public boolean isComplete() {
        return state == COMPLETE;
    }

    @Override
    public boolean isPending() {
        return state == PENDING;
    }
}
