package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/**
 * {@code natural} (natural compression, Horvath et al. 2019): every x_i stochastically rounded to one of the
 * two powers of two around it, unbiased, zeta = 9/8. Body: per element a sign and a biased exponent in 9
 * bits, seven to a word ({@link WordPacking}). One pass each way, from the float's exponent and mantissa
 * bits; the finite check is folded into the encoding pass.
 */
public final class NaturalCompressor extends PassCompressor {
    public static final int ID = 6;
    private static final int WIDTH = 9;

    private final long seed;
    private final int rank;
    private final Quantizer quantizer;
    private final boolean[] special;

    private int key;
    private float weight;

    NaturalCompressor(long seed, int rank, Quantizer quantizer, CodecThreads threads) {
        super("natural", ID, 0, true, threads);
        this.seed = seed;
        this.rank = rank;
        this.quantizer = quantizer;
        this.special = new boolean[threads.threads()];
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
        return PayloadDescriptor.HEADER_LENGTH + WordPacking.bytes(d, WIDTH);
    }

    @Override
    public long paperBits(int d) {
        return 9L * d;
    }

    @Override
    public int encode(float[] src, int off, int len, ByteBuffer dst, long step) {
        key = CounterRandom.streamKey(seed, rank, step);
        encodePass(src, off, len, dst);
        for (int p = 0; p < special.length; p++) {
            if (special[p]) {
                throw nonFinite(src, off, len, step);
            }
        }
        PayloadDescriptor.write(dst, ID, 0, 0, len, len, 1f);
        return PayloadDescriptor.HEADER_LENGTH + WordPacking.bytes(len, WIDTH);
    }

    @Override
    public void decodeAdd(ByteBuffer src, int length, float weight, float[] target) {
        this.weight = weight;
        decodePass(src, PayloadDescriptor.count(src), target);
    }

    @Override
    protected void encodePart(int part, int parts) {
        special[part] = quantizer.packLevels(Quantizer.NATURAL, x, off, len, WIDTH, 0, 0f, key,
            groupOf(part, parts, WIDTH), groupOf(part + 1, parts, WIDTH), buffer, PayloadDescriptor.HEADER_LENGTH);
    }

    @Override
    protected void decodePart(int part, int parts) {
        quantizer.addLevels(Quantizer.NATURAL, buffer, PayloadDescriptor.HEADER_LENGTH, len, WIDTH, 0, weight,
            groupOf(part, parts, WIDTH), groupOf(part + 1, parts, WIDTH), target);
    }
}
