package org.gossipmpi.comm;

/**
 * A caller-owned handle of one non-blocking send or receive. Create it once with
 * {@link Communicator#newRequest()}, hand it to {@link Communicator#iSend} or {@link Communicator#iRecv},
 * complete it with {@link Communicator#waitAll}, then reuse it for the next message: the hot path
 * allocates no request objects.
 */
public abstract class Request {
    /** What the request was last posted as. */
    public enum Kind { SEND, RECV }

    protected Kind kind = Kind.SEND;
    protected int peer = -1;
    protected int tag = -1;
    protected int receivedBytes = -1;

    /** Whether the operation has completed (data delivered or received). */
    public abstract boolean isComplete();

    /** Whether the request has been posted and not yet completed. */
    public abstract boolean isPending();

    public final Kind kind() {
        return kind;
    }

    /** The destination of a send or the source of a receive. */
    public final int peer() {
        return peer;
    }

    public final int tag() {
        return tag;
    }

    /**
     * The number of bytes a completed receive got (never more than the capacity it was posted with).
     *
     * @throws IllegalStateException if this is not a completed receive
     */
    public final int receivedBytes() {
        if (kind != Kind.RECV || !isComplete()) {
            throw new IllegalStateException("receivedBytes() of a " + kind + " request that is not a completed receive");
        }
        return receivedBytes;
    }

    /** Marks the request as posted; called by backends. */
    protected final void posted(Kind kind, int peer, int tag) {
        if (isPending()) {
            throw new IllegalStateException("request to rank " + this.peer + " (tag " + this.tag
                + ") is still pending: complete it with waitAll before reusing it");
        }
        this.kind = kind;
        this.peer = peer;
        this.tag = tag;
        this.receivedBytes = -1;
    }

    /** What a wait on this request is reported as: "send" or "receive". */
    protected final String verb() {
        return kind == Kind.SEND ? "send" : "receive";
    }
}
