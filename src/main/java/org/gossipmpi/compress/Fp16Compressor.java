package org.gossipmpi.compress;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;

/**
 * {@code fp16}: the vector rounded to IEEE half precision ({@link Half}); 2 d bytes after the header. One
 * pass each way over the vector, a chunk at a time through a cache-sized scratch array of halves that the
 * JDK's bulk copies move to and from the body (loops the JIT vectorizes where the JDK has the conversions);
 * the encoding pass also refuses values beyond half's range and non-finite ones ({@link Quantizer#allBelow}
 * on the chunk in cache).
 */
public final class Fp16Compressor extends PassCompressor {
    public static final int ID = 2;

    /** The smallest |x| that rounds to half's infinity (65504 + half an ulp of 32). */
    private static final float OVERFLOW = 65520f;

    private final Quantizer dense;
    private final int[] firstBad;
    private final short[][] scratch;
    private final BodyViews views = new BodyViews();
    private ShortBuffer body;
    private float weight;

    Fp16Compressor(Quantizer dense, CodecThreads threads) {
        super("fp16", ID, 0, false, threads); // round to nearest: deterministic, close to exact, not unbiased
        this.dense = dense;
        this.firstBad = new int[threads.threads()];
        this.scratch = new short[threads.threads()][NoneCompressor.CHUNK];
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
        return PayloadDescriptor.capacity(PayloadDescriptor.HEADER_LENGTH + 2L * d, d, spec());
    }

    @Override
    public long paperBits(int d) {
        return 16L * d;
    }

    @Override
    public int encode(float[] src, int off, int len, ByteBuffer dst, long step) {
        body = views.shorts(dst);
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
        body = views.shorts(src);
        decodePass(src, PayloadDescriptor.count(src), target);
    }

    @Override
    protected void encodePart(int part, int parts) {
        final int from = CodecThreads.split(len, part, parts);
        final int to = CodecThreads.split(len, part + 1, parts);
        final short[] halves = scratch[part];
        boolean representable = true;
        for (int c = from; c < to; c += NoneCompressor.CHUNK) {
            final int n = Math.min(to - c, NoneCompressor.CHUNK);
            final int at = off + c;
            representable &= dense.allBelow(x, at, at + n, OVERFLOW);
            for (int j = 0; j < n; j++) {
                halves[j] = Half.fromFloat(x[at + j]);
            }
            body.put(c, halves, 0, n);
        }
        firstBad[part] = representable ? -1 : firstOverflow(from, to);
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
        final short[] halves = scratch[part];
        for (int c = from; c < to; c += NoneCompressor.CHUNK) {
            final int n = Math.min(to - c, NoneCompressor.CHUNK);
            body.get(c, halves, 0, n);
            for (int j = 0; j < n; j++) {
                target[c + j] += w * Half.toFloat(halves[j]);
            }
        }
    }
}
