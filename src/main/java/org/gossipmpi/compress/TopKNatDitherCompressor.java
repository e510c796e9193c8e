package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/**
 * {@code topk-natdither:F:S}: top-k (k = ceil(F d), {@link TopKSelector}), then natural dithering with S levels
 * of the k kept values relative to their norm, divided by that dithering's zeta (for dimension k), so it is
 * biased with omega >= (k / d) / zeta_k. Body: k codes of 1 + ceil(log2(S+1)) bits in
 * {@link WordPacking}'s words, then the k sorted indices as int32 or delta varints; the kept values' norm
 * divided by zeta_k in the header's scale.
 */
public final class TopKNatDitherCompressor extends AbstractCompressor {
    public static final int ID = 9;

    private final double fraction;
    private final int levels;
    private final long seed;
    private final int rank;
    private final Quantizer quantizer;
    private final int width;
    private final TopKSelector selector;
    private final IndexCodec.Reader indexReader = new IndexCodec.Reader();
    private float[] kept = new float[0];
    /** The second target's values in a two-target decode. */
    private float[] kept2 = new float[0];
    private float[] squares = new float[1];
    private float[] absolutes = new float[1];

    TopKNatDitherCompressor(double fraction, int levels, String spec, long seed, int rank, Quantizer quantizer,
                            CodecThreads threads) {
        super(spec, ID, levels, false, threads);
        this.fraction = fraction;
        this.levels = levels;
        this.seed = seed;
        this.rank = rank;
        this.quantizer = quantizer;
        this.width = 1 + Bits.ceilLog2(levels + 1L);
        this.selector = new TopKSelector(threads, quantizer);
    }

    int k(int d) {
        return Bits.kOf(fraction, d);
    }

    @Override
    public double omega(int d) {
        return (double) k(d) / d / NatDitherCompressor.zetaOf(k(d), levels);
    }

    @Override
    public double zeta(int d) {
        return Double.NaN;
    }

    @Override
    public int maxEncodedBytes(int d) {
        final int k = k(d);
        return PayloadDescriptor.capacity(PayloadDescriptor.HEADER_LENGTH + (long) WordPacking.bytes(k, width)
            + IndexCodec.maxBytes(k), d, spec());
    }

    @Override
    public long paperBits(int d) {
        final int k = k(d);
        return 32 + (long) k * (Bits.ceilLog2(d) + width);
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

    /** Encodes {@code src - sub} (sub null: src), each difference computed where it is read. */
    private int encode(float[] src, float[] sub, int off, int len, ByteBuffer dst, long step) {
        final int k = k(len);
        final int key = CounterRandom.streamKey(seed, rank, step);
        final int[] idx = selector.select(src, sub, off, len, k, key);
        if (idx == null) {
            throw nonFinite(src, sub, off, len, step);
        }
        final float[] chosen = selector.values();
        final int chunks = Quantizer.chunks(k);
        if (squares.length < chunks) {
            squares = new float[chunks];
            absolutes = new float[chunks];
        }
        quantizer.chunkNorms(chosen, 0, k, 0, chunks, squares, absolutes);
        double sq = 0;
        for (int c = 0; c < chunks; c++) {
            sq += squares[c];
        }
        final float norm = (float) Math.sqrt(sq);
        quantizer.packLevels(Quantizer.NAT_DITHER, chosen, 0, k, width, levels, norm > 0 ? 1f / norm : 0f, key, 0,
            WordPacking.groups(k, width), dst, PayloadDescriptor.HEADER_LENGTH);
        final long written = IndexCodec.write(idx, k, dst, PayloadDescriptor.HEADER_LENGTH + WordPacking.bytes(k, width));
        PayloadDescriptor.write(dst, ID, levels, (int) (written >>> 32), len, k,
            (float) (norm / NatDitherCompressor.zetaOf(k, levels)));
        return (int) written;
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        final int k = PayloadDescriptor.count(src);
        kept = values(src, k, weight, kept);
        final IndexCodec.Reader indices = indexReader.start(src, indicesAt(k), PayloadDescriptor.flags(src));
        for (int j = 0; j < k; j++) {
            target[indices.next()] += kept[j];
        }
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight1, float[] target1, float weight2,
                          float[] target2) {
        final int k = PayloadDescriptor.count(src);
        kept = values(src, k, weight1, kept);
        kept2 = values(src, k, weight2, kept2);
        final IndexCodec.Reader indices = indexReader.start(src, indicesAt(k), PayloadDescriptor.flags(src));
        for (int j = 0; j < k; j++) {
            final int i = indices.next();
            target1[i] += kept[j];
            target2[i] += kept2[j];
        }
    }

    private int indicesAt(int k) {
        return PayloadDescriptor.HEADER_LENGTH + WordPacking.bytes(k, width);
    }

    /**
     * The k kept values times {@code weight}, decoded into {@code into} (or a larger array, returned): the codes
     * decode into this dense scratch, which then scatters to the indices.
     */
    private float[] values(ByteBuffer src, int k, float weight, float[] into) {
        final float[] v = into.length < k ? new float[k] : into;
        java.util.Arrays.fill(v, 0, k, 0f);
        quantizer.addLevels(Quantizer.NAT_DITHER, src, PayloadDescriptor.HEADER_LENGTH, k, width, levels,
            weight * PayloadDescriptor.scale(src), 0, WordPacking.groups(k, width), v);
        return v;
    }
}
