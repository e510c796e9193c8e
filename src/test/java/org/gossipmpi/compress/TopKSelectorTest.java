package org.gossipmpi.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class TopKSelectorTest {
    /**
     * The threshold estimated from a sample of 4,096 magnitudes leaves fewer than k candidates in a few calls in a
     * thousand (CHOCO top-1% on a 1M-parameter model: about once in 400 steps a rank). Those calls must select from
     * a lower threshold within the candidate buffers, not from every element: that fallback grew five buffers to d
     * (20 MB at d = 1M, seen as one step allocating it in a run's heap count) and quickselected over all of d.
     */
    @Test
    void aThresholdThatLeavesTooFewCandidatesIsLoweredWithinTheBuffers() {
        final int d = 1 << 20;
        final int k = d / 100;
        final float[] x = new float[d];
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < d; i++) {
            x[i] = (float) random.nextGaussian();
        }
        final int[] expected = exactTopK(x, k);
        final TopKSelector selector = new TopKSelector(CodecThreads.SINGLE, Quantizers.java());
        for (int key = 0; key < 1500; key++) {
            final int[] got = selector.select(x, 0, d, k, key);
            assertArrayEquals(expected, Arrays.copyOf(got, k), "key " + key);
            assertTrue(selector.candidateCapacity() <= 3 * k,
                "key " + key + ": the candidate buffers grew to " + selector.candidateCapacity() + " (k = " + k + ")");
        }
    }

    /**
     * A difference that is mostly exact zeros (a sparse model's untouched coordinates, or a step where few
     * changed): the sampled threshold is then 0 and every element would pass it. The candidates must be the
     * non-zero elements, within the buffers; with fewer non-zeros than k, the lowest-indexed zeros complete the k
     * (the ties rule), still without buffers of d.
     */
    @Test
    void mostlyZerosSelectAmongTheNonZerosWithinTheBuffers() {
        final int d = 1 << 20;
        final int k = d / 100;
        final SplittableRandom random = new SplittableRandom(11);
        for (double nonZero : new double[] {0.014, 0.005, 0.0}) {
            final float[] x = new float[d];
            for (int i = 0; i < d; i++) {
                if (random.nextDouble() < nonZero) {
                    x[i] = (float) random.nextGaussian();
                }
            }
            final float[] y = new float[d];
            for (int i = 0; i < d; i += 3) { // x - y: the same zeros, y's shift cancelling
                y[i] = x[i] == 0 ? 0 : 0.5f;
                x[i] += y[i];
            }
            final float[] diff = new float[d];
            for (int i = 0; i < d; i++) {
                diff[i] = x[i] - y[i];
            }
            final int[] expected = exactTopK(diff, k);
            final TopKSelector selector = new TopKSelector(CodecThreads.SINGLE, Quantizers.java());
            for (int key = 0; key < 20; key++) {
                final int[] got = selector.select(x, y, 0, d, k, key);
                assertArrayEquals(expected, Arrays.copyOf(got, k), nonZero + " non-zero, key " + key);
                assertTrue(selector.candidateCapacity() <= 3 * k, nonZero + " non-zero, key " + key
                    + ": the candidate buffers grew to " + selector.candidateCapacity() + " (k = " + k + ")");
            }
        }
    }

    /** The indices of the k largest |x_i|, ties to the lowest index, ascending. */
    private static int[] exactTopK(float[] x, int k) {
        final Integer[] order = new Integer[x.length];
        for (int i = 0; i < x.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            final int byMagnitude = Float.compare(Math.abs(x[b]), Math.abs(x[a]));
            return byMagnitude != 0 ? byMagnitude : Integer.compare(a, b);
        });
        final int[] top = new int[k];
        for (int j = 0; j < k; j++) {
            top[j] = order[j];
        }
        Arrays.sort(top);
        return top;
    }
}
