package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/**
 * {@code randk:F} and {@code randk:F:unbiased}: k = ceil(F d) coordinates drawn uniformly without
 * replacement by selection sampling over a counter-based stream whose 32-bit key travels in the payload, so
 * receivers draw the same coordinates and no indices are sent. Biased: the values as they are (omega = k/d);
 * unbiased: scaled by d/k (zeta = d/k). Body: the key, then k fp32 values in index order.
 */
public final class RandKCompressor extends AbstractCompressor {
    public static final int ID = 4;
    private static final int VALUES_OFFSET = PayloadDescriptor.HEADER_LENGTH + 4;

    private final double fraction;
    private final long seed;
    private final int rank;

    RandKCompressor(double fraction, boolean unbiased, String spec, long seed, int rank) {
        super(spec, ID, unbiased ? 1 : 0, unbiased);
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
        return VALUES_OFFSET + 4 * k(d);
    }

    @Override
    public long paperBits(int d) {
        return 32L * k(d) + 32;
    }

    @Override
    public int encode(float[] src, int off, int len, ByteBuffer dst, long step) {
        Compressor.checkFinite(src, off, len, spec());
        final int k = k(len);
        final int key = CounterRandom.streamKey(seed, rank, step);
        final float scale = unbiased() ? (float) len / k : 1f;
        dst.putInt(PayloadDescriptor.HEADER_LENGTH, key);
        int p = VALUES_OFFSET;
        int needed = k;
        for (int i = 0; i < len && needed > 0; i++) {
            if (selected(key, i, len, needed)) {
                dst.putFloat(p, src[off + i] * scale);
                p += 4;
                needed--;
            }
        }
        PayloadDescriptor.write(dst, ID, headerParameter(), 0, len, k, scale);
        return p;
    }

    /** Knuth's selection sampling: element i of d is taken with probability needed / (d - i). */
    private static boolean selected(int key, int i, int d, int needed) {
        return CounterRandom.unitDouble(key, i) * (d - i) < needed;
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        final int d = PayloadDescriptor.dimension(src);
        final int k = PayloadDescriptor.count(src);
        final int key = src.getInt(PayloadDescriptor.HEADER_LENGTH);
        int p = VALUES_OFFSET;
        int needed = k;
        for (int i = 0; i < d && needed > 0; i++) {
            if (selected(key, i, d, needed)) {
                target[i] += weight * src.getFloat(p);
                p += 4;
                needed--;
            }
        }
    }
}
