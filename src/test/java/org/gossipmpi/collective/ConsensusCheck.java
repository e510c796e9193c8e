package org.gossipmpi.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

import org.gossipmpi.comm.Communicator;
import org.gossipmpi.topology.Topology;

/** Average consensus with exact exchange, x_i <- sum_j w_ij x_j, and the check that it reached the mean. */
public final class ConsensusCheck {
    private ConsensusCheck() {
    }

    /** A rank's initial vector: depends on the seed and the rank only. */
    public static float[] initial(int rank, int d, long seed) {
        final SplittableRandom random = new SplittableRandom(seed * 7919 + rank);
        final float[] x = new float[d];
        for (int i = 0; i < d; i++) {
            x[i] = (float) (random.nextDouble(-1, 1) * (1 + rank));
        }
        return x;
    }

    /** Runs {@code steps} gossip steps from {@link #initial} and returns this rank's x. */
    public static float[] gossip(Communicator comm, Topology topology, String compressor, int d, int steps, long seed) {
        final NeighborExchange exchange = new NeighborExchange(comm, topology,
            org.gossipmpi.compress.Compressors.parse(compressor, seed, comm.rank()), d);
        float[] x = initial(comm.rank(), d, seed);
        float[] next = new float[d];
        for (int t = 0; t < steps; t++) {
            final float self = (float) exchange.selfWeight(t);
            for (int i = 0; i < d; i++) {
                next[i] = self * x[i];
            }
            exchange.exchange(t, x, next);
            final float[] swap = x;
            x = next;
            next = swap;
        }
        return x;
    }

    /** The exact mean (in double) of every rank's initial vector, computed from the seed alone. */
    public static double[] mean(int n, int d, long seed) {
        final double[] mean = new double[d];
        for (int r = 0; r < n; r++) {
            final float[] x = initial(r, d, seed);
            for (int i = 0; i < d; i++) {
                mean[i] += x[i] / (double) n;
            }
        }
        return mean;
    }

    /**
     * Asserts that {@code x} is within {@code tolerance} (relative to the mean's largest entry) of the mean,
     * and that all ranks agree (their vectors summed by allreduce equal n x within the same tolerance).
     */
    public static void assertAtMean(Communicator comm, float[] x, long seed, double tolerance, String what) {
        final double[] mean = mean(comm.size(), x.length, seed);
        double scale = 0;
        for (double m : mean) {
            scale = Math.max(scale, Math.abs(m));
        }
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i] - mean[i]) > tolerance * scale) {
                throw new AssertionError(what + ": rank " + comm.rank() + " element " + i + " is " + x[i]
                    + ", the mean is " + mean[i]);
            }
        }
        final FloatBuffer sum = ByteBuffer.allocateDirect(4 * x.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
        sum.put(0, x, 0, x.length);
        comm.allreduceSum(sum, x.length);
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(sum.get(i) / comm.size() - x[i]) > 2 * tolerance * scale) {
                throw new AssertionError(what + ": ranks disagree at element " + i);
            }
        }
    }
}
