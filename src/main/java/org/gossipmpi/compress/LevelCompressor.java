package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/**
 * The compressors that send ||x||_2 and one code per element, {@code 1 + ceil(log2(S+1))} bits (sign and a
 * level in 0..S) relative to that norm: QSGD and natural dithering. Encoding is two passes over x, each split
 * over the codec threads: the norms (the finite check folded in), then quantize-and-pack into whole words
 * ({@link WordPacking}); decoding is one pass, unpack-and-add.
 */
abstract class LevelCompressor extends PassCompressor {
    protected final int levels;
    protected final int width;
    private final int mode;
    private final long seed;
    private final int rank;
    private final Quantizer quantizer;
    private final Norms norms;

    // The scalars of the pass in flight.
    private float multiplier;
    private int key;
    private float unit;

    LevelCompressor(String spec, int id, int parameter, boolean unbiased, int mode, int levels, long seed, int rank,
                    Quantizer quantizer, CodecThreads threads) {
        super(spec, id, parameter, unbiased, threads);
        this.mode = mode;
        this.levels = levels;
        this.width = 1 + Bits.ceilLog2(levels + 1L);
        this.seed = seed;
        this.rank = rank;
        this.quantizer = quantizer;
        this.norms = new Norms(quantizer);
    }

    /** The quantizer's multiplier for this norm: s / norm for QSGD, 1 / norm for dithering. */
    protected abstract float multiplier(float norm);

    /** What the header's scale carries for this norm (the norm, or the norm over zeta for a biased variant). */
    protected abstract float scale(float norm, int d);

    /** The decoded value of level 1 (QSGD) or of level S (dithering) for this header scale and weight. */
    protected abstract float unit(float scale, float weight);

    @Override
    public final int maxEncodedBytes(int d) {
        return PayloadDescriptor.HEADER_LENGTH + WordPacking.bytes(d, width);
    }

    @Override
    public final long paperBits(int d) {
        return 32 + (long) d * width;
    }

    @Override
    public final int encode(float[] src, int off, int len, ByteBuffer dst, long step) {
        if (!norms.compute(src, off, len, threads)) {
            throw nonFinite(src, off, len, step);
        }
        final float norm = (float) Math.sqrt(norms.squareSum);
        this.multiplier = norm > 0 ? multiplier(norm) : 0f;
        this.key = CounterRandom.streamKey(seed, rank, step);
        encodePass(src, off, len, dst);
        PayloadDescriptor.write(dst, id(), headerParameter(), 0, len, len, scale(norm, len));
        return PayloadDescriptor.HEADER_LENGTH + WordPacking.bytes(len, width);
    }

    @Override
    public final void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        this.unit = unit(PayloadDescriptor.scale(src), weight);
        decodePass(src, PayloadDescriptor.count(src), target);
    }

    @Override
    protected final void encodePart(int part, int parts) {
        quantizer.packLevels(mode, x, off, len, width, levels, multiplier, key, groupOf(part, parts, width),
            groupOf(part + 1, parts, width), buffer, PayloadDescriptor.HEADER_LENGTH);
    }

    @Override
    protected final void decodePart(int part, int parts) {
        quantizer.addLevels(mode, buffer, PayloadDescriptor.HEADER_LENGTH, len, width, levels, unit,
            groupOf(part, parts, width), groupOf(part + 1, parts, width), target);
    }
}
