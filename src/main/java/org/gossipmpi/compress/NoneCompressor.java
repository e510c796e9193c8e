package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/** {@code none}: the exact vector in fp32; 4 d bytes after the header. */
public final class NoneCompressor extends AbstractCompressor {
    public static final int ID = 1;

    private final BodyViews views = new BodyViews();
    private final Scratch scratch = new Scratch();

    NoneCompressor() {
        super("none", ID, 0, true);
    }

    @Override
    public double omega(int d) {
        return 1;
    }

    @Override
    public double zeta(int d) {
        return 1;
    }

    @Override
    public int maxEncodedBytes(int d) {
        return PayloadDescriptor.HEADER_LENGTH + 4 * d;
    }

    @Override
    public long paperBits(int d) {
        return 32L * d;
    }

    @Override
    public int encode(float[] src, int off, int len, ByteBuffer dst, long step) {
        Compressor.checkFinite(src, off, len, spec());
        PayloadDescriptor.write(dst, ID, 0, 0, len, len, 1f);
        views.floats(dst).put(0, src, off, len);
        return PayloadDescriptor.HEADER_LENGTH + 4 * len;
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        final int d = PayloadDescriptor.count(src);
        final float[] q = scratch.floats(d);
        views.floats(src).get(0, q, 0, d);
        for (int i = 0; i < d; i++) {
            target[i] += weight * q[i];
        }
    }
}
