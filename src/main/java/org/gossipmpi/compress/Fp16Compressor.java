package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/** {@code fp16}: the vector rounded to IEEE half precision; 2 d bytes after the header. */
public final class Fp16Compressor implements Compressor {
    public static final int ID = 2;

    @Override
    public String spec() {
        return "fp16";
    }

    @Override
    public int id() {
        return ID;
    }

    @Override
    public boolean unbiased() {
        return false; // round to nearest is deterministic, not unbiased (though close to exact)
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
        PayloadDescriptor.write(dst, ID, 0, len, len, 1f);
        int p = PayloadDescriptor.HEADER_LENGTH;
        for (int i = off, end = off + len; i < end; i++, p += 2) {
            final float v = src[i];
            if (!Float.isFinite(v)) {
                Compressor.checkFinite(src, off, len, spec());
            }
            dst.putShort(p, Half.fromFloat(v));
        }
        return p;
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        final int d = PayloadDescriptor.count(src);
        int p = PayloadDescriptor.HEADER_LENGTH;
        for (int i = 0; i < d; i++, p += 2) {
            target[i] += weight * Half.toFloat(src.getShort(p));
        }
    }
}
