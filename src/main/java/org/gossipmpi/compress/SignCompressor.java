package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/**
 * {@code sign} (scaled sign, Karimireddy et al. 2019): Q(x) = (||x||_1 / d) sign(x), sign(0) = +1. Biased,
 * with E||Q(x) - x||^2 = (1 - omega(x)) ||x||^2 for omega(x) = ||x||_1^2 / (d ||x||_2^2). Body: d sign bits
 * in {@link WordPacking}'s words; ||x||_1 / d in the header's scale. Encoding is one pass (signs, the
 * per-chunk sums of |x_i| and with them the finite check); decoding one pass.
 */
public final class SignCompressor extends PassCompressor {
    public static final int ID = 8;

    private final Quantizer quantizer;
    private final Norms norms;

    private float unit;

    SignCompressor(Quantizer quantizer, CodecThreads threads) {
        super("sign", ID, 0, false, threads);
        this.quantizer = quantizer;
        this.norms = new Norms(quantizer);
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
        return PayloadDescriptor.HEADER_LENGTH + WordPacking.bytes(d, 1);
    }

    @Override
    public long paperBits(int d) {
        return 32 + (long) d;
    }

    @Override
    public int encode(float[] src, int off, int len, ByteBuffer dst, long step) {
        norms.prepare(src, off, len);
        encodePass(src, off, len, dst);
        if (!norms.sum()) {
            throw nonFinite(src, off, len, step);
        }
        PayloadDescriptor.write(dst, ID, 0, 0, len, len, (float) (norms.absSum / len));
        return PayloadDescriptor.HEADER_LENGTH + WordPacking.bytes(len, 1);
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        unit = weight * PayloadDescriptor.scale(src);
        decodePass(src, PayloadDescriptor.count(src), target);
    }

    @Override
    protected void encodePart(int part, int parts) {
        final int chunks = norms.chunks();
        quantizer.packSigns(x, off, len, CodecThreads.split(chunks, part, parts),
            CodecThreads.split(chunks, part + 1, parts), norms.absolutes(), buffer, PayloadDescriptor.HEADER_LENGTH);
    }

    @Override
    protected void decodePart(int part, int parts) {
        quantizer.addSigns(buffer, PayloadDescriptor.HEADER_LENGTH, len, unit, groupOf(part, parts, 1),
            groupOf(part + 1, parts, 1), target);
    }
}
