package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/**
 * {@link Quantizer} in plain Java: the reference that the SIMD path and the OpenCL kernels are tested
 * against, and the fast path on JDK 17. Each pass reads {@code x} once; codes go straight into their word.
 * Stateless, so disjoint ranges may run on several threads.
 */
public final class ScalarQuantizer implements Quantizer {
    private static final int LANES = WordPacking.LANES;

    @Override
    public String describe() {
        return "Java (scalar)";
    }

    @Override
    public boolean threadSafe() {
        return true;
    }

    @Override
    public void chunkNorms(float[] x, int off, int len, int fromChunk, int toChunk, float[] squares,
                           float[] absolutes) {
        for (int c = fromChunk; c < toChunk; c++) {
            final int start = off + c * NORM_CHUNK;
            final int end = off + Math.min(len, (c + 1) * NORM_CHUNK);
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
            int i = start;
            for (; i + LANES <= end; i += LANES) {
                final float v0 = x[i], v1 = x[i + 1], v2 = x[i + 2], v3 = x[i + 3];
                final float v4 = x[i + 4], v5 = x[i + 5], v6 = x[i + 6], v7 = x[i + 7];
                s0 += v0 * v0; s1 += v1 * v1; s2 += v2 * v2; s3 += v3 * v3;
                s4 += v4 * v4; s5 += v5 * v5; s6 += v6 * v6; s7 += v7 * v7;
                a0 += Math.abs(v0); a1 += Math.abs(v1); a2 += Math.abs(v2); a3 += Math.abs(v3);
                a4 += Math.abs(v4); a5 += Math.abs(v5); a6 += Math.abs(v6); a7 += Math.abs(v7);
            }
            // The tail starts at lane 0 (chunks start at multiples of 8 from off).
            final int r = end - i;
            if (r > 0) { s0 += x[i] * x[i]; a0 += Math.abs(x[i]); }
            if (r > 1) { s1 += x[i + 1] * x[i + 1]; a1 += Math.abs(x[i + 1]); }
            if (r > 2) { s2 += x[i + 2] * x[i + 2]; a2 += Math.abs(x[i + 2]); }
            if (r > 3) { s3 += x[i + 3] * x[i + 3]; a3 += Math.abs(x[i + 3]); }
            if (r > 4) { s4 += x[i + 4] * x[i + 4]; a4 += Math.abs(x[i + 4]); }
            if (r > 5) { s5 += x[i + 5] * x[i + 5]; a5 += Math.abs(x[i + 5]); }
            if (r > 6) { s6 += x[i + 6] * x[i + 6]; a6 += Math.abs(x[i + 6]); }
            squares[c] = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
            absolutes[c] = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
        }
    }

    @Override
    public boolean packLevels(int mode, float[] x, int off, int len, int width, int s, float multiplier, int key,
                              int fromGroup, int toGroup, ByteBuffer dst, int body) {
        final int perWord = WordPacking.perWord(width);
        final int smallExponent = 128 - s; // natural dithering: biased exponents below it are under 2^(1-S)
        final float smallScale = Quantizer.ditherSmallScale(Math.max(s, 1));
        int special = 0;
        for (int g = fromGroup; g < toGroup; g++) {
            final int words = WordPacking.wordsOf(g, len, width);
            final boolean full = words == LANES && (g + 1) * LANES * perWord <= len;
            for (int j = 0; j < words; j++) {
                long word = 0;
                for (int k = 0; k < perWord; k++) {
                    final int i = WordPacking.element(g, j, k, perWord, full);
                    if (i >= len) {
                        break;
                    }
                    final float v = x[off + i];
                    final int h = CounterRandom.bits(key, i);
                    final int level;
                    if (mode == QSGD) {
                        level = qsgdLevel(v, multiplier, s, h);
                    } else if (mode == NATURAL) {
                        final int abs = Float.floatToRawIntBits(v) & 0x7FFFFFFF;
                        special |= abs + 0x00800000; // bit 31 set for an exponent of all ones
                        level = naturalLevel(abs, h);
                    } else {
                        level = ditherLevel(Math.abs(v) * multiplier, s, smallExponent, smallScale, h);
                    }
                    word |= (long) (level << 1 | (v < 0 ? 1 : 0)) << (k * width);
                }
                dst.putLong(body + 8 * (g * LANES + j), word);
            }
        }
        return special < 0;
    }

    /** QSGD's level of v (see {@link Quantizer}). */
    static int qsgdLevel(float v, float multiplier, int s, int h) {
        final float u = Math.abs(v) * multiplier;
        final int low = (int) u;
        final int up = (h >>> 8) * 0x1p-24f < u - low ? 1 : 0;
        return Math.min(low + up, s);
    }

