package org.gossipmpi.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.gossipmpi.comm.CommException;
import org.gossipmpi.comm.Communicator;
import org.gossipmpi.comm.local.LocalWorld;
import org.gossipmpi.testing.World;
import org.gossipmpi.testing.Worlds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ring all-reduce: in-process with 1, 2, 3, 5 and 8 ranks under Surefire, and over the MPI job under mpirun
 * (ctest, both backends, Open MPI and MPICH). Its sum is checked bit for bit against the order the ring adds in,
 * so a segment added twice, lost, or taken from the wrong chunk fails, as does a rank whose bits differ.
 */
class RingAllreduceTest {
    private static final long SEED = 5;

    static List<Arguments> worldsAndLengths() {
        final List<Arguments> args = new ArrayList<>();
        for (World w : Worlds.of(1, 2, 3, 5, 8)) {
            // shorter than the ranks (empty chunks), one segment a chunk, several segments a chunk of unequal length
            for (int d : new int[] {1, 3, 37, 2 * RingAllreduce.SEGMENT_FLOATS * w.size() + 2 * w.size() + 5}) {
                args.add(Arguments.of(w, d));
            }
        }
        return args;
    }

    /** Chunk c of the sum as the ring adds it: rank c's values, then each next rank's added in front. */
    static float[] ringOrderSum(int n, int d, long seed) {
        final float[][] x = new float[n][];
        for (int r = 0; r < n; r++) {
            x[r] = ConsensusCheck.initial(r, d, seed);
        }
        final float[] sum = new float[d];
        for (int c = 0; c < n; c++) {
            for (int i = (int) ((long) d * c / n); i < (int) ((long) d * (c + 1) / n); i++) {
                float acc = x[c][i];
                for (int m = 1; m < n; m++) {
                    acc = x[(c + m) % n][i] + acc;
                }
                sum[i] = acc;
            }
        }
        return sum;
    }

    static FloatBuffer load(ByteBuffer data, float[] x) {
        final FloatBuffer f = data.asFloatBuffer();
        f.put(0, x, 0, x.length);
        return f;
    }

    @ParameterizedTest(name = "{0}, d={1}")
    @MethodSource("worldsAndLengths")
    void everyRankGetsTheSumInTheRingsOrderBitForBit(World world, int d) throws Exception {
        final float[] expected = ringOrderSum(world.size(), d, SEED);
        world.run(c -> {
            final ByteBuffer data = ByteBuffer.allocateDirect(4 * d).order(ByteOrder.nativeOrder());
            final RingAllreduce ring = new RingAllreduce(c, data, d);
            if (d > 2 * RingAllreduce.SEGMENT_FLOATS * c.size()) {
                assertTrue(ring.segments() > 1, "a chunk of " + d / c.size() + " floats is cut into segments");
            }
            final FloatBuffer f = load(data, ConsensusCheck.initial(c.rank(), d, SEED));
            ring.sum();
            final float[] got = new float[d];
            f.get(0, got);
            assertArrayEquals(expected, got, "rank " + c.rank());
        });
    }

    /** Consecutive calls without a barrier between them: a fast rank's next sum does not mix into the last one. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void backToBackSumsStayApart(World world) throws Exception {
        final int d = 3 * RingAllreduce.SEGMENT_FLOATS * world.size() + 11;
        final float[][] expected = new float[3][];
        for (int k = 0; k < 3; k++) {
            expected[k] = ringOrderSum(world.size(), d, SEED + k);
        }
        world.run(c -> {
            final ByteBuffer data = ByteBuffer.allocateDirect(4 * d).order(ByteOrder.nativeOrder());
            final RingAllreduce ring = new RingAllreduce(c, data, d);
            final float[] got = new float[d];
            for (int k = 0; k < 3; k++) {
                if (c.rank() == 0 && k == 1) {
                    Thread.sleep(50); // the others run ahead into sum 1 while rank 0 is still on its way
                }
                final FloatBuffer f = load(data, ConsensusCheck.initial(c.rank(), d, SEED + k));
                ring.sum();
                f.get(0, got);
                assertArrayEquals(expected[k], got, "sum " + k + ", rank " + c.rank());
            }
        });
    }

    static List<World> worlds() {
        return Worlds.of(4, 7);
    }

    /** The average through the ring: every rank gets the mean, with the same bits as the others. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void allreduceAverageOverTheRingGivesEveryRankTheMean(World world) throws Exception {
        world.run(c -> {
            final int d = 1000;
            final float[] x = ConsensusCheck.initial(c.rank(), d, SEED);
            new AllreduceAverage(c, d, AllreduceAverage.Kind.RING).average(x);
            ConsensusCheck.assertAtMean(c, x, SEED, 1e-6, "ring allreduce");
            final float[] sum = ringOrderSum(c.size(), d, SEED);
            for (int i = 0; i < d; i++) {
                sum[i] *= 1f / c.size();
            }
            assertArrayEquals(sum, x);
        });
    }

    /** A rank with a longer vector stops the sum on every rank, with a message rather than a wrong sum. */
    @Test
    void ranksWithVectorsOfDifferentLengthsFailInsteadOfSummingGarbage() {
        final ConcurrentLinkedQueue<String> messages = new ConcurrentLinkedQueue<>();
        assertThrows(Throwable.class, () -> LocalWorld.run(3, TimeUnit.SECONDS.toNanos(2), c -> {
            final int d = c.rank() == 1 ? 40 : 37;
            final RingAllreduce ring = new RingAllreduce(c, ByteBuffer.allocateDirect(4 * d)
                .order(ByteOrder.nativeOrder()), d);
            try {
                ring.sum();
            } catch (CommException e) {
                messages.add(e.getMessage());
                throw e;
            }
        }));
        assertTrue(!messages.isEmpty(), "no rank reported the mismatch");
        for (String m : messages) {
            assertTrue(m.startsWith("rank "), m);
        }
    }

