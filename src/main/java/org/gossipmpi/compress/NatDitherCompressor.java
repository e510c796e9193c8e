package org.gossipmpi.compress;

import org.gossipmpi.kernel.Quantizer;

/**
 * {@code natdither:S} (natural dithering, Horvath et al. 2019): |x_i| / ||x||_2 stochastically rounded to the
 * levels {0, 2^(1-S), ..., 1/2, 1}, unbiased, with zeta = 9/8 + sqrt(d) 2^(1-S) min(1, sqrt(d) 2^(1-S)).
 * Body: d codes of 1 + ceil(log2(S+1)) bits (sign, level); the norm in the header's scale.
 */
public final class NatDitherCompressor extends LevelCompressor {
    public static final int ID = 7;

    NatDitherCompressor(int levels, String spec, long seed, int rank, Quantizer quantizer) {
        super(spec, ID, levels, true, levels, seed, rank, quantizer);
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
    protected void quantize(float[] src, int off, int len, float invNorm, int key, int[] codes) {
        quantizer.natDither(src, off, len, invNorm, levels, key, codes);
    }

    @Override
    protected float scale(float norm, int d) {
        return norm;
    }

    @Override
    protected void addLevels(int[] codes, int d, float unit, float[] target) {
        addDithered(codes, null, d, unit, levels, target);
    }

    /**
     * Adds {@code unit * 2^(level - S)} for every code (level 0: nothing), at index {@code j} or, with an index
     * reader, at the next index: shared by natdither and topk-natdither.
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
