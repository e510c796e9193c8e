package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/**
 * A compressor whose encoding and decoding are passes over the whole vector, split over the codec threads
 * in parts ({@link #encodePart}, {@link #decodePart}); the arguments of the pass in flight live in fields,
 * so that running a pass allocates nothing.
 */
abstract class PassCompressor extends AbstractCompressor implements CodecThreads.Task {
    private boolean decoding;
    protected float[] x;
    protected int off;
    protected int len;
    protected ByteBuffer buffer;
    protected float[] target;

    PassCompressor(String spec, int id, int parameter, boolean unbiased, CodecThreads threads) {
        super(spec, id, parameter, unbiased, threads);
    }

    /** Part {@code part} of {@code parts} of encoding {@link #x}{@code [off, off + len)} into {@link #buffer}. */
    protected abstract void encodePart(int part, int parts);

    /** Part {@code part} of {@code parts} of adding the {@link #len} elements of {@link #buffer} into {@link #target}. */
    protected abstract void decodePart(int part, int parts);

    /** Runs the encoding pass of {@code src[off, off + len)} into {@code dst}. */
    protected final void encodePass(float[] src, int off, int len, ByteBuffer dst) {
        this.decoding = false;
        this.x = src;
        this.off = off;
        this.len = len;
        this.buffer = dst;
        pass();
    }

    /** Runs the decoding pass of the {@code count} elements of {@code src} into {@code target}. */
    protected final void decodePass(ByteBuffer src, int count, float[] target) {
        this.decoding = true;
        this.len = count;
        this.buffer = src;
        this.target = target;
        pass();
    }

    private void pass() {
        try {
            threads.run(this);
        } finally {
            x = null;
            buffer = null;
            target = null;
        }
    }

    @Override
    public final void run(int part, int parts) {
        if (decoding) {
            decodePart(part, parts);
        } else {
            encodePart(part, parts);
        }
    }

    /** The first group of part {@code part} of {@code parts} of a body of {@link #len} codes of {@code width} bits. */
    protected final int groupOf(int part, int parts, int width) {
        return CodecThreads.split(WordPacking.groups(len, width), part, parts);
    }
}