    /** Natural compression's level of |v| given as its bits (see {@link Quantizer}). */
    static int naturalLevel(int abs, int h) {
        final int up = (h >>> 9) < (abs & 0x7FFFFF) ? 1 : 0;
        return Math.min((abs >>> 23) + up, 254);
    }

    /** Natural dithering's level of u = |v| / ||x|| (see {@link Quantizer}). */
    static int ditherLevel(float u, int s, int smallExponent, float smallScale, int h) {
        final int bits = Float.floatToRawIntBits(u);
        final int e = bits >>> 23;
        final int main = Math.min(e - 127 + s + ((h >>> 9) < (bits & 0x7FFFFF) ? 1 : 0), s);
        final int small = (h >>> 8) * 0x1p-24f < u * smallScale ? 1 : 0;
        return e < smallExponent ? small : main;
    }

    @Override
    public void packSigns(float[] x, int off, int len, int fromChunk, int toChunk, float[] absolutes,
                          ByteBuffer dst, int body) {
        final int groupsPerChunk = NORM_CHUNK / (LANES * 64);
        final int groups = WordPacking.groups(len, 1);
        for (int c = fromChunk; c < toChunk; c++) {
            final int g0 = c * groupsPerChunk;
            final int g1 = Math.min(groups, g0 + groupsPerChunk);
            for (int g = g0; g < g1; g++) {
                final int words = WordPacking.wordsOf(g, len, 1);
                final boolean full = words == LANES && (g + 1) * LANES * 64 <= len;
                for (int j = 0; j < words; j++) {
                    long word = 0;
                    for (int k = 0; k < 64; k++) {
                        final int i = WordPacking.element(g, j, k, 64, full);
                        if (i >= len) {
                            break;
                        }
                        word |= (x[off + i] < 0 ? 1L : 0L) << k;
                    }
                    dst.putLong(body + 8 * (g * LANES + j), word);
                }
            }
        }
        // The sums of |x_i| in the canonical order, in a pass of their own (the chunk is in cache).
        chunkNorms(x, off, len, fromChunk, toChunk, scratchSquares(toChunk), absolutes);
    }

    private static final ThreadLocal<float[][]> SQUARES = ThreadLocal.withInitial(() -> new float[][] {new float[1]});

    private static float[] scratchSquares(int n) {
        final float[][] holder = SQUARES.get();
        if (holder[0].length < n) {
            holder[0] = new float[n];
        }
        return holder[0];
    }

    @Override
    public void addLevels(int mode, ByteBuffer src, int body, int count, int width, int s, float unit,
                          int fromGroup, int toGroup, float[] target) {
        final int perWord = WordPacking.perWord(width);
        final long mask = WordPacking.mask(width);
        // Level j's magnitude as float bits: QSGD converts j; natural: j << 23; dithering: (j - S + 127) << 23.
        final int ditherBias = 127 - s;
        for (int g = fromGroup; g < toGroup; g++) {
            final int words = WordPacking.wordsOf(g, count, width);
            final boolean full = words == LANES && (g + 1) * LANES * perWord <= count;
            for (int j = 0; j < words; j++) {
                final long word = src.getLong(body + 8 * (g * LANES + j));
                for (int k = 0; k < perWord; k++) {
                    final int i = WordPacking.element(g, j, k, perWord, full);
                    if (i >= count) {
                        break;
                    }
                    final int code = (int) ((word >>> (k * width)) & mask);
                    final int level = code >>> 1;
                    final float magnitude;
                    if (mode == QSGD) {
                        magnitude = level;
                    } else if (mode == NATURAL) {
                        magnitude = Float.intBitsToFloat(level << 23);
                    } else {
                        magnitude = Float.intBitsToFloat(((level + ditherBias) << 23) & -(level != 0 ? 1 : 0));
                    }
                    target[i] += Float.intBitsToFloat(Float.floatToRawIntBits(unit * magnitude) ^ (code << 31));
                }
            }
        }
    }

    @Override
    public void addSigns(ByteBuffer src, int body, int count, float unit, int fromGroup, int toGroup,
                         float[] target) {
        final int plus = Float.floatToRawIntBits(unit);
        for (int g = fromGroup; g < toGroup; g++) {
            final int words = WordPacking.wordsOf(g, count, 1);
            final boolean full = words == LANES && (g + 1) * LANES * 64 <= count;
            for (int j = 0; j < words; j++) {
                final long word = src.getLong(body + 8 * (g * LANES + j));
                for (int k = 0; k < 64; k++) {
                    final int i = WordPacking.element(g, j, k, 64, full);
                    if (i >= count) {
                        break;
                    }
                    target[i] += Float.intBitsToFloat(plus ^ ((int) (word >>> k) << 31));
                }
            }
        }
    }
}
