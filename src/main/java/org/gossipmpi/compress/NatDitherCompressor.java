package org.gossipmpi.compress;

import java.nio.ByteBuffer;

import org.gossipmpi.kernel.Quantizer;

/**
 * {@code natdither:S} (natural dithering, Horvath et al. 2019): |x_i| / ||x||_2 stochastically rounded to the
 * levels {0, 2^(1-S), ..., 1/2, 1}, unbiased, with zeta = 9/8 + sqrt(d) 2^(1-S) min(1, sqrt(d) 2^(1-S)).
 * Body: d codes of 1 + ceil(log2(S+1)) bits (sign, level); the norm in the header's scale.
 */
public final class NatDitherCompressor extends AbstractCompressor {
    public static final int ID = 7;

    private final int levels;
    private final long seed;
    private final int rank;
    private final Quantizer quantizer;
    private final int width;
    private final double[] norms = new double[2];
    private int[] codes = new int[0];

    NatDitherCompressor(int levels, String spec, long seed, int rank, Quantizer quantizer) {
        super(spec, ID, levels, true);
        this.levels = levels;
        this.seed = seed;
        this.rank = rank;
        this.quantizer = quantizer;
        this.width = 1 + Bits.ceilLog2(levels + 1L);
    }

    static double zetaOf(int d, int levels) {
        final double a = Math.sqrt(d) * Math.scalb(1.0, 1 - levels);
        return 9.0 / 8 + a * Math.min(1, a);
    }

    @Override
    public double omega(int d) {
        return 1 / zeta(d);
    }

    @Override
    public double zeta(int d) {
        return zetaOf(d, levels);
    }

    @Override
    public int maxEncodedBytes(int d) {
        return PayloadDescriptor.HEADER_LENGTH + BitPacking.bytes(d, width);
    }

    @Override
    public long paperBits(int d) {
        return 32 + (long) d * width;
    }

    @Override
    public int encode(float[] src, int off, int len, ByteBuffer dst, long step) {
        Compressor.checkFinite(src, off, len, spec());
        if (codes.length < len) {
            codes = new int[len];
        }
        quantizer.norms(src, off, len, norms);
        final float norm = (float) Math.sqrt(norms[0]);
        quantizer.natDither(src, off, len, norm > 0 ? 1f / norm : 0f, levels,
            CounterRandom.streamKey(seed, rank, step), codes);
        PayloadDescriptor.write(dst, ID, levels, 0, len, len, norm);
        return BitPacking.pack(codes, len, width, dst, PayloadDescriptor.HEADER_LENGTH);
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        final int d = PayloadDescriptor.count(src);
        if (codes.length < d) {
            codes = new int[d];
        }
        BitPacking.unpack(src, PayloadDescriptor.HEADER_LENGTH, length, d, width, codes);
        addDithered(codes, null, d, weight * PayloadDescriptor.scale(src), levels, target);
    }

    /**
     * Adds {@code unit * 2^(level - S)} for every code read (level 0: nothing), at index {@code i} or, with an
     * index reader, at the next index: shared by natdither and topk-natdither.
     */
    static void addDithered(int[] codes, IndexCodec.Reader indices, int count, float unit, int levels,
                            float[] target) {
        for (int j = 0; j < count; j++) {
            final int code = codes[j];
            final int i = indices == null ? j : indices.next();
            final int level = code >>> 1;
            // level j in 1..S stands for 2^(j - S), whose float bits are (j - S + 127) << 23; 0 for zero.
            final float magnitude = level == 0 ? 0f : Float.intBitsToFloat((level - levels + 127) << 23);
            target[i] += Signs.apply(unit * magnitude, code);
        }
    }
}
