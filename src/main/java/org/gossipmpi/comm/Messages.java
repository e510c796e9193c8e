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

    /** The largest piece {@link #exchange} moves in one message. */
    private static final int PIECE = 16 << 20;

    /**
     * Every rank sends {@code toEach[p]} to rank p and gets what p sent it: the result's entry p is rank p's bytes
     * for this rank (this rank's own entry is passed through). Pairs take turns in rounds (in round k a rank sends to
     * rank + k and receives from rank - k), each array travels as its length (tag {@code tag}) and then in pieces of
     * at most 16 MB (tag {@code tag + 1}), so the buffers stay small however much moves. Once per run: allocates.
     */
    public static byte[][] exchange(Communicator comm, int tag, byte[][] toEach) {
        final int n = comm.size();
        final int me = comm.rank();
        final byte[][] got = new byte[n][];
        got[me] = toEach[me];
        final Request[] req = {comm.newRequest(), comm.newRequest()};
        final ByteBuffer outLength = ByteBuffer.allocateDirect(8);
        final ByteBuffer inLength = ByteBuffer.allocateDirect(8);
        ByteBuffer out = null;
        ByteBuffer in = null;
        for (int k = 1; k < n; k++) {
            final int to = (me + k) % n;
            final int from = (me - k + n) % n;
            final byte[] send = toEach[to];
            outLength.putLong(0, send.length);
            comm.iRecv(inLength, 0, 8, from, tag, req[0]);
            comm.iSend(outLength, 0, 8, to, tag, req[1]);
            comm.waitAll(req, 2);
            final long length = inLength.getLong(0);
            final byte[] recv = new byte[(int) length];
            int sent = 0;
            int received = 0;
            while (sent < send.length || received < recv.length) {
                int count = 0;
                final int inPiece = Math.min(PIECE, recv.length - received);
                final int outPiece = Math.min(PIECE, send.length - sent);
                if (inPiece > 0) {
                    in = in != null && in.capacity() >= inPiece ? in : ByteBuffer.allocateDirect(Math.min(PIECE,
                        recv.length));
                    comm.iRecv(in, 0, inPiece, from, tag + 1, req[count++]);
                }
                if (outPiece > 0) {
                    out = out != null && out.capacity() >= outPiece ? out : ByteBuffer.allocateDirect(Math.min(PIECE,
                        send.length));
                    out.put(0, send, sent, outPiece);
                    comm.iSend(out, 0, outPiece, to, tag + 1, req[count++]);
                }
                comm.waitAll(req, count);
                if (inPiece > 0) {
                    in.get(0, recv, received, inPiece);
                }
                received += inPiece;
                sent += outPiece;
            }
            got[from] = recv;
        }
        return got;
    }
}
