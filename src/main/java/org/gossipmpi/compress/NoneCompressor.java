package org.gossipmpi.compress;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * {@code none}: the exact vector in fp32; 4 d bytes after the header. Encoding checks a chunk of
 * {@value #CHUNK} elements for NaN and infinity ({@link Quantizer#allBelow}) and copies it with the JDK's bulk
 * copy while it is in cache (one pass over the vector); decoding bulk-copies a chunk of the body into a
 * cache-sized scratch array and adds it from there ({@link Quantizer#addScaled}). The quantizer's Java path
 * runs both (SIMD with the Vector API).
 */
public final class NoneCompressor extends PassCompressor {
    public static final int ID = 1;

    /** Elements per chunk: 16 KiB of floats, well inside a first-level cache. */
    static final int CHUNK = 4096;

    private final Quantizer dense;
    private final boolean[] special;
    private final float[][] scratch;
    private final BodyViews views = new BodyViews();
    private FloatBuffer body;
    private float weight;

    NoneCompressor(Quantizer dense, CodecThreads threads) {
        super("none", ID, 0, true, threads);
        this.dense = dense;
        this.special = new boolean[threads.threads()];
        this.scratch = new float[threads.threads()][CHUNK];
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
        return PayloadDescriptor.capacity(PayloadDescriptor.HEADER_LENGTH + 4L * d, d, spec());
    }

    @Override
    public long paperBits(int d) {
        return 32L * d;
    }

    @Override
    public int encode(float[] src, int off, int len, ByteBuffer dst, long step) {
        body = views.floats(dst);
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
        body = views.floats(src);
        decodePass(src, PayloadDescriptor.count(src), target);
    }

    @Override
    protected void encodePart(int part, int parts) {
        final int from = CodecThreads.split(len, part, parts);
        final int to = CodecThreads.split(len, part + 1, parts);
        boolean finite = true;
        for (int c = from; c < to; c += CHUNK) {
            final int end = Math.min(to, c + CHUNK);
            finite &= dense.allBelow(x, off + c, off + end, Float.POSITIVE_INFINITY);
            body.put(c, x, off + c, end - c);
        }
        special[part] = !finite;
    }

    @Override
    protected void decodePart(int part, int parts) {
        final int from = CodecThreads.split(len, part, parts);
        final int to = CodecThreads.split(len, part + 1, parts);
        final float w = weight;
        final float[] values = scratch[part];
        for (int c = from; c < to; c += CHUNK) {
            final int n = Math.min(to - c, CHUNK);
            body.get(c, values, 0, n);
            dense.addScaled(values, n, w, target, c);
        }
    }
}
