package org.gossipmpi.algo;

import java.nio.ByteBuffer;

import org.gossipmpi.comm.Communicator;
import org.gossipmpi.comm.Request;

/**
 * Before step 0, every rank checks that it runs the same configuration: ranks send a 64-bit hash of their
 * resolved configuration to rank 0, which answers each with the first rank that differs (or -1). A job
 * started with different options on different ranks stops on every rank with one message.
 */
final class ConfigAgreement {
    private static final int TAG_HASH = 950;
    private static final int TAG_VERDICT = 951;

    private ConfigAgreement() {
    }

    static long hash(String description) {
        long h = 1125899906842597L;
        for (int i = 0; i < description.length(); i++) {
            h = 31 * h + description.charAt(i);
        }
        return h;
    }

    /** @throws IllegalArgumentException on every rank when some rank's configuration differs from rank 0's */
    static void check(Communicator comm, String description) {
        final long mine = hash(description);
        final ByteBuffer buf = ByteBuffer.allocateDirect(8);
        final Request[] req = {comm.newRequest()};
        int differing = -1;
        if (comm.rank() == 0) {
            for (int r = 1; r < comm.size(); r++) {
                comm.iRecv(buf, 0, 8, r, TAG_HASH, req[0]);
                comm.waitAll(req, 1);
                if (buf.getLong(0) != mine && differing < 0) {
                    differing = r;
                }
            }
            buf.putLong(0, differing);
            for (int r = 1; r < comm.size(); r++) {
                comm.iSend(buf, 0, 8, r, TAG_VERDICT, req[0]);
                comm.waitAll(req, 1);
            }
        } else {
            buf.putLong(0, mine);
            comm.iSend(buf, 0, 8, 0, TAG_HASH, req[0]);
            comm.waitAll(req, 1);
            comm.iRecv(buf, 0, 8, 0, TAG_VERDICT, req[0]);
            comm.waitAll(req, 1);
            differing = (int) buf.getLong(0);
        }
        if (differing >= 0) {
            throw new IllegalArgumentException("rank " + differing + " was started with another configuration than rank 0"
                + " (rank " + comm.rank() + " sees: " + description + "): start every rank with the same options");
        }
    }
}
