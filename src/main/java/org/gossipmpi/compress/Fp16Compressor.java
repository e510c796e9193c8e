package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/** {@code fp16}: the vector rounded to IEEE half precision; 2 d bytes after the header. */
public final class Fp16Compressor extends AbstractCompressor {
    public static final int ID = 2;

    private final BodyViews views = new BodyViews();
    private final Scratch scratch = new Scratch();

    Fp16Compressor() {
        super("fp16", ID, 0, false); // round to nearest: deterministic, close to exact, not unbiased
    }

    @Override
    public double omega(int d) {
        // Round to nearest half: relative error <= 2^-11 per element in half's normal range.
        return 1 - 0x1p-20;
    }

    @Override
    public double zeta(int d) {
        return Double.NaN;
    }

    @Override
    public int maxEncodedBytes(int d) {
        return PayloadDescriptor.HEADER_LENGTH + 2 * d;
    }

    @Override
    public long paperBits(int d) {
        return 16L * d;
    }

    @Override
    public int encode(float[] src, int off, int len, ByteBuffer dst, long step) {
        Compressor.checkFinite(src, off, len, spec());
        PayloadDescriptor.write(dst, ID, 0, 0, len, len, 1f);
        final short[] h = scratch.shorts(len);
        for (int i = 0; i < len; i++) {
            h[i] = Half.fromFloat(src[off + i]);
            if ((h[i] & 0x7C00) == 0x7C00) {
                throw new IllegalArgumentException("compressor fp16: element " + i + " of the vector is " + src[off + i]
                    + ", beyond half precision's largest value 65504; use 'none'");
            }
        }
        views.shorts(dst).put(0, h, 0, len);
        return PayloadDescriptor.HEADER_LENGTH + 2 * len;
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        final int d = PayloadDescriptor.count(src);
        final short[] h = scratch.shorts(d);
        views.shorts(src).get(0, h, 0, d);
        for (int i = 0; i < d; i++) {
            target[i] += weight * Half.toFloat(h[i]);
        }
    }
}
