package org.gossipmpi.compress;

import java.nio.ByteBuffer;

import org.gossipmpi.kernel.Quantizer;

/**
 * The compressors that send ||x||_2 and one code per element, {@code 1 + ceil(log2(S+1))} bits (sign and a
 * level in 0..S) relative to that norm: QSGD and natural dithering. Encoding: norms and levels on the
 * quantizer's device, then bit packing; decoding: unpacking, then the subclass's level-to-value map.
 */
abstract class LevelCompressor extends AbstractCompressor {
    protected final int levels;
    protected final int width;
    private final long seed;
    private final int rank;
    protected final Quantizer quantizer;
    private final double[] norms = new double[2];
    protected int[] codes = new int[0];

    LevelCompressor(String spec, int id, int parameter, boolean unbiased, int levels, long seed, int rank,
                    Quantizer quantizer) {
        super(spec, id, parameter, unbiased);
        this.levels = levels;
        this.width = 1 + Bits.ceilLog2(levels + 1L);
        this.seed = seed;
        this.rank = rank;
        this.quantizer = quantizer;
    }

    /** Writes the levels of {@code src[off, off + len)} relative to 1 / invNorm into {@code codes}. */
    protected abstract void quantize(float[] src, int off, int len, float invNorm, int key, int[] codes);

    /** What the header's scale carries for this norm (the norm, or the norm over zeta for a biased variant). */
    protected abstract float scale(float norm, int d);

    /** {@code target[i] += unit * value(level_i)} with signs, for the unpacked {@code codes[0, d)}. */
    protected abstract void addLevels(int[] codes, int d, float unit, float[] target);

    @Override
    public final int maxEncodedBytes(int d) {
        return PayloadDescriptor.HEADER_LENGTH + BitPacking.bytes(d, width);
    }

    @Override
    public final long paperBits(int d) {
        return 32 + (long) d * width;
    }

    @Override
    public final int encode(float[] src, int off, int len, ByteBuffer dst, long step) {
        Compressor.checkFinite(src, off, len, spec());
        if (codes.length < len) {
            codes = new int[len];
        }
        quantizer.norms(src, off, len, norms);
        final float norm = (float) Math.sqrt(norms[0]);
        quantize(src, off, len, norm > 0 ? 1f / norm : 0f, CounterRandom.streamKey(seed, rank, step), codes);
        PayloadDescriptor.write(dst, id(), headerParameter(), 0, len, len, scale(norm, len));
        return BitPacking.pack(codes, len, width, dst, PayloadDescriptor.HEADER_LENGTH);
    }

    @Override
    public final void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        final int d = PayloadDescriptor.count(src);
        if (codes.length < d) {
            codes = new int[d];
        }
        BitPacking.unpack(src, PayloadDescriptor.HEADER_LENGTH, length, d, width, codes);
        addLevels(codes, d, weight * PayloadDescriptor.scale(src), target);
    }
}
