package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/**
 * {@code fp16}: the vector rounded to IEEE half precision ({@link Half}); 2 d bytes after the header. One
 * pass each way; the encoding pass also refuses values beyond half's range and non-finite ones.
 */
public final class Fp16Compressor extends PassCompressor {
    public static final int ID = 2;

    private final int[] firstBad;
    private float weight;

    Fp16Compressor(CodecThreads threads) {
        super("fp16", ID, 0, false, threads); // round to nearest: deterministic, close to exact, not unbiased
        this.firstBad = new int[threads.threads()];
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
        encodePass(src, off, len, dst);
        for (int bad : firstBad) {
            if (bad >= 0) {
                if (!Float.isFinite(src[off + bad])) {
                    throw nonFinite(src, off, len, step);
                }
                throw new IllegalArgumentException("compressor fp16: element " + bad + " of the vector is "
                    + src[off + bad] + " at step " + step + ", beyond half precision's largest value 65504; use 'none'");
            }
        }
        PayloadDescriptor.write(dst, ID, 0, 0, len, len, 1f);
        return PayloadDescriptor.HEADER_LENGTH + 2 * len;
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
        int overflow = 0;
        for (int i = from, p = PayloadDescriptor.HEADER_LENGTH + 2 * from; i < to; i++, p += 2) {
            final short h = Half.fromFloat(x[off + i]);
            overflow |= ((h & 0x7C00) + 0x0400) & 0x8000; // set for an exponent of all ones (infinity, NaN)
            buffer.putShort(p, h);
        }
        firstBad[part] = overflow == 0 ? -1 : firstOverflow(from, to);
    }

    private int firstOverflow(int from, int to) {
        for (int i = from; i < to; i++) {
            if ((Half.fromFloat(x[off + i]) & 0x7C00) == 0x7C00) {
                return i;
            }
        }
        return -1;
    }

    @Override
    protected void decodePart(int part, int parts) {
        final int from = CodecThreads.split(len, part, parts);
        final int to = CodecThreads.split(len, part + 1, parts);
        final float w = weight;
        for (int i = from, p = PayloadDescriptor.HEADER_LENGTH + 2 * from; i < to; i++, p += 2) {
            target[i] += w * Half.toFloat(buffer.getShort(p));
        }
    }
}
