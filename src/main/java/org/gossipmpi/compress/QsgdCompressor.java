package org.gossipmpi.compress;

import java.nio.ByteBuffer;

import org.gossipmpi.kernel.Quantizer;

/**
 * {@code qsgd:S} (Alistarh et al. 2017): Q(x)_i = ||x||_2 sign(x_i) xi_i with xi_i in {l/S, (l+1)/S}
 * stochastically rounded so that E xi_i = |x_i| / ||x||_2: unbiased, zeta = 1 + min(d/S^2, sqrt(d)/S).
 * {@code qsgd:S:biased} divides by that zeta (omega = 1/zeta), as the CHOCO paper uses it. Body:
 * d codes of 1 + ceil(log2(S+1)) bits (sign, level); the norm in the header's scale.
 */
public final class QsgdCompressor extends AbstractCompressor {
    public static final int ID = 5;

    private final int levels;
    private final boolean biased;
    private final long seed;
    private final int rank;
    private final Quantizer quantizer;
    private final int width;
    private final double[] norms = new double[2];
    private int[] codes = new int[0];

    QsgdCompressor(int levels, boolean biased, String spec, long seed, int rank, Quantizer quantizer) {
        super(spec, ID, levels | (biased ? 0x8000 : 0), !biased);
        this.levels = levels;
        this.biased = biased;
        this.seed = seed;
        this.rank = rank;
        this.quantizer = quantizer;
        this.width = 1 + Bits.ceilLog2(levels + 1L);
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
        final float invNorm = norm > 0 ? 1f / norm : 0f;
        quantizer.qsgd(src, off, len, invNorm, levels, CounterRandom.streamKey(seed, rank, step), codes);
        final float scale = biased ? (float) (norm / tau(len)) : norm;
        PayloadDescriptor.write(dst, ID, headerParameter(), 0, len, len, scale);
        return BitPacking.pack(codes, len, width, dst, PayloadDescriptor.HEADER_LENGTH);
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        final int d = PayloadDescriptor.count(src);
        final float unit = weight * PayloadDescriptor.scale(src) / levels;
        if (codes.length < d) {
            codes = new int[d];
        }
        BitPacking.unpack(src, PayloadDescriptor.HEADER_LENGTH, length, d, width, codes);
        for (int i = 0; i < d; i++) {
            final int code = codes[i];
            target[i] += Signs.apply(unit * (code >>> 1), code);
        }
    }
}
