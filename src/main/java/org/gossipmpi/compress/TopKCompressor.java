package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/**
 * {@code topk:F}: keeps the k = ceil(F d) entries of largest magnitude (ties to the lowest index), exactly
 * ({@link TopKSelector}: one pass over the vector). Biased, omega = k / d. Body: k fp32 values, then their
 * sorted indices as int32 or delta varints. Decoding is O(k).
 */
public final class TopKCompressor extends AbstractCompressor {
    public static final int ID = 3;

    private final double fraction;
    private final long seed;
    private final int rank;
    private final TopKSelector selector;
    private final IndexCodec.Reader indexReader = new IndexCodec.Reader();

    TopKCompressor(double fraction, String spec, long seed, int rank, Quantizer quantizer, CodecThreads threads) {
        super(spec, ID, 0, false, threads);
        this.fraction = fraction;
        this.seed = seed;
        this.rank = rank;
        this.selector = new TopKSelector(threads, quantizer);
    }

    int k(int d) {
        return Bits.kOf(fraction, d);
    }

    @Override
    public double omega(int d) {
        return (double) k(d) / d;
    }

    @Override
    public double zeta(int d) {
        return Double.NaN;
    }

    @Override
    public int maxEncodedBytes(int d) {
        return PayloadDescriptor.capacity(PayloadDescriptor.HEADER_LENGTH + 4L * k(d) + IndexCodec.maxBytes(k(d)), d,
            spec());
    }

    @Override
    public long paperBits(int d) {
        return (long) k(d) * (32 + Bits.ceilLog2(d));
    }

    @Override
    public int encode(float[] src, int off, int len, ByteBuffer dst, long step) {
        return encode(src, null, off, len, dst, step);
    }

    @Override
    public boolean encodesDifferences() {
        return true;
    }

    @Override
    public int encodeDifference(float[] a, float[] b, int off, int len, ByteBuffer dst, long step) {
        return encode(a, b, off, len, dst, step);
    }

    /** The k largest of {@code src - sub} in magnitude (sub null: of src), each difference computed where read. */
    private int encode(float[] src, float[] sub, int off, int len, ByteBuffer dst, long step) {
        final int k = k(len);
        final int[] idx = selector.select(src, sub, off, len, k, CounterRandom.streamKey(seed, rank, step));
        if (idx == null) {
            throw nonFinite(src, sub, off, len, step);
        }
        final float[] values = selector.values();
        int p = PayloadDescriptor.HEADER_LENGTH;
        for (int j = 0; j < k; j++, p += 4) {
            dst.putFloat(p, values[j]);
        }
        final long written = IndexCodec.write(idx, k, dst, p);
        PayloadDescriptor.write(dst, ID, 0, (int) (written >>> 32), len, k, 1f);
        return (int) written;
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        final int k = PayloadDescriptor.count(src);
        final IndexCodec.Reader indices = indexReader.start(src, PayloadDescriptor.HEADER_LENGTH + 4 * k,
            PayloadDescriptor.flags(src));
        int p = PayloadDescriptor.HEADER_LENGTH;
        for (int j = 0; j < k; j++, p += 4) {
            target[indices.next()] += weight * src.getFloat(p);
        }
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight1, float[] target1, float weight2,
                          float[] target2) {
        final int k = PayloadDescriptor.count(src);
        final IndexCodec.Reader indices = indexReader.start(src, PayloadDescriptor.HEADER_LENGTH + 4 * k,
            PayloadDescriptor.flags(src));
        int p = PayloadDescriptor.HEADER_LENGTH;
        for (int j = 0; j < k; j++, p += 4) {
            final int i = indices.next();
            final float v = src.getFloat(p);
            target1[i] += weight1 * v;
            target2[i] += weight2 * v;
        }
    }
}
