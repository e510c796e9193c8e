package org.gossipmpi.compress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** {@code none}: the exact vector in fp32; 4 d bytes after the header. */
public final class NoneCompressor implements Compressor {
    public static final int ID = 1;

    @Override
    public String spec() {
        return "none";
    }

    @Override
    public int id() {
        return ID;
    }

    @Override
    public boolean unbiased() {
        return true;
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
        PayloadDescriptor.write(dst, ID, 0, len, len, 1f);
        int p = PayloadDescriptor.HEADER_LENGTH;
        for (int i = off, end = off + len; i < end; i++, p += 4) {
            final float v = src[i];
            if (!Float.isFinite(v)) {
                Compressor.checkFinite(src, off, len, spec());
            }
            dst.putFloat(p, v);
        }
        return p;
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        assert src.order() == ByteOrder.LITTLE_ENDIAN;
        final int d = PayloadDescriptor.count(src);
        int p = PayloadDescriptor.HEADER_LENGTH;
        for (int i = 0; i < d; i++, p += 4) {
            target[i] += weight * src.getFloat(p);
        }
    }
}
