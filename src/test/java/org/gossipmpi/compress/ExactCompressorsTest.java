package org.gossipmpi.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** {@code none} and {@code fp16}: round trips, sizes, headers, and refusal of non-finite input. */
class ExactCompressorsTest {

    private static float[] random(int d, long seed) {
        final SplittableRandom r = new SplittableRandom(seed);
        final float[] x = new float[d];
        for (int i = 0; i < d; i++) {
            x[i] = (float) (r.nextGaussian() * 10);
        }
        return x;
    }

    @Test
    void noneRoundTripsExactlyAndAddsWithItsWeight() {
        final Compressor c = Compressors.parse("none", 1, 0);
        for (int d : new int[] {1, 7, 1000}) {
            final float[] x = random(d, d);
            final ByteBuffer buf = c.newPayloadBuffer(d);
            final int n = c.encode(x, 0, d, buf, 0);
            assertEquals(c.maxEncodedBytes(d), n);
            assertEquals(PayloadDescriptor.HEADER_LENGTH + 4 * d, n);
            assertNull(PayloadDescriptor.mismatch(buf, n, c, d));
            final float[] acc = new float[d];
            java.util.Arrays.fill(acc, 1f);
            c.decodeAdd(buf, n, 0.5f, acc);
            for (int i = 0; i < d; i++) {
                assertEquals(1f + 0.5f * x[i], acc[i], 0f);
            }
        }
    }

    @Test
    void fp16IsWithinHalfPrecisionAndHalfTheSize() {
        final Compressor c = Compressors.parse("fp16", 1, 0);
        final int d = 999;
        final float[] x = random(d, 5);
        final ByteBuffer buf = c.newPayloadBuffer(d);
        final int n = c.encode(x, 0, d, buf, 3);
        assertEquals(PayloadDescriptor.HEADER_LENGTH + 2 * d, n);
        assertTrue(n <= c.maxEncodedBytes(d));
        final float[] acc = new float[d];
        c.decodeAdd(buf, n, 1f, acc);
        for (int i = 0; i < d; i++) {
            assertEquals(x[i], acc[i], Math.abs(x[i]) * 0x1p-11f + 0x1p-24f, "element " + i);
        }
    }

    @Test
    void encodingAtAnOffsetTakesTheRightSlice() {
        final Compressor c = Compressors.parse("none", 1, 0);
        final float[] x = {9, 9, 1, 2, 3, 9};
        final ByteBuffer buf = c.newPayloadBuffer(3);
        final int n = c.encode(x, 2, 3, buf, 0);
        final float[] acc = new float[3];
        c.decodeAdd(buf, n, 1f, acc);
        assertEquals(1f, acc[0]);
        assertEquals(3f, acc[2]);
    }

    @Test
    void nanOrInfinityIsAClearErrorNotASilentPayload() {
        for (String spec : new String[] {"none", "fp16"}) {
            final Compressor c = Compressors.parse(spec, 1, 0);
            final float[] x = random(100, 1);
            x[42] = Float.NaN;
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.encode(x, 0, 100, c.newPayloadBuffer(100), 0));
            assertTrue(e.getMessage().contains("element 42 of the vector is NaN"), e.getMessage());
            x[42] = 0;
            x[99] = Float.NEGATIVE_INFINITY;
            final IllegalArgumentException inf = assertThrows(IllegalArgumentException.class,
                () -> c.encode(x, 0, 100, c.newPayloadBuffer(100), 0));
            assertTrue(inf.getMessage().contains("element 99 of the vector is -Infinity"), inf.getMessage());
        }
    }

    @Test
    void headersFromOtherSettingsAreNamed() {
        final Compressor none = Compressors.parse("none", 1, 0);
        final ByteBuffer buf = none.newPayloadBuffer(10);
        final int n = none.encode(new float[10], 0, 10, buf, 0);
        assertEquals("compressor none (id 1), dimension 10, format version " + PayloadDescriptor.VERSION,
            PayloadDescriptor.mismatch(buf, n, Compressors.parse("fp16", 1, 0), 10));
        assertEquals("compressor none (id 1), dimension 10, format version " + PayloadDescriptor.VERSION,
            PayloadDescriptor.mismatch(buf, n, none, 11));
        assertTrue(PayloadDescriptor.mismatch(buf, 5, none, 10).contains("shorter than the 24-byte header"));
        buf.putShort(0, (short) 0x1234);
        assertTrue(PayloadDescriptor.mismatch(buf, n, none, 10).contains("magic 0x1234"));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Compressors.parse("zip", 1, 0));
        assertTrue(e.getMessage().contains("valid: none, fp16, topk:F"), e.getMessage());
    }
}
