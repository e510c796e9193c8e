package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/**
 * {@code none}: the exact vector in fp32; 4 d bytes after the header. One pass each way, straight between
 * the vector and the payload (the finite check folded into the encoding pass).
 */
public final class NoneCompressor extends PassCompressor {
    public static final int ID = 1;

    private final boolean[] special;
    private float weight;

    NoneCompressor(CodecThreads threads) {
        super("none", ID, 0, true, threads);
        this.special = new boolean[threads.threads()];
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
        encodePass(src, off, len, dst);
        for (boolean s : special) {
            if (s) {
                throw nonFinite(src, off, len, step);
            }
        }
        PayloadDescriptor.write(dst, ID, 0, 0, len, len, 1f);
        return PayloadDescriptor.HEADER_LENGTH + 4 * len;
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        this.weight = weight;
        decodePass(src, PayloadDescriptor.count(src), target);
    }

    @Override
    protected void encodePart(int part, int parts) {
        final int from = CodecThreads.split(len, part, parts);
        final int to = CodecThreads.split(len, part + 1, parts);
        int bad = 0;
        for (int i = from, p = PayloadDescriptor.HEADER_LENGTH + 4 * from; i < to; i++, p += 4) {
            final int bits = Float.floatToRawIntBits(x[off + i]);
            bad |= (bits & 0x7FFFFFFF) + 0x00800000; // bit 31 set for an exponent of all ones
            buffer.putInt(p, bits);
        }
        special[part] = bad < 0;
    }

    @Override
    protected void decodePart(int part, int parts) {
        final int from = CodecThreads.split(len, part, parts);
        final int to = CodecThreads.split(len, part + 1, parts);
        final float w = weight;
        for (int i = from, p = PayloadDescriptor.HEADER_LENGTH + 4 * from; i < to; i++, p += 4) {
            target[i] += w * buffer.getFloat(p);
        }
    }
}
