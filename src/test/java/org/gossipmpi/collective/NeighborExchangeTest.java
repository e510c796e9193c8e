package org.gossipmpi.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import org.gossipmpi.comm.CommException;
import org.gossipmpi.comm.mpi.MpiCommunicator;
import org.gossipmpi.comm.local.LocalWorld;
import org.gossipmpi.compress.Compressor;
import org.gossipmpi.compress.Compressors;
import org.gossipmpi.testing.World;
import org.gossipmpi.testing.Worlds;
import org.gossipmpi.topology.Topologies;
import org.gossipmpi.topology.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The peer-to-peer collective over every topology: in-process with 9 ranks under Surefire, and over the MPI
 * job under mpirun (ctest runs it with 4 and with 6 ranks).
 */
class NeighborExchangeTest {
    private static final String[] KINDS = {"ring", "torus", "exponential", "onepeer-exp", "complete", "edge-list"};
    private static final int D = 37;
    private static final long SEED = 11;

    static List<Arguments> worldsAndTopologies() {
        final List<Arguments> args = new ArrayList<>();
        for (World w : Worlds.of(9)) {
            for (String kind : KINDS) {
                args.add(Arguments.of(w, kind));
            }
        }
        return args;
    }

    /**
     * A connected random graph on n ranks as an edge-list file: a ring plus chords, the same on every rank
     * (each rank writes its own copy from the same seed).
     */
    static String edgeListSpec(int n) throws IOException {
        final StringBuilder sb = new StringBuilder("# ring plus random chords\n");
        for (int i = 0; i < n && n > 1; i++) {
            if (n > 2 || i == 0) {
                sb.append(i).append(' ').append((i + 1) % n).append('\n');
            }
        }
        final SplittableRandom random = new SplittableRandom(n);
        final java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int c = 0; c < n / 2; c++) {
            final int i = random.nextInt(n);
            final int j = random.nextInt(n);
            final int a = Math.min(i, j);
            final int b = Math.max(i, j);
            if (b - a > 1 && !(a == 0 && b == n - 1) && seen.add((long) a * n + b)) {
                sb.append(a).append(' ').append(b).append('\n');
            }
        }
        final Path file = Files.createTempFile("gossip-edges-", ".txt");
        file.toFile().deleteOnExit();
        Files.writeString(file, sb.toString());
        return "file:" + file;
    }

    static Topology topology(String kind, int n) throws IOException {
        return Topologies.parse(kind.equals("edge-list") ? edgeListSpec(n) : kind, n);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("worldsAndTopologies")
    void exactGossipDrivesEveryRankToTheMeanOfTheInitialValues(World world, String kind) throws Exception {
        world.run(c -> {
            final Topology topo = topology(kind, c.size());
            final float[] x = ConsensusCheck.gossip(c, topo, "none", D, 300, SEED);
            ConsensusCheck.assertAtMean(c, x, SEED, 1e-5, kind);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void fp16GossipComesCloseToTheMean(World world) throws Exception {
        world.run(c -> {
            final float[] x = ConsensusCheck.gossip(c, Topologies.parse("exponential", c.size()), "fp16", D, 200, SEED);
            // Rounding to half precision at every step: the consensus drifts by about 2^-11 of the values.
            ConsensusCheck.assertAtMean(c, x, SEED, 1e-2, "fp16");
        });
    }

    static List<World> worlds() {
        return Worlds.of(9);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void allreduceAverageGivesEveryRankTheMean(World world) throws Exception {
        world.run(c -> {
            final float[] x = ConsensusCheck.initial(c.rank(), D, SEED);
            new AllreduceAverage(c, D).average(x);
            ConsensusCheck.assertAtMean(c, x, SEED, 1e-6, "allreduce");
        });
    }

    /** The neighbours of a stalled rank wait for it a step before the others: their deadline passes first. */
    @Test
    void aStalledRankIsNamedByItsNeighboursWithTheStepItDidNotSend() {
        // A timing test of in-process ranks: not under mpirun, where every process would run it at once.
        org.junit.jupiter.api.Assumptions.assumeFalse(Worlds.underMpi());
        final java.util.concurrent.ConcurrentLinkedQueue<String> messages = new java.util.concurrent.ConcurrentLinkedQueue<>();
        final java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);
        assertThrows(Throwable.class, () -> LocalWorld.run(5, TimeUnit.MILLISECONDS.toNanos(600), c -> {
            final NeighborExchange ex = new NeighborExchange(c, Topologies.parse("ring", 5),
                Compressors.parse("none", SEED, c.rank()), D);
            final float[] x = new float[D];
            for (long t = 0; t < 10; t++) {
                if (c.rank() == 2 && t == 4) {
                    reported.await(); // stalls at step 4 until a neighbour has timed out
                    return;
                }
                Thread.sleep(200); // a step's computation: ranks further from rank 2 start waiting a step later
                try {
                    ex.exchange(t, x, new float[D]);
                } catch (CommException e) {
                    messages.add(e.getMessage());
                    reported.countDown();
                    throw e;
                }
            }
        }));
        final String first = messages.peek();
        assertTrue(first != null && first.matches("rank [13]: rank 2 did not send its step-4 payload within 600 ms"
            + " \\(timeout\\) in the neighbour exchange of topology ring.*rank 2 stalled or died.*"), first);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void aPayloadFromAnotherCompressorStopsTheRunNamingBothRanksAndSettings(World world) throws Exception {
        world.run(c -> {
            // Rank 0 runs fp16, every other rank none (same dimension).
            final String mine = c.rank() == 0 ? "fp16" : "none";
            final NeighborExchange ex = new NeighborExchange(c, Topologies.parse("ring", c.size()),
                Compressors.parse(mine, SEED, c.rank()), D);
            final float[] x = new float[D];
            final int n = c.size();
            if (c.rank() != 0 && c.rank() != 1 && c.rank() != n - 1) {
                ex.exchange(0, x, new float[D]); // not a neighbour of rank 0: nothing wrong arrives
                return;
            }
            // Rank 0's neighbours get its fp16 payload; rank 0 gets longer fp32 payloads than it expects.
            final CommException e = assertThrows(CommException.class, () -> ex.exchange(0, x, new float[D]));
            if (c.rank() == 1) {
                assertEquals("rank 1 got from rank 0 at step 0 a payload with compressor fp16 (id 2), dimension " + D
                    + ", format version 2; rank 1 expects compressor none (id 1), dimension " + D
                    + ", format version 2: start every rank with the same settings", e.getMessage());
            }
            assertTrue(e.getMessage().contains("rank " + c.rank()), e.getMessage());
        });
    }

    /**
     * Payloads are added in the fixed order of the mixing step's neighbour list, whatever order they arrive in:
     * here rank 1's payload arrives well after rank 2's, and rank 0's sum has the bits of the in-order sum.
     */
    @Test
    void payloadsAreAddedInNeighbourOrderWhateverOrderTheyArriveIn() {
        final int d = 4096;
        final Topology topology = Topologies.parse("complete", 3);
        final float[][] v = new float[3][];
        for (int r = 0; r < 3; r++) {
            v[r] = ConsensusCheck.initial(r, d, SEED);
        }
        final float[] start = ConsensusCheck.initial(7, d, SEED);
        final float[] got = new float[d];
        LocalWorld.run(3, Worlds.TIMEOUT_NANOS, c -> {
            final NeighborExchange ex = new NeighborExchange(c, topology, Compressors.parse("none", SEED, c.rank()), d);
            final float[] target = start.clone();
            if (c.rank() == 1) {
                Thread.sleep(200); // rank 0 gets rank 2's payload first
            }
            ex.exchange(0, v[c.rank()], target);
            if (c.rank() == 0) {
                System.arraycopy(target, 0, got, 0, d);
            }
        });
        final int[] from = topology.step(0).recvFrom(0);
        final double[] w = topology.step(0).recvWeights(0);
        final float[] inOrder = start.clone();
        final float[] arrivalOrder = start.clone();
        for (int k = 0; k < from.length; k++) {
            add(inOrder, (float) w[k], v[from[k]]);
            add(arrivalOrder, (float) w[from.length - 1 - k], v[from[from.length - 1 - k]]);
        }
        assertTrue(!java.util.Arrays.equals(inOrder, arrivalOrder), "the two orders must differ for this test to fail");
        for (int i = 0; i < d; i++) {
            assertEquals(Float.floatToIntBits(inOrder[i]), Float.floatToIntBits(got[i]), "element " + i);
        }
    }

    private static void add(float[] target, float weight, float[] v) {
        final Compressor none = Compressors.parse("none", SEED, 0);
        final java.nio.ByteBuffer payload = none.newPayloadBuffer(v.length);
        final int length = none.encode(v, 0, v.length, payload, 0);
        none.decodeAdd(payload, length, weight, target);
    }

    @Test
    void aStalledNeighbourFailsTheExchangeNamingRankPeerStepAndTag() {
        final CommException e = assertThrows(CommException.class,
            () -> LocalWorld.run(2, TimeUnit.MILLISECONDS.toNanos(300), c -> {
                if (c.rank() == 0) {
                    final NeighborExchange ex = new NeighborExchange(c, Topologies.parse("ring", 2),
                        Compressors.parse("none", SEED, 0), D);
                    ex.exchange(5, new float[D], new float[D]);
                }
            }));
        assertTrue(e.getMessage().startsWith("rank 0: "), e.getMessage());
        assertTrue(e.getMessage().contains("rank 1 did not send its step-5 payload"), e.getMessage());
        assertTrue(e.getMessage().contains("in the neighbour exchange of topology ring (tag "
            + (NeighborExchange.TAG_BASE + 1) + ")"), e.getMessage());
    }

    /**
     * Past its first steps an exchange allocates nothing and, under MPI, makes no new MPI request: each of its
     * requests is a persistent one started again. The one allocation left under MPI is the bindings' own: a
     * {@code Status} object (under 128 bytes) for each completed receive, their only way to tell its length.
     */
    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("worldsAndSteadyTopologies")
    void steadyStateStepsAllocateNothingAndMakeNoNewRequests(World world, String kind) throws Exception {
        final int steps = 1000;
        final int n = world.size();
        final AtomicLongArray allocated = new AtomicLongArray(n);
        final AtomicLongArray received = new AtomicLongArray(n);
        final AtomicLongArray requestsMade = new AtomicLongArray(n);
        final java.util.concurrent.atomic.AtomicBoolean bindings = new java.util.concurrent.atomic.AtomicBoolean();
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        world.run(c -> {
            final Topology topology = Topologies.parse(kind, c.size());
            final NeighborExchange ex = new NeighborExchange(c, topology, Compressors.parse("fp16", SEED, c.rank()),
                1000);
            final float[] x = ConsensusCheck.initial(c.rank(), 1000, SEED);
            final float[] acc = new float[1000];
            final MpiCommunicator mpi = c instanceof MpiCommunicator m ? m : null;
            bindings.set(mpi != null);
            long before = 0;
            long made = 0;
            long in = 0;
            for (int t = -200; t < steps; t++) { // warm-up, so that the JIT has compiled the loop
                if (t == 0) {
                    made = mpi == null ? 0 : mpi.persistentRequestsMade();
                    before = threads.getCurrentThreadAllocatedBytes();
                }
                ex.exchange(t, x, acc);
                if (t >= 0) {
                    in += topology.step(t).recvFrom(c.rank()).length;
                }
            }
            allocated.set(c.rank(), threads.getCurrentThreadAllocatedBytes() - before);
            received.set(c.rank(), in);
            requestsMade.set(c.rank(), mpi == null ? 0 : mpi.persistentRequestsMade() - made);
        });
        for (int r = 0; r < n; r++) {
            // Open MPI's bindings allocate a Status per completed receive; the native backend and the
            // in-process ranks nothing.
            final long bound = 8 * 1024 + (bindings.get() ? 128 * received.get(r) : 0);
            assertTrue(allocated.get(r) < bound, "rank " + r + " allocated " + allocated.get(r) + " bytes in "
                + steps + " steps (" + received.get(r) + " messages received)");
            assertEquals(0, requestsMade.get(r), "rank " + r + " made new MPI requests in steady state");
        }
    }

    static List<Arguments> worldsAndSteadyTopologies() {
        final List<Arguments> args = new ArrayList<>();
        for (World w : Worlds.of(4)) {
            args.add(Arguments.of(w, "ring"));
            args.add(Arguments.of(w, "onepeer-exp"));
        }
        return args;
    }

    /**
     * A step is encode, start, finish of one t: misuse that would send a stale payload, overwrite a payload still
     * being sent, or add a step's payloads without its start is refused, each with its own message, and the
     * exchange stays usable.
     */
    @Test
    void misuseOfTheStepOrderIsRefused() {
        LocalWorld.run(2, TimeUnit.SECONDS.toNanos(30), c -> {
            final NeighborExchange ex = new NeighborExchange(c, Topologies.parse("ring", 2),
                Compressors.parse("none", SEED, c.rank()), D);
            final float[] x = new float[D];
            final float[] acc = new float[D];
            String m = assertThrows(IllegalStateException.class, () -> ex.start(0)).getMessage();
            assertTrue(m.contains("start of step 0, but nothing was encoded"), m);
            m = assertThrows(IllegalStateException.class, () -> ex.decodeOwn(1f, acc)).getMessage();
            assertTrue(m.contains("decodeOwn before encode"), m);
            ex.encode(0, x);
            m = assertThrows(IllegalStateException.class, () -> ex.start(1)).getMessage();
            assertTrue(m.contains("start of step 1, but the payload encoded is step 0's"), m);
            ex.start(0);
            m = assertThrows(IllegalStateException.class, () -> ex.encode(1, x)).getMessage();
            assertTrue(m.contains("encode of step 1 while step 0 is in flight"), m);
            m = assertThrows(IllegalStateException.class, () -> ex.start(0)).getMessage();
            assertTrue(m.contains("start of step 0 while step 0 is in flight"), m);
            m = assertThrows(IllegalStateException.class, () -> ex.finish(1, acc, 1f)).getMessage();
            assertTrue(m.contains("finish of step 1 without its start"), m);
            ex.finish(0, acc, 1f);
            // step 1 without its own encode would re-send step 0's payload
            m = assertThrows(IllegalStateException.class, () -> ex.start(1)).getMessage();
            assertTrue(m.contains("the payload encoded is step 0's: encode step 1 first"), m);
            ex.exchange(1, x, acc); // still usable
        });
    }
}
