package org.gossipmpi.compress;

import java.nio.ByteBuffer;

import org.gossipmpi.kernel.Quantizer;

/**
 * {@code sign} (scaled sign, Karimireddy et al. 2019): Q(x) = (||x||_1 / d) sign(x), sign(0) = +1. Biased,
 * with E||Q(x) - x||^2 = (1 - omega(x)) ||x||^2 for omega(x) = ||x||_1^2 / (d ||x||_2^2). Body: d sign bits;
 * ||x||_1 / d in the header's scale.
 */
public final class SignCompressor extends AbstractCompressor {
    public static final int ID = 8;

    private final Quantizer quantizer;
    private final double[] norms = new double[2];
    private int[] codes = new int[0];

    SignCompressor(Quantizer quantizer) {
        super("sign", ID, 0, false);
        this.quantizer = quantizer;
    }

    @Override
    public double omega(int d) {
        return Double.NaN;
    }

    @Override
    public double zeta(int d) {
        return Double.NaN;
    }

    @Override
    public int maxEncodedBytes(int d) {
        return PayloadDescriptor.HEADER_LENGTH + BitPacking.bytes(d, 1);
    }

    @Override
    public long paperBits(int d) {
        return 32 + (long) d;
    }

    @Override
    public int encode(float[] src, int off, int len, ByteBuffer dst, long step) {
        Compressor.checkFinite(src, off, len, spec());
        if (codes.length < len) {
            codes = new int[len];
        }
        quantizer.norms(src, off, len, norms);
        quantizer.signs(src, off, len, codes);
        PayloadDescriptor.write(dst, ID, 0, 0, len, len, (float) (norms[1] / len));
        return BitPacking.pack(codes, len, 1, dst, PayloadDescriptor.HEADER_LENGTH);
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        final int d = PayloadDescriptor.count(src);
        final float v = weight * PayloadDescriptor.scale(src);
        if (codes.length < d) {
            codes = new int[d];
        }
        BitPacking.unpack(src, PayloadDescriptor.HEADER_LENGTH, length, d, 1, codes);
        for (int i = 0; i < d; i++) {
            target[i] += Signs.apply(v, codes[i]);
        }
    }
}
