package org.gossipmpi.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
            assertSelected(x, null, expected, got, selector.values(), "key " + key);
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
            final int[] expected = exactTopKOfDifference(x, y, k);
            final TopKSelector selector = new TopKSelector(CodecThreads.SINGLE, Quantizers.java());
            for (int key = 0; key < 20; key++) {
                final int[] got = selector.select(x, y, 0, d, k, key);
                assertSelected(x, y, expected, got, selector.values(), nonZero + " non-zero, key " + key);
                assertTrue(selector.candidateCapacity() <= 3 * k, nonZero + " non-zero, key " + key
                    + ": the candidate buffers grew to " + selector.candidateCapacity() + " (k = " + k + ")");
            }
        }
    }

    /**
     * Magnitudes from a few levels, so that many tie with the k-th largest, over the whole range of floats (a
     * subnormal, the smallest normal, a power of two and its neighbours, the largest finite): the ties go to the
     * lowest indices, and every digit of the selection's radix sort (the exponent's, and the fraction's high and low
     * bits) decides somewhere. The values come back with their signs, zeros of either sign included.
     */
    @Test
    void tiesAtTheKthLargestGoToTheLowestIndicesOverTheWholeRangeOfFloats() {
        final int d = 1 << 18;
        final float[] levels = {Float.MIN_VALUE, 3 * Float.MIN_VALUE, Float.MIN_NORMAL, 1f, Math.nextUp(1f),
            Math.nextDown(1f), 1.5f, 1024f, Math.nextUp(1024f), 3e30f, Float.MAX_VALUE};
        final SplittableRandom random = new SplittableRandom(5);
        for (int k : new int[] {d / 100, d / 10, d / 3}) {
            final float[] x = new float[d];
            final float[] y = new float[d];
            for (int i = 0; i < d; i++) {
                final int level = random.nextInt(levels.length + 1); // the last: a zero, of either sign
                final float v = level == levels.length ? 0f : levels[level];
                x[i] = random.nextBoolean() ? v : -v;
                y[i] = random.nextInt(4) == 0 ? 0f : -0f; // x - (-0) = x, and -0 - 0 = -0
            }
            final int[] expected = exactTopKOfDifference(x, y, k);
            final TopKSelector selector = new TopKSelector(CodecThreads.SINGLE, Quantizers.java());
            for (int key = 0; key < 5; key++) {
                assertSelected(x, y, expected, selector.select(x, y, 0, d, k, key), selector.values(),
                    "k " + k + ", key " + key);
            }
        }
    }

    /**
     * Every magnitude the same (signs at random): every element passes any threshold, the selection runs over all
     * of them, and the k lowest indices are the ties' winners, with their signs.
     */
    @Test
    void equalMagnitudesSelectTheLowestIndices() {
        final int d = 1 << 17;
        final int k = d / 50;
        final SplittableRandom random = new SplittableRandom(3);
        final float[] x = new float[d];
        for (int i = 0; i < d; i++) {
            x[i] = random.nextBoolean() ? 0.25f : -0.25f;
        }
        final int[] lowest = new int[k];
        for (int j = 0; j < k; j++) {
            lowest[j] = j;
        }
        final TopKSelector selector = new TopKSelector(CodecThreads.SINGLE, Quantizers.java());
        for (int key = 0; key < 3; key++) {
            assertSelected(x, null, lowest, selector.select(x, 0, d, k, key), selector.values(), "key " + key);
        }
    }

    /** The indices as expected, and beside them the values x_i - y_i (y null: x_i), bit for bit. */
    private static void assertSelected(float[] x, float[] y, int[] expected, int[] got, float[] values, String what) {
        final int k = expected.length;
        assertArrayEquals(expected, Arrays.copyOf(got, k), what + ": indices");
        for (int j = 0; j < k; j++) {
            final int i = expected[j];
            final float v = y == null ? x[i] : x[i] - y[i];
            assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(values[j]),
                what + ": the value at index " + i + " is " + values[j] + ", not " + v);
        }
    }

    /** {@link #exactTopK} of x - y. */
    private static int[] exactTopKOfDifference(float[] x, float[] y, int k) {
        final float[] diff = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            diff[i] = x[i] - y[i];
        }
        return exactTopK(diff, k);
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
