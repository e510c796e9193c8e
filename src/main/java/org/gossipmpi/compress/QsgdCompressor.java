package org.gossipmpi.compress;

/**
 * {@code qsgd:S} (Alistarh et al. 2017): Q(x)_i = ||x||_2 sign(x_i) xi_i with xi_i in {l/S, (l+1)/S}
 * stochastically rounded so that E xi_i = |x_i| / ||x||_2: unbiased, zeta = 1 + min(d/S^2, sqrt(d)/S).
 * {@code qsgd:S:biased} divides by that zeta (omega = 1/zeta), as the CHOCO paper uses it. Body:
 * d codes of 1 + ceil(log2(S+1)) bits (sign, level) in {@link WordPacking}'s words; the norm in the
 * header's scale.
 */
public final class QsgdCompressor extends LevelCompressor {
    public static final int ID = 5;

    private final boolean biased;

    QsgdCompressor(int levels, boolean biased, String spec, long seed, int rank, Quantizer quantizer,
                   CodecThreads threads) {
        super(spec, ID, levels | (biased ? 0x8000 : 0), !biased, Quantizer.QSGD, levels, seed, rank, quantizer,
            threads);
        this.biased = biased;
    }

    private double tau(int d) {
        return 1 + Math.min((double) d / ((double) levels * levels), Math.sqrt(d) / levels);
    }

    @Override
    public double omega(int d) {
        return 1 / tau(d);
    }

    @Override
    public double zeta(int d) {
        return biased ? Double.NaN : tau(d);
    }

    @Override
    protected float multiplier(float norm) {
        return levels / norm;
    }

    @Override
    protected float scale(float norm, int d) {
        return biased ? (float) (norm / tau(d)) : norm;
    }

    @Override
    protected float unit(float scale, float weight) {
        return weight * scale / levels;
    }
}
