package org.gossipmpi.comm;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Short texts between ranks, for the agreements made once per run (settings, checkpoints): a length, then the
 * UTF-8 bytes, each a blocking point-to-point message on the caller's tags. Not for the hot path: every call
 * allocates its buffers.
 */
public final class Messages {
    private Messages() {
    }

    /** Sends {@code text} to {@code peer} (tags {@code tag} and {@code tag + 1}) and waits until it is out. */
    public static void send(Communicator comm, int peer, int tag, String text) {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer length = ByteBuffer.allocateDirect(8).putLong(0, bytes.length);
        final Request[] req = {comm.newRequest()};
        comm.iSend(length, 0, 8, peer, tag, req[0]);
        comm.waitAll(req, 1);
        if (bytes.length > 0) {
            final ByteBuffer body = ByteBuffer.allocateDirect(bytes.length).put(0, bytes);
            comm.iSend(body, 0, bytes.length, peer, tag + 1, req[0]);
            comm.waitAll(req, 1);
        }
    }

    /** The text {@code peer} sends with {@link #send} on the same tag. */
    public static String receive(Communicator comm, int peer, int tag) {
        final ByteBuffer length = ByteBuffer.allocateDirect(8);
        final Request[] req = {comm.newRequest()};
        comm.iRecv(length, 0, 8, peer, tag, req[0]);
        comm.waitAll(req, 1);
        final int n = (int) length.getLong(0);
        if (n == 0) {
            return "";
        }
        final ByteBuffer body = ByteBuffer.allocateDirect(n);
        comm.iRecv(body, 0, n, peer, tag + 1, req[0]);
        comm.waitAll(req, 1);
        final byte[] bytes = new byte[n];
        body.get(0, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Rank 0's {@code text} on every rank (the others' argument is ignored). */
    public static String broadcast(Communicator comm, int tag, String text) {
        if (comm.rank() != 0) {
            return receive(comm, 0, tag);
        }
        for (int r = 1; r < comm.size(); r++) {
            send(comm, r, tag, text);
        }
        return text;
    }

    /**
     * The first non-empty {@code problem} in rank order ("" when every rank passes ""), the same on every rank:
     * so that one rank's failure stops all of them with its message.
     */
    public static String firstProblem(Communicator comm, int tag, String problem) {
        String first = problem;
        if (comm.rank() == 0) {
            for (int r = 1; r < comm.size(); r++) {
                final String theirs = receive(comm, r, tag);
                if (first.isEmpty()) {
                    first = theirs;
                }
            }
        } else {
            send(comm, 0, tag, problem);
        }
        return broadcast(comm, tag, first);
    }
}
