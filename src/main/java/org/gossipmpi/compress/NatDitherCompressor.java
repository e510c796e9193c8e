package org.gossipmpi.compress;

/**
 * {@code natdither:S} (natural dithering, Horvath et al. 2019): |x_i| / ||x||_2 stochastically rounded to the
 * levels {0, 2^(1-S), ..., 1/2, 1}, unbiased, with zeta = 9/8 + sqrt(d) 2^(1-S) min(1, sqrt(d) 2^(1-S)).
 * Body: d codes of 1 + ceil(log2(S+1)) bits (sign, level) in {@link WordPacking}'s words; the norm in the
 * header's scale.
 */
public final class NatDitherCompressor extends LevelCompressor {
    public static final int ID = 7;

    NatDitherCompressor(int levels, String spec, long seed, int rank, Quantizer quantizer, CodecThreads threads) {
        super(spec, ID, levels, true, Quantizer.NAT_DITHER, levels, seed, rank, quantizer, threads);
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
    protected float multiplier(float norm) {
        return 1f / norm;
    }

    @Override
    protected float scale(float norm, int d) {
        return norm;
    }

    @Override
    protected float unit(float scale, float weight) {
        return weight * scale;
    }
}
