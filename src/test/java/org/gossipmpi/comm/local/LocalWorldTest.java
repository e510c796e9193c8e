package org.gossipmpi.comm.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import org.gossipmpi.comm.CommException;
import org.gossipmpi.comm.Request;
import org.junit.jupiter.api.Test;

/** What the in-process backend adds to the contract: no rank left hanging, checks, no allocation. */
class LocalWorldTest {
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    @Test
    void aFailingRankWakesTheOthersInsteadOfLeavingThemWaitingForTheirDeadline() {
        // The others wait for a message from rank 0 with a one-minute deadline; they must be woken at once.
        final IllegalStateException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
            assertThrows(IllegalStateException.class, () -> LocalWorld.run(4, MINUTE, c -> {
                if (c.rank() == 0) {
                    Thread.sleep(100);
                    throw new IllegalStateException("rank 0 broke");
                }
                final Request[] req = {c.newRequest()};
                c.iRecv(ByteBuffer.allocateDirect(8), 0, 8, 0, 1, req[0]);
                c.waitAll(req, 1);
            })));
        assertEquals("rank 0 broke", e.getMessage(), "the root cause is rethrown, not a woken rank's error");
        assertEquals(3, e.getSuppressed().length, "the woken ranks' errors are attached");
        assertTrue(e.getSuppressed()[0] instanceof LocalWorldAbortedException);
    }

    @Test
    void abortStopsEveryRank() {
        final CommException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
            assertThrows(CommException.class, () -> LocalWorld.run(3, MINUTE, c -> {
                if (c.rank() == 1) {
                    c.abort(3, "giving up");
                }
                c.barrier();
            })));
        assertTrue(e.getMessage().contains("rank 1 aborted the job (code 3): giving up"), e.getMessage());
    }

    @Test
    void anAllreduceThatARankNeverReachesNamesThatRank() {
        final long second = TimeUnit.SECONDS.toNanos(1);
        final CommException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
            assertThrows(CommException.class, () -> LocalWorld.run(4, second, c -> {
                if (c.rank() == 2) {
                    Thread.sleep(3000); // stopped (kill -STOP) or stuck elsewhere
                    return;
                }
                c.allreduceSum(ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder()).asFloatBuffer(), 4);
            })));
        assertTrue(e.getMessage().contains("allreduce of 4 floats not complete after"), e.getMessage());
        assertTrue(e.getMessage().contains("rank 2 did not reach it (stopped, died, or still working elsewhere; the 2"
            + " other ranks did)"), e.getMessage());
    }

    @Test
    void allreduceWithDifferentCountsOnDifferentRanksIsAnError() {
        final CommException e = assertThrows(CommException.class, () -> LocalWorld.run(3, MINUTE, c -> {
            final FloatBuffer buf = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder()).asFloatBuffer();
            c.allreduceSum(buf, c.rank() == 2 ? 5 : 4);
        }));
        assertTrue(e.getMessage().contains("different counts"), e.getMessage());
    }

    @Test
    void steadyStateRingExchangeAllocatesNothing() {
        final int rounds = 1000;
        final AtomicLongArray allocated = new AtomicLongArray(4);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        LocalWorld.run(4, MINUTE, c -> {
            final int right = (c.rank() + 1) % c.size();
            final int left = (c.rank() + c.size() - 1) % c.size();
            final ByteBuffer send = ByteBuffer.allocateDirect(4096);
            final ByteBuffer recvLeft = ByteBuffer.allocateDirect(4096);
            final ByteBuffer recvRight = ByteBuffer.allocateDirect(4096);
            final Request[] reqs = {c.newRequest(), c.newRequest(), c.newRequest(), c.newRequest()};
            long before = 0;
            for (int t = -100; t < rounds; t++) { // 100 warm-up rounds
                if (t == 0) {
                    before = threads.getCurrentThreadAllocatedBytes();
                }
                final int tag = t & 1;
                c.iRecv(recvLeft, 0, 4096, left, tag, reqs[0]);
                c.iRecv(recvRight, 0, 4096, right, 2 + tag, reqs[1]);
                c.iSend(send, 0, 4096, right, tag, reqs[2]);
                c.iSend(send, 0, 4096, left, 2 + tag, reqs[3]);
                c.waitAll(reqs, 4);
            }
            allocated.set(c.rank(), threads.getCurrentThreadAllocatedBytes() - before);
        });
        for (int r = 0; r < 4; r++) {
            // A little slack for the JIT's occasional bookkeeping; one object per round would be >= 16 KB.
            assertTrue(allocated.get(r) < 8 * 1024, "rank " + r + " allocated " + allocated.get(r) + " bytes in "
                + rounds + " rounds");
        }
    }
}