    @Test
    void refusesAHeapBufferAndACountBeyondTheBuffer() {
        final Communicator solo = LocalWorld.solo(Worlds.TIMEOUT_NANOS);
        assertThrows(IllegalArgumentException.class, () -> new RingAllreduce(solo, ByteBuffer.allocate(16), 4));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new RingAllreduce(solo, ByteBuffer.allocateDirect(16), 5));
        assertEquals("floats [0, 5) do not fit a buffer of 16 bytes", e.getMessage());
    }

    /** The ring order of {@link #ringOrderSum} within each bucket of an average with buckets, over the rank count. */
    static float[] bucketsRingOrderMean(int n, int d, int buckets, long seed) {
        final float[][] x = new float[n][];
        for (int r = 0; r < n; r++) {
            x[r] = ConsensusCheck.initial(r, d, seed);
        }
        final float[] mean = new float[d];
        for (int k = 0; k < buckets; k++) {
            final int start = (int) ((long) d * k / buckets);
            final int length = (int) ((long) d * (k + 1) / buckets) - start;
            for (int c = 0; c < n; c++) {
                for (int i = start + (int) ((long) length * c / n); i < start + (int) ((long) length * (c + 1) / n); i++) {
                    float acc = x[c][i];
                    for (int m = 1; m < n; m++) {
                        acc = x[(c + m) % n][i] + acc;
                    }
                    mean[i] = acc * (1f / n);
                }
            }
        }
        return mean;
    }

    /**
     * Buckets summed while the vector is written: every rank reports its parts in an order of its own, in pieces that
     * straddle buckets, moves the started rings along between them and leaves some floats unreported (started by
     * finish); twice in a row, a rank running ahead into the second sum. Each bucket is its ring's sum, bit for bit.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void bucketsSumWhileTheVectorIsReportedInPieces(World world) throws Exception {
        final int d = 2 * AllreduceAverage.BUCKET_FLOATS + 1001;
        world.run(c -> {
            final AllreduceAverage average = new AllreduceAverage(c, d, AllreduceAverage.Kind.RING, true);
            assertEquals(3, average.buckets());
            final float[] out = new float[d];
            for (int k = 0; k < 2; k++) {
                final float[] x = ConsensusCheck.initial(c.rank(), d, SEED + k);
                final java.util.SplittableRandom order = new java.util.SplittableRandom(100 * c.rank() + k);
                final int pieces = 40;
                final int[] piece = new int[pieces];
                for (int p = 0; p < pieces; p++) {
                    piece[p] = p;
                }
                for (int p = pieces - 1; p > 0; p--) {
                    final int q = order.nextInt(p + 1);
                    final int t = piece[p];
                    piece[p] = piece[q];
                    piece[q] = t;
                }
                for (int p = 0; p < pieces - 3; p++) { // the last three pieces of the shuffle left to finish
                    average.ready(x, (int) ((long) d * piece[p] / pieces), (int) ((long) d * (piece[p] + 1) / pieces));
                    average.advance();
                }
                if (c.rank() == 0 && k == 1) {
                    Thread.sleep(50);
                }
                average.finish(x, out);
                assertArrayEquals(bucketsRingOrderMean(c.size(), d, 3, SEED + k), out, "sum " + k + ", rank " + c.rank());
            }
        });
    }

    @Test
    void bucketsRefuseFloatsReportedTwiceAndRunOnTheRingAlone() {
        final Communicator solo = LocalWorld.solo(Worlds.TIMEOUT_NANOS);
        final AllreduceAverage average = new AllreduceAverage(solo, 10, AllreduceAverage.Kind.RING, true);
        final float[] x = new float[10];
        average.ready(x, 2, 5);
        final IllegalStateException twice = assertThrows(IllegalStateException.class, () -> average.ready(x, 4, 6));
        assertEquals("part [4, 6) holds floats already reported final in this sum", twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> average.ready(x, 8, 11));
        assertThrows(IllegalArgumentException.class,
            () -> new AllreduceAverage(solo, 10, AllreduceAverage.Kind.MPI, true));
        assertThrows(IllegalStateException.class,
            () -> new AllreduceAverage(solo, 10, AllreduceAverage.Kind.RING).ready(x, 0, 1));
    }
}
