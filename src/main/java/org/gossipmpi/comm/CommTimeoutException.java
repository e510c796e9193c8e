package org.gossipmpi.comm;

/**
 * A wait passed its deadline. The message names the waiting rank, the peer and tag it waited for
 * (peer {@code -1} for collectives), and how long it waited, for example
 * {@code rank 2: receive from rank 3 (tag 17) not complete after 5003 ms (deadline 5000 ms)}.
 */
public final class CommTimeoutException extends CommException {
    private static final long serialVersionUID = 1L;

    private final int rank;
    private final String what;
    private final int peer;
    private final int tag;
    private final long waitedNanos;

    public CommTimeoutException(int rank, String what, int peer, int tag, long waitedNanos, long timeoutNanos) {
        this(rank, what, peer, tag, waitedNanos, timeoutNanos, "");
    }

    /**
     * @param detail what else is known, appended to the message after ": " (which ranks had not arrived at a
     *               collective); empty for nothing
     */
    public CommTimeoutException(int rank, String what, int peer, int tag, long waitedNanos, long timeoutNanos,
                                String detail) {
        super(describe(rank, what, peer, tag, waitedNanos, timeoutNanos) + (detail.isEmpty() ? "" : ": " + detail));
        this.rank = rank;
        this.what = what;
        this.peer = peer;
        this.tag = tag;
        this.waitedNanos = waitedNanos;
    }

    private static String describe(int rank, String what, int peer, int tag, long waitedNanos, long timeoutNanos) {
        final String from = peer >= 0 ? (" " + ("send".equals(what) ? "to" : "from") + " rank " + peer) : "";
        final String withTag = tag >= 0 ? " (tag " + tag + ")" : "";
        return "rank " + rank + ": " + what + from + withTag + " not complete after "
            + waitedNanos / 1_000_000 + " ms (deadline " + timeoutNanos / 1_000_000 + " ms)";
    }

    /** "rank R, in WHERE: " and what this timeout says after its own "rank R: ": the message placed in a context. */
    public String within(String where) {
        final String prefix = "rank " + rank + ": ";
        final String m = getMessage();
        return "rank " + rank + ", in " + where + ": " + (m.startsWith(prefix) ? m.substring(prefix.length()) : m);
    }

    /** The rank that waited. */
    public int rank() {
        return rank;
    }

    /** What it waited for: "send", "receive", or a collective's description. */
    public String what() {
        return what;
    }

    /** The peer it waited for, or -1 for a collective. */
    public int peer() {
        return peer;
    }

    /** The tag it waited for, or -1 for a collective. */
    public int tag() {
        return tag;
    }

    /** How long it waited, in nanoseconds. */
    public long waitedNanos() {
        return waitedNanos;
    }
}
