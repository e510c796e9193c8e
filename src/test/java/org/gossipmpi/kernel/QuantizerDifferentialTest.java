package org.gossipmpi.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.gossipmpi.compress.CounterRandom;
import org.gossipmpi.compress.Quantizer;
import org.gossipmpi.compress.Quantizers;
import org.gossipmpi.compress.WordPacking;
import org.gossipmpi.testing.QuantizerInputs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.aparapi.device.Device;
import com.aparapi.device.JavaDevice;

/**
 * The quantizer kernels against their Java twin ({@link Quantizers#scalar()}) on random inputs, on PoCL (or
 * any OpenCL device) and on Aparapi's Java thread-pool fallback: the norms' chunk sums and every packed
 * word must agree bit for bit (same random numbers, the same float operations in the same order).
 */
class QuantizerDifferentialTest {

    static List<Device> devices() {
        return org.gossipmpi.testing.KernelDevices.all();
    }

    private static ByteBuffer buffer(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void kernelsAndTwinWriteTheSameWords(Device device) {
        final Quantizer kernel = new QuantizerKernels(device);
        final Quantizer twin = Quantizers.scalar();
        for (int trial = 0; trial < 6; trial++) {
            final int d = trial == 0 ? 1 : 1000 + 7777 * trial;
            final int off = trial % 3;
            final float[] x = QuantizerInputs.stressing(trial, d + off);
            final int key = CounterRandom.streamKey(trial, 3, 100 + trial);
            final int chunks = Quantizer.chunks(d);
            final float[] sk = new float[chunks], ak = new float[chunks], st = new float[chunks], at = new float[chunks];
            kernel.chunkNorms(x, off, d, 0, chunks, sk, ak);
            twin.chunkNorms(x, off, d, 0, chunks, st, at);
            assertArrayEquals(st, sk, "chunk sums of squares on " + device.getShortDescription());
            assertArrayEquals(at, ak, "chunk sums of magnitudes on " + device.getShortDescription());
            double sq = 0;
            for (float v : st) {
                sq += v;
            }
            final float norm = (float) Math.sqrt(sq);
            for (int s : new int[] {1, 2, 16, 255}) {
                final int width = 1 + (32 - Integer.numberOfLeadingZeros(s));
                same(kernel, twin, Quantizer.QSGD, x, off, d, width, s, s / norm, key, "qsgd:" + s);
            }
            same(kernel, twin, Quantizer.NATURAL, x, off, d, 9, 0, 0f, key, "natural");
            for (int s : new int[] {1, 3, 8, 30}) {
                final int width = 1 + (32 - Integer.numberOfLeadingZeros(s));
                same(kernel, twin, Quantizer.NAT_DITHER, x, off, d, width, s, 1f / norm, key, "natdither:" + s);
            }
            final int bytes = WordPacking.bytes(d, 1);
            final ByteBuffer bk = buffer(bytes), bt = buffer(bytes);
            kernel.packSigns(x, off, d, 0, chunks, ak, bk, 0);
            twin.packSigns(x, off, d, 0, chunks, at, bt, 0);
            assertEquals(0, bt.compareTo(bk), "signs on " + device.getShortDescription());
            assertArrayEquals(at, ak, "sign pass chunk sums on " + device.getShortDescription());
        }
    }

    private static void same(Quantizer kernel, Quantizer twin, int mode, float[] x, int off, int d, int width, int s,
                             float multiplier, int key, String what) {
        final int groups = WordPacking.groups(d, width);
        final ByteBuffer bk = buffer(WordPacking.bytes(d, width)), bt = buffer(WordPacking.bytes(d, width));
        // In two ranges, as codec threads would split it.
        final int mid = groups / 2;
        assertEquals(twin.packLevels(mode, x, off, d, width, s, multiplier, key, 0, mid, bt, 0)
                | twin.packLevels(mode, x, off, d, width, s, multiplier, key, mid, groups, bt, 0),
            kernel.packLevels(mode, x, off, d, width, s, multiplier, key, 0, groups, bk, 0), what + ": special flag");
        for (int p = 0; p < bt.capacity(); p += 8) {
            assertEquals(bt.getLong(p), bk.getLong(p), what + ": word " + p / 8 + " differs");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void theKernelRunsWhereItSays(Device device) {
        final QuantizerKernels kernel = new QuantizerKernels(device);
        kernel.packLevels(Quantizer.QSGD, new float[] {1, -1}, 0, 2, 3, 2, 1f, 0, 0, 1, buffer(64), 0);
        assertNotNull(kernel.describe());
        assertEquals(!(device instanceof JavaDevice), kernel.ranOpenCl(), kernel.describe());
        assertTrue(kernel.describe().startsWith("Aparapi on "), kernel.describe());
    }
}
