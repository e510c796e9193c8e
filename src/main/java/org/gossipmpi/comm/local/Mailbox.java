package org.gossipmpi.comm.local;

/**
 * The messages addressed to one rank: receives it posted that found no message yet ({@link #posted}),
 * and sends to it that found no receive yet ({@link #unexpected}). Guarded by the mailbox's monitor.
 */
final class Mailbox {
    final RequestQueue posted = new RequestQueue();
    final RequestQueue unexpected = new RequestQueue();

    /**
     * An intrusive FIFO queue of requests, searched from the head, so the earliest match wins and
     * messages from one source with one tag keep their order.
     */
    static final class RequestQueue {
        private LocalRequest head;
        private LocalRequest tail;

        /** Removes and returns the earliest request of {@code (source, tag)}, or null. */
        LocalRequest take(int source, int tag) {
            LocalRequest prev = null;
            for (LocalRequest r = head; r != null; prev = r, r = r.next) {
                if (r.source == source && r.tag() == tag) {
                    unlink(prev, r);
                    return r;
                }
            }
            return null;
        }

        /** Removes {@code r}; returns whether it was queued. */
        boolean remove(LocalRequest r) {
            LocalRequest prev = null;
            for (LocalRequest q = head; q != null; prev = q, q = q.next) {
                if (q == r) {
                    unlink(prev, q);
                    return true;
                }
            }
            return false;
        }

        void append(LocalRequest r) {
            r.next = null;
            if (tail == null) {
                head = r;
            } else {
                tail.next = r;
            }
            tail = r;
        }

        private void unlink(LocalRequest prev, LocalRequest r) {
            if (prev == null) {
                head = r.next;
            } else {
                prev.next = r.next;
            }
            if (r == tail) {
                tail = prev;
            }
            r.next = null;
        }
    }
}
