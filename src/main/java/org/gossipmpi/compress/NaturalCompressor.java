package org.gossipmpi.compress;

import java.nio.ByteBuffer;

import org.gossipmpi.kernel.Quantizer;

/**
 * {@code natural} (natural compression, Horvath et al. 2019): every x_i stochastically rounded to one of the
 * two powers of two around it, unbiased, zeta = 9/8. Body: per element a sign and an exponent in 9 bits, or
 * in 8 bits when the message's exponents span fewer than 127 values (the smallest in the header's scale;
 * {@link #FLAG_COMPACT}).
 */
public final class NaturalCompressor extends AbstractCompressor {
    public static final int ID = 6;
    /** Header flag: 8-bit codes relative to the base exponent in the scale field. */
    static final int FLAG_COMPACT = 2;

    private final long seed;
    private final int rank;
    private final Quantizer quantizer;
    private int[] codes = new int[0];

    NaturalCompressor(long seed, int rank, Quantizer quantizer) {
        super("natural", ID, 0, true);
        this.seed = seed;
        this.rank = rank;
        this.quantizer = quantizer;
    }

    @Override
    public double omega(int d) {
        return 1 / zeta(d);
    }

    @Override
    public double zeta(int d) {
        return 9.0 / 8;
    }

    @Override
    public int maxEncodedBytes(int d) {
        return PayloadDescriptor.HEADER_LENGTH + BitPacking.bytes(d, 9);
    }

    @Override
    public long paperBits(int d) {
        return 9L * d;
    }

    @Override
    public int encode(float[] src, int off, int len, ByteBuffer dst, long step) {
        Compressor.checkFinite(src, off, len, spec());
        if (codes.length < len) {
            codes = new int[len];
        }
        quantizer.natural(src, off, len, CounterRandom.streamKey(seed, rank, step), codes);
        int min = 255;
        int max = 0;
        for (int i = 0; i < len; i++) {
            final int level = codes[i] >>> 1;
            if (level != 0) {
                min = Math.min(min, level);
                max = Math.max(max, level);
            }
        }
        if (max - min < 127 || max == 0) {
            final int base = max == 0 ? 1 : min;
            for (int i = 0; i < len; i++) {
                final int level = codes[i] >>> 1;
                codes[i] = (level == 0 ? 0 : level - base + 1) << 1 | (codes[i] & 1);
            }
            PayloadDescriptor.write(dst, ID, 0, FLAG_COMPACT, len, len, base);
            return BitPacking.pack(codes, len, 8, dst, PayloadDescriptor.HEADER_LENGTH);
        }
        PayloadDescriptor.write(dst, ID, 0, 0, len, len, 0f);
        return BitPacking.pack(codes, len, 9, dst, PayloadDescriptor.HEADER_LENGTH);
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        final int d = PayloadDescriptor.count(src);
        final boolean compact = (PayloadDescriptor.flags(src) & FLAG_COMPACT) != 0;
        // level l stands for 2^(l - 127); compact codes r stand for level base + r - 1.
        final int shift = compact ? (int) PayloadDescriptor.scale(src) - 1 : 0;
        if (codes.length < d) {
            codes = new int[d];
        }
        BitPacking.unpack(src, PayloadDescriptor.HEADER_LENGTH, length, d, compact ? 8 : 9, codes);
        for (int i = 0; i < d; i++) {
            final int code = codes[i];
            final int level = code >>> 1;
            // level l stands for 2^(l - 127), whose float bits are l << 23; level 0 for zero.
            final float magnitude = level == 0 ? 0f : Float.intBitsToFloat((level + shift) << 23);
            target[i] += Signs.apply(weight * magnitude, code);
        }
    }
}
