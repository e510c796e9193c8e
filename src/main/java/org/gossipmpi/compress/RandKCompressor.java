package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/**
 * {@code randk:F} and {@code randk:F:unbiased}: k = ceil(F d) distinct coordinates drawn uniformly by
 * Floyd's algorithm from a counter-based stream whose 32-bit key travels in the payload, so receivers draw
 * the same coordinates and no indices are sent. O(k) work each way: step j of k draws one coordinate in
 * [0, d - k + j] (taking d - k + j itself when the draw was taken before), with a bitmap of d bits for
 * membership that is cleared again after the message. Biased: the values as they are (omega = k/d);
 * unbiased: scaled by d/k (zeta = d/k). Body: the key, then the k fp32 values in drawing order.
 */
public final class RandKCompressor extends AbstractCompressor {
    public static final int ID = 4;
    private static final int VALUES_OFFSET = PayloadDescriptor.HEADER_LENGTH + 4;

    private final double fraction;
    private final long seed;
    private final int rank;
    private long[] taken = new long[0];
    private int[] drawn = new int[0];

    RandKCompressor(double fraction, boolean unbiased, String spec, long seed, int rank, CodecThreads threads) {
        super(spec, ID, unbiased ? 1 : 0, unbiased, threads);
        this.fraction = fraction;
        this.seed = seed;
        this.rank = rank;
    }

    int k(int d) {
        return Bits.kOf(fraction, d);
    }

    @Override
    public double omega(int d) {
        return (double) k(d) / d; // biased: exactly k/d; unbiased: 1/zeta = k/d
    }

    @Override
    public double zeta(int d) {
        return unbiased() ? (double) d / k(d) : Double.NaN;
    }

    @Override
    public int maxEncodedBytes(int d) {
        return PayloadDescriptor.capacity(VALUES_OFFSET + 4L * k(d), d, spec());
    }

    @Override
    public long paperBits(int d) {
        return 32L * k(d) + 32;
    }

    @Override
    public int encode(float[] src, int off, int len, ByteBuffer dst, long step) {
        final int k = k(len);
        final int key = CounterRandom.streamKey(seed, rank, step);
        final float scale = unbiased() ? (float) len / k : 1f;
        draw(key, len, k);
        dst.putInt(PayloadDescriptor.HEADER_LENGTH, key);
        int bad = 0;
        for (int j = 0, p = VALUES_OFFSET; j < k; j++, p += 4) {
            final float v = src[off + drawn[j]];
            bad |= (Float.floatToRawIntBits(v) & 0x7FFFFFFF) + 0x00800000;
            dst.putFloat(p, v * scale);
        }
        if (bad < 0) {
            throw nonFinite(src, off, len, step); // only the k drawn values are read, and only they can be sent
        }
        PayloadDescriptor.write(dst, ID, headerParameter(), 0, len, k, scale);
        return VALUES_OFFSET + 4 * k;
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        final int d = PayloadDescriptor.dimension(src);
        final int k = PayloadDescriptor.count(src);
        draw(src.getInt(PayloadDescriptor.HEADER_LENGTH), d, k);
        for (int j = 0, p = VALUES_OFFSET; j < k; j++, p += 4) {
            target[drawn[j]] += weight * src.getFloat(p);
        }
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight1, float[] target1, float weight2,
                          float[] target2) {
        final int d = PayloadDescriptor.dimension(src);
        final int k = PayloadDescriptor.count(src);
        draw(src.getInt(PayloadDescriptor.HEADER_LENGTH), d, k);
        for (int j = 0, p = VALUES_OFFSET; j < k; j++, p += 4) {
            final float v = src.getFloat(p);
            target1[drawn[j]] += weight1 * v;
            target2[drawn[j]] += weight2 * v;
        }
    }

    /** Floyd's algorithm: {@code drawn[0, k)} = k distinct coordinates of [0, d), in drawing order. */
    private void draw(int key, int d, int k) {
        if (taken.length < (d + 63) >>> 6) {
            taken = new long[(d + 63) >>> 6];
        }
        if (drawn.length < k) {
            drawn = new int[k];
        }
        for (int j = 0; j < k; j++) {
            final int top = d - k + j;
            int t = CounterRandom.below(key, j, top + 1);
            if ((taken[t >>> 6] & (1L << t)) != 0) {
                t = top;
            }
            taken[t >>> 6] |= 1L << t;
            drawn[j] = t;
        }
        for (int j = 0; j < k; j++) {
            taken[drawn[j] >>> 6] = 0;
        }
    }
}
