package org.gossipmpi.compress;

import java.nio.ByteBuffer;

import org.gossipmpi.kernel.Quantizer;

/**
 * {@code topk-natdither:F:S}: top-k (k = ceil(F d)), then natural dithering with S levels of the k kept
 * values relative to their norm, divided by that dithering's zeta (for dimension k), so it is biased with
 * omega >= (k / d) / zeta_k. Body: k codes of 1 + ceil(log2(S+1)) bits, then the k sorted indices as int32
 * or delta varints; the kept values' norm divided by zeta_k in the header's scale.
 */
public final class TopKNatDitherCompressor extends AbstractCompressor {
    public static final int ID = 9;

    private final double fraction;
    private final int levels;
    private final long seed;
    private final int rank;
    private final Quantizer quantizer;
    private final int width;
    private final TopKSelector selector = new TopKSelector();
    private final Scratch scratch = new Scratch();
    private final double[] norms = new double[2];
    private final IndexCodec.Reader indexReader = new IndexCodec.Reader();
    private int[] codes = new int[0];

    TopKNatDitherCompressor(double fraction, int levels, String spec, long seed, int rank, Quantizer quantizer) {
        super(spec, ID, levels, false);
        this.fraction = fraction;
        this.levels = levels;
        this.seed = seed;
        this.rank = rank;
        this.quantizer = quantizer;
        this.width = 1 + Bits.ceilLog2(levels + 1L);
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
        return PayloadDescriptor.HEADER_LENGTH + BitPacking.bytes(k, width) + IndexCodec.maxBytes(k);
    }

    @Override
    public long paperBits(int d) {
        final int k = k(d);
        return 32 + (long) k * (Bits.ceilLog2(d) + width);
    }

    @Override
    public int encode(float[] src, int off, int len, ByteBuffer dst, long step) {
        Compressor.checkFinite(src, off, len, spec());
        final int k = k(len);
        final int[] idx = selector.select(src, off, len, k);
        final float[] kept = scratch.floats(k);
        for (int j = 0; j < k; j++) {
            kept[j] = src[off + idx[j]];
        }
        if (codes.length < k) {
            codes = new int[k];
        }
        quantizer.norms(kept, 0, k, norms);
        final float norm = (float) Math.sqrt(norms[0]);
        quantizer.natDither(kept, 0, k, norm > 0 ? 1f / norm : 0f, levels, CounterRandom.streamKey(seed, rank, step),
            codes);
        final int indicesAt = BitPacking.pack(codes, k, width, dst, PayloadDescriptor.HEADER_LENGTH);
        final long written = IndexCodec.write(idx, k, dst, indicesAt);
        PayloadDescriptor.write(dst, ID, levels, (int) (written >>> 32), len, k,
            (float) (norm / NatDitherCompressor.zetaOf(k, levels)));
        return (int) written;
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        final int k = PayloadDescriptor.count(src);
        final int indicesAt = PayloadDescriptor.HEADER_LENGTH + BitPacking.bytes(k, width);
        if (codes.length < k) {
            codes = new int[k];
        }
        BitPacking.unpack(src, PayloadDescriptor.HEADER_LENGTH, indicesAt, k, width, codes);
        NatDitherCompressor.addDithered(codes, indexReader.start(src, indicesAt, PayloadDescriptor.flags(src)), k,
            weight * PayloadDescriptor.scale(src), levels, target);
    }
}
