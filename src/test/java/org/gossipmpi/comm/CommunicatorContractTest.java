package org.gossipmpi.comm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.gossipmpi.testing.World;
import org.gossipmpi.testing.Worlds;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The semantics every {@link Communicator} backend must have. Surefire runs it over in-process worlds of
 * 1, 2, 4 and 7 ranks; under mpirun ({@code SpmdTestLauncher}) the same tests run over the MPI job, with
 * every rank executing the same body and asserting on what it received.
 */
class CommunicatorContractTest {
    private static final int TAG_TO_RIGHT = 10;
    private static final int TAG_TO_LEFT = 11;

    static List<World> worlds() {
        return Worlds.of(1, 2, 4, 7);
    }

    static List<Arguments> worldsAndPayloads() {
        final List<Arguments> args = new ArrayList<>();
        for (World w : worlds()) {
            for (int bytes : new int[] {0, 1, 1 << 20, 64 << 20}) {
                args.add(Arguments.of(w, bytes));
            }
        }
        return args;
    }

    private static int right(Communicator c) {
        return (c.rank() + 1) % c.size();
    }

    private static int left(Communicator c) {
        return (c.rank() - 1 + c.size()) % c.size();
    }

    /** Fills {@code buf[0, len)} with bytes that depend only on {@code seed}. */
    private static void fill(ByteBuffer buf, int len, long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            buf.putLong(i, random.nextLong());
        }
        for (; i < len; i++) {
            buf.put(i, (byte) random.nextInt());
        }
    }

    /** Asserts {@code buf[0, len)} holds what {@link #fill} wrote for {@code seed}. */
    private static void assertFilled(ByteBuffer buf, int len, long seed, String what) {
        final ByteBuffer expected = ByteBuffer.allocateDirect(Math.max(len, 1));
        fill(expected, len, seed);
        assertEquals(0, expected.slice(0, len).compareTo(buf.slice(0, len)), what + ": payload differs");
    }

    private static long seed(int bytes, int rank) {
        return 1_000_003L * bytes + rank;
    }

    @ParameterizedTest(name = "{0}, {1} bytes")
    @MethodSource("worldsAndPayloads")
    void ringExchangeWithBothNeighboursDeliversRandomPayloads(World world, int bytes) throws Exception {
        world.run(c -> {
            final ByteBuffer send = ByteBuffer.allocateDirect(bytes);
            final ByteBuffer fromLeft = ByteBuffer.allocateDirect(bytes);
            final ByteBuffer fromRight = ByteBuffer.allocateDirect(bytes);
            fill(send, bytes, seed(bytes, c.rank()));
            final Request[] reqs = {c.newRequest(), c.newRequest(), c.newRequest(), c.newRequest()};
            // Encode once, send to both neighbours: the peer-to-peer collective's pattern.
            c.iRecv(fromLeft, 0, bytes, left(c), TAG_TO_RIGHT, reqs[0]);
            c.iRecv(fromRight, 0, bytes, right(c), TAG_TO_LEFT, reqs[1]);
            c.iSend(send, 0, bytes, right(c), TAG_TO_RIGHT, reqs[2]);
            c.iSend(send, 0, bytes, left(c), TAG_TO_LEFT, reqs[3]);
            c.waitAll(reqs, 4);
            assertEquals(bytes, reqs[0].receivedBytes(), "bytes from the left");
            assertEquals(bytes, reqs[1].receivedBytes(), "bytes from the right");
            assertFilled(fromLeft, bytes, seed(bytes, left(c)), "rank " + c.rank() + " from rank " + left(c));
            assertFilled(fromRight, bytes, seed(bytes, right(c)), "rank " + c.rank() + " from rank " + right(c));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void manyOutstandingRequestsAllCompleteWithTheirOwnPayload(World world) throws Exception {
        final int messages = 200;
        final int bytes = 256;
        world.run(c -> {
            final ByteBuffer sendBuf = ByteBuffer.allocateDirect(messages * bytes);
            final ByteBuffer recvBuf = ByteBuffer.allocateDirect(messages * bytes);
            final Request[] reqs = new Request[2 * messages];
            for (int i = 0; i < reqs.length; i++) {
                reqs[i] = c.newRequest();
            }
            // Receives posted in reverse tag order, sends in forward order: matching must go by tag.
            for (int m = messages - 1; m >= 0; m--) {
                c.iRecv(recvBuf, m * bytes, bytes, left(c), 1000 + m, reqs[m]);
            }
            for (int m = 0; m < messages; m++) {
                fill(sendBuf.slice(m * bytes, bytes), bytes, seed(m, c.rank()));
                c.iSend(sendBuf, m * bytes, bytes, right(c), 1000 + m, reqs[messages + m]);
            }
            c.waitAll(reqs, reqs.length);
            for (int m = 0; m < messages; m++) {
                assertEquals(bytes, reqs[m].receivedBytes());
                assertFilled(recvBuf.slice(m * bytes, bytes), bytes, seed(m, left(c)), "message with tag " + (1000 + m));
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void tagsKeepMessagesApartAndOneTagKeepsItsOrder(World world) throws Exception {
        world.run(c -> {
            final ByteBuffer out = ByteBuffer.allocateDirect(4 * 4);
            final ByteBuffer in = ByteBuffer.allocateDirect(4 * 4);
            final Request[] reqs = new Request[8];
            for (int i = 0; i < reqs.length; i++) {
                reqs[i] = c.newRequest();
            }
            final int me = c.rank();
            for (int i = 0; i < 4; i++) {
                out.putInt(4 * i, 100 * me + i);
            }
            // Posted: tag 8, then tag 7, then tag 9 twice. Sent: tag 7, tag 8, tag 9 (i=2), tag 9 (i=3).
            c.iRecv(in, 4, 4, left(c), 8, reqs[0]);
            c.iRecv(in, 0, 4, left(c), 7, reqs[1]);
            c.iRecv(in, 8, 4, left(c), 9, reqs[2]);
            c.iRecv(in, 12, 4, left(c), 9, reqs[3]);
            c.iSend(out, 0, 4, right(c), 7, reqs[4]);
            c.iSend(out, 4, 4, right(c), 8, reqs[5]);
            c.iSend(out, 8, 4, right(c), 9, reqs[6]);
            c.iSend(out, 12, 4, right(c), 9, reqs[7]);
            c.waitAll(reqs, 8);
            final int l = left(c);
            final int[] got = {in.getInt(0), in.getInt(4), in.getInt(8), in.getInt(12)};
            assertArrayEquals(new int[] {100 * l, 100 * l + 1, 100 * l + 2, 100 * l + 3}, got,
                "tag 7, tag 8, then the two tag-9 messages in the order sent");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void allreduceEqualsTheExactSumOnEveryRank(World world) throws Exception {
        world.run(c -> {
            for (int count : new int[] {0, 1, 1000, 1_000_003}) {
                final FloatBuffer buf = ByteBuffer.allocateDirect(4 * Math.max(count, 1))
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
                // Small integers: every partial sum is exact in float, so the result must equal the exact sum.
                for (int i = 0; i < count; i++) {
                    buf.put(i, (c.rank() + 1) * (i % 7 - 3) + i % 5);
                }
                c.allreduceSum(buf, count);
                final long n = c.size();
                for (int i = 0; i < count; i++) {
                    final float exact = (float) ((n * (n + 1) / 2) * (i % 7 - 3) + n * (i % 5));
                    if (buf.get(i) != exact) {
                        assertEquals(exact, buf.get(i), "element " + i + " of " + count + " on rank " + c.rank());
                    }
                }
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void barrierHoldsEveryRankUntilTheLastArrives(World world) throws Exception {
        final long lateMillis = 400;
        world.run(c -> {
            c.barrier();
            final long start = System.nanoTime();
            if (c.rank() == c.size() - 1) {
                Thread.sleep(lateMillis);
            }
            c.barrier();
            final long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            // Every rank left the first barrier at about the same time, so none can leave the second
            // before the late rank arrives (the margin absorbs scheduling of oversubscribed ranks).
            assertTrue(waitedMillis >= lateMillis / 2, "rank " + c.rank() + " left the barrier after "
                + waitedMillis + " ms, before the late rank arrived at " + lateMillis + " ms");
        });
    }

    /**
     * {@code test} says whether a request completed without waiting: false while the peer has not sent, true
     * once its message is in. The same requests, reposted with the same and then other lengths, keep delivering
     * each round's own bytes (the MPI backend restarts a persistent request, or makes a new one).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void testTellsCompletionWithoutWaitingAndReusedRequestsDeliverEachRound(World world) throws Exception {
        world.run(c -> {
            final ByteBuffer in = ByteBuffer.allocateDirect(4096);
            final ByteBuffer out = ByteBuffer.allocateDirect(4096);
            final Request[] reqs = {c.newRequest(), c.newRequest()};
            final int[] lengths = {4096, 4096, 4096, 1000, 1000, 4096};
            for (int round = 0; round < lengths.length; round++) {
                final long seed = 100L * round + left(c);
                c.iRecv(in, 0, 4096, left(c), 77, reqs[0]);
                if (round == 0) {
                    assertTrue(!c.test(reqs[0]), "rank " + c.rank() + ": a receive completed before its send");
                    c.barrier(); // nobody sends before every rank has tested its receive once
                }
                fill(out, lengths[round], 100L * round + c.rank());
                c.iSend(out, 0, lengths[round], right(c), 77, reqs[1]);
                final long deadline = System.nanoTime() + Worlds.TIMEOUT_NANOS;
                while (!c.test(reqs[0])) {
                    assertTrue(System.nanoTime() < deadline, "rank " + c.rank() + ": test never saw the receive complete");
                    Thread.onSpinWait();
                }
                assertEquals(lengths[round], reqs[0].receivedBytes());
                assertFilled(in, lengths[round], seed, "round " + round);
                c.waitAll(reqs, 2);
            }
        });
    }

    /**
     * waitAny returns the index of a completed request (the lowest when several are), in the order the peers send:
     * every rank receives from every other, which send one after the other, rank by rank, each waiting for a go from
     * the receiver; with nothing sent it fails at its deadline naming the ranks it waited on.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void waitAnyReturnsTheRequestThatCompletedAndTimesOutNamingThePeers(World world) throws Exception {
        world.run(c -> {
            final int n = c.size();
            final ByteBuffer in = ByteBuffer.allocateDirect(8 * n);
            final ByteBuffer out = ByteBuffer.allocateDirect(8);
            final Request[] recvs = new Request[Math.max(1, n - 1)];
            final Request[] send = {c.newRequest()};
            if (n > 1) {
                final int me = c.rank();
                for (int k = 0; k < n - 1; k++) {
                    recvs[k] = c.newRequest();
                    c.iRecv(in, 8 * k, 8, (me + 1 + k) % n, 91, recvs[k]);
                }
                c.barrier();
                // the others send to this rank in the order of k, from the highest k down
                for (int round = 0; round < n - 1; round++) {
                    for (int r = 0; r < n; r++) {
                        final int k = n - 2 - round; // the receiver's index of the sender this round
                        final int sender = (r + 1 + k) % n;
                        if (sender == me) {
                            out.putLong(0, 1000L * me + r);
                            c.iSend(out, 0, 8, r, 91, send[0]);
                            c.waitAll(send, 1);
                        }
                    }
                    final int got = c.waitAny(recvs, 0, n - 1 - round, Worlds.TIMEOUT_NANOS);
                    assertEquals(n - 2 - round, got, "rank " + me + " round " + round);
                    assertEquals(1000L * ((me + 1 + got) % n) + me, in.getLong(8 * got));
                    c.barrier();
                }
            }
            final Request[] silent = new Request[Math.max(1, Math.min(2, n - 1))];
            for (int k = 0; k < silent.length; k++) {
                silent[k] = c.newRequest();
                c.iRecv(in, 8 * k, 8, (c.rank() + 1 + k) % n, 92, silent[k]);
            }
            final CommTimeoutException e = assertThrows(CommTimeoutException.class,
                () -> c.waitAny(silent, 0, silent.length, TimeUnit.MILLISECONDS.toNanos(200)));
            final String peers = silent.length == 1 ? "rank " + (c.rank() + 1) % n
                : "ranks " + (c.rank() + 1) % n + ", " + (c.rank() + 2) % n;
            assertTrue(e.getMessage().startsWith("rank " + c.rank() + ": receive from any of " + peers + " (tag 92)"),
                e.getMessage());
            for (Request r : silent) {
                c.cancel(r);
            }
            c.barrier();
        });
    }

    /**
     * A second thread may use the communicator while the first waits for it (the handover MPI_THREAD_SERIALIZED
     * allows): a ring exchange made by a new thread of every rank delivers, and the first thread's barrier after
     * the join works. Every backend grants it here (Open MPI and MPICH provide serialized threads).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void anotherThreadMayTakeTheCommunicatorOverWhileTheFirstWaits(World world) throws Exception {
        world.run(c -> {
            assertTrue(c.allowsHandover(), c.backend() + " does not allow a handover");
            final ByteBuffer in = ByteBuffer.allocateDirect(1 << 16);
            final ByteBuffer out = ByteBuffer.allocateDirect(1 << 16);
            fill(out, 1 << 16, c.rank());
            final Throwable[] failure = new Throwable[1];
            final Thread other = new Thread(() -> {
                try {
                    final Request[] reqs = {c.newRequest(), c.newRequest()};
                    c.iRecv(in, 0, 1 << 16, left(c), 93, reqs[0]);
                    c.iSend(out, 0, 1 << 16, right(c), 93, reqs[1]);
                    c.waitAll(reqs, 2);
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            other.start();
            other.join();
            if (failure[0] != null) {
                throw new AssertionError("rank " + c.rank() + ": the second thread failed", failure[0]);
            }
            assertFilled(in, 1 << 16, left(c), "from the second thread");
            c.barrier();
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void missingPeerFailsAtTheDeadlineNamingRankPeerAndTag(World world) throws Exception {
        final long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(300);
        world.run(c -> {
            final ByteBuffer buf = ByteBuffer.allocateDirect(64);
            final Request[] req = {c.newRequest()};
            c.iRecv(buf, 0, 64, left(c), 4242, req[0]);
            final CommTimeoutException e = assertThrows(CommTimeoutException.class,
                () -> c.waitAll(req, 1, timeoutNanos));
            final String expected = "rank " + c.rank() + ": receive from rank " + left(c) + " (tag 4242) not complete after ";
            assertTrue(e.getMessage().startsWith(expected), "message: " + e.getMessage());
            assertTrue(e.getMessage().endsWith("ms (deadline 300 ms)"), "message: " + e.getMessage());
            assertEquals(left(c), e.peer());
            assertEquals(4242, e.tag());
            assertTrue(e.waitedNanos() >= timeoutNanos, "waited " + e.waitedNanos() + " ns");
            c.cancel(req[0]);
            c.barrier();
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void messageLongerThanTheReceiveBufferFailsWithoutWritingPastIt(World world) throws Exception {
        world.run(c -> {
            final ByteBuffer out = ByteBuffer.allocateDirect(100);
            final ByteBuffer in = ByteBuffer.allocateDirect(64);
            for (int i = 0; i < 64; i++) {
                in.put(i, (byte) 0x5A);
            }
            final Request[] reqs = {c.newRequest(), c.newRequest()};
            c.iRecv(in, 0, 16, left(c), 77, reqs[0]);
            c.iSend(out, 0, 100, right(c), 77, reqs[1]);
            final CommException e = assertThrows(CommException.class, () -> c.waitAll(reqs, 1));
            assertTrue(e.getMessage().contains("rank " + c.rank()), e.getMessage());
            c.waitAll(reqs, 2); // the send completes; the failed receive counts as done
            for (int i = 16; i < 64; i++) {
                assertEquals((byte) 0x5A, in.get(i), "byte " + i + " past the receive capacity was written");
            }
            c.barrier();
        });
    }

    /** What every backend refuses before posting: heap buffers, ranges outside the buffer, bad ranks and tags. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void heapBuffersBadRangesRanksAndTagsAreRefusedWithTheOffendingValue(World world) throws Exception {
        world.run(c -> {
            final String heap = assertThrows(IllegalArgumentException.class,
                () -> c.iSend(ByteBuffer.allocate(4), 0, 4, right(c), 1, c.newRequest())).getMessage();
            assertTrue(heap.contains("direct"), heap);
            final String heapRecv = assertThrows(IllegalArgumentException.class,
                () -> c.iRecv(ByteBuffer.allocate(4), 0, 4, left(c), 1, c.newRequest())).getMessage();
            assertTrue(heapRecv.contains("direct"), heapRecv);
            final String rank = assertThrows(IllegalArgumentException.class,
                () -> c.iSend(ByteBuffer.allocateDirect(4), 0, 4, c.size(), 1, c.newRequest())).getMessage();
            assertTrue(rank.contains("peer rank " + c.size() + " out of [0, " + c.size() + ")"), rank);
            final String negative = assertThrows(IllegalArgumentException.class,
                () -> c.iRecv(ByteBuffer.allocateDirect(4), 0, 4, -1, 1, c.newRequest())).getMessage();
            assertTrue(negative.contains("peer rank -1"), negative);
            final String range = assertThrows(IllegalArgumentException.class,
                () -> c.iRecv(ByteBuffer.allocateDirect(4), 2, 4, left(c), 1, c.newRequest())).getMessage();
            assertTrue(range.contains("outside a buffer of 4 bytes"), range);
            final String tag = assertThrows(IllegalArgumentException.class,
                () -> c.iSend(ByteBuffer.allocateDirect(4), 0, 4, right(c), -3, c.newRequest())).getMessage();
            assertTrue(tag.contains("tag must be >= 0"), tag);
            final String heapSum = assertThrows(IllegalArgumentException.class,
                () -> c.allreduceSum(FloatBuffer.allocate(4), 4)).getMessage();
            assertTrue(heapSum.contains("direct"), heapSum);
            final String count = assertThrows(IllegalArgumentException.class, () -> c.allreduceSum(
                ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder()).asFloatBuffer(), 5)).getMessage();
            assertTrue(count.contains("allreduce count 5 outside a buffer of 4 floats"), count);
            c.barrier();
        });
    }

    /** A request still pending cannot be posted again; after cancelling it, it can. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void reusingAPendingRequestIsRefused(World world) throws Exception {
        world.run(c -> {
            final ByteBuffer buf = ByteBuffer.allocateDirect(8);
            final Request req = c.newRequest();
            c.iRecv(buf, 0, 8, left(c), 5, req);
            final String m = assertThrows(IllegalStateException.class, () -> c.iRecv(buf, 0, 8, left(c), 6, req))
                .getMessage();
            assertTrue(m.contains("still pending"), m);
            c.cancel(req);
            c.barrier();
        });
    }

    /**
     * The buffer of a pending operation stays reachable while MPI may write it, even when the caller keeps no
     * reference to it (a caller that gave up after a timeout): a collected direct buffer frees its memory, and
     * a late message would then be written into freed memory.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void aPostedBufferStaysReachableUntilItsRequestCompletes(World world) throws Exception {
        world.run(c -> {
            final Request[] req = {c.newRequest()};
            final java.lang.ref.WeakReference<ByteBuffer> posted = postReceive(c, req[0]);
            for (int i = 0; i < 3 && posted.get() != null; i++) {
                System.gc();
            }
            assertTrue(posted.get() != null, "rank " + c.rank() + ": the buffer of a pending receive was collected");
            c.barrier();
            final ByteBuffer out = ByteBuffer.allocateDirect(64);
            fill(out, 64, seed(64, c.rank()));
            final Request[] send = {c.newRequest()};
            c.iSend(out, 0, 64, right(c), 4343, send[0]);
            c.waitAll(req, 1);
            c.waitAll(send, 1);
            final ByteBuffer in = posted.get();
            if (in != null) {
                assertFilled(in, 64, seed(64, left(c)), "the late message");
            }
            c.barrier();
        });
    }

    /** Posts a receive into a buffer that only the returned weak reference (and the backend) points to. */
    private static java.lang.ref.WeakReference<ByteBuffer> postReceive(Communicator c, Request req) {
        final ByteBuffer buf = ByteBuffer.allocateDirect(64);
        c.iRecv(buf, 0, 64, left(c), 4343, req);
        return new java.lang.ref.WeakReference<>(buf);
    }
}
