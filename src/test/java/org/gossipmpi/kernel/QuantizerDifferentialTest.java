package org.gossipmpi.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.gossipmpi.compress.CounterRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.aparapi.device.Device;
import com.aparapi.device.JavaDevice;

/**
 * The quantizer kernels against their Java twin on random inputs, on PoCL (or any OpenCL device) and on
 * Aparapi's Java thread-pool fallback. Codes must agree exactly (same random numbers, the same float
 * operations in the same order); the norms, whose float sums a device may fuse into FMAs, within 1e-5
 * relative.
 */
class QuantizerDifferentialTest {

    static List<Device> devices() {
        return org.gossipmpi.testing.KernelDevices.all();
    }

    /** Random vectors with the values that stress quantizers: zeros, subnormals, powers of two, extremes. */
    static float[] input(long seed, int d) {
        final SplittableRandom r = new SplittableRandom(seed);
        final float[] x = new float[d];
        for (int i = 0; i < d; i++) {
            switch (r.nextInt(8)) {
                case 0:
                    x[i] = 0;
                    break;
                case 1:
                    x[i] = Math.scalb(1f, r.nextInt(-30, 30)) * (r.nextBoolean() ? 1 : -1);
                    break;
                case 2:
                    x[i] = Float.MIN_VALUE * r.nextInt(1, 1 << 20);
                    break;
                case 3:
                    x[i] = (float) Math.pow(10, r.nextDouble(-30, 30)) * (r.nextBoolean() ? 1 : -1);
                    break;
                default:
                    x[i] = (float) r.nextGaussian();
            }
        }
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void kernelsAndTwinGiveTheSameCodes(Device device) {
        final Quantizer kernel = new QuantizerKernels(device);
        final Quantizer twin = new QuantizerReference();
        for (int trial = 0; trial < 6; trial++) {
            final int d = trial == 0 ? 1 : 1000 + 7777 * trial;
            final int off = trial % 3;
            final float[] x = input(trial, d + off);
            final int key = CounterRandom.streamKey(trial, 3, 100 + trial);
            final double[] nk = new double[2];
            final double[] nt = new double[2];
            kernel.norms(x, off, d, nk);
            twin.norms(x, off, d, nt);
            assertEquals(nt[0], nk[0], 1e-5 * nt[0], "sum of squares");
            assertEquals(nt[1], nk[1], 1e-5 * nt[1], "sum of magnitudes");
            final float invNorm = (float) (1 / Math.sqrt(nt[0]));
            final int[] ck = new int[d];
            final int[] ct = new int[d];
            for (int s : new int[] {1, 2, 16, 255}) {
                kernel.qsgd(x, off, d, invNorm, s, key, ck);
                twin.qsgd(x, off, d, invNorm, s, key, ct);
                assertArrayEquals(ct, ck, "qsgd:" + s + " on " + device.getShortDescription());
            }
            kernel.natural(x, off, d, key, ck);
            twin.natural(x, off, d, key, ct);
            assertArrayEquals(ct, ck, "natural on " + device.getShortDescription());
            for (int s : new int[] {1, 3, 8, 30}) {
                kernel.natDither(x, off, d, invNorm, s, key, ck);
                twin.natDither(x, off, d, invNorm, s, key, ct);
                assertArrayEquals(ct, ck, "natdither:" + s + " on " + device.getShortDescription());
            }
            kernel.signs(x, off, d, ck);
            twin.signs(x, off, d, ct);
            assertArrayEquals(ct, ck, "signs on " + device.getShortDescription());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void theKernelRunsWhereItSays(Device device) {
        final QuantizerKernels kernel = new QuantizerKernels(device);
        kernel.signs(new float[] {1, -1}, 0, 2, new int[2]);
        assertNotNull(kernel.describe());
        assertEquals(!(device instanceof JavaDevice), kernel.ranOpenCl(), kernel.describe());
        assertTrue(kernel.describe().startsWith("Aparapi on "), kernel.describe());
    }
}
