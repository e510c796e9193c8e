package org.gossipmpi.kernel;

import com.aparapi.Kernel;

/**
 * One work item per 64-bit word of {@code compress.WordPacking}'s layout: the item quantizes the
 * {@code perWord} elements that its word holds (lane {@code word mod 8} of a full group, or the next
 * {@code perWord} elements of a partial last group) and packs their codes,
 * as {@code compress.ScalarQuantizer} does, in {@link #mode} QSGD, NATURAL, NAT_DITHER or SIGNS.
 *
 * <p>OpenCL kernels written through Aparapi cannot reinterpret float bits, so exponents and mantissas come
 * from exact arithmetic instead: log2, then exact doublings and halvings to correct it, then
 * {@code (a 2^-e - 1) 2^23}, which is the mantissa field exactly. The random numbers are
 * {@code compress.CounterRandom.bits}, written out here because a kernel can only call its own methods.
 */
final class QuantizeKernel extends Kernel {
    static final int QSGD = 0;
    static final int NATURAL = 1;
    static final int NAT_DITHER = 2;
    static final int SIGNS = 3;

    float[] x;
    long[] words;
    int[] special;
    int off;
    int len;
    int items;
    int firstWord;
    int width;
    int perWord;
    int mode;
    int s;
    int key;
    float multiplier;
    float smallThreshold;
    float smallScale;

    private int mix(int h) {
        h ^= h >>> 16;
        h *= 0x7feb352d;
        h ^= h >>> 15;
        h *= 0x846ca68b;
        h ^= h >>> 16;
        return h;
    }

    /** e with 2^e <= a < 2^(e+1), for a normal positive float. */
    private int exponent(float a) {
        int e = (int) floor(log(a) * 1.4426950408889634f);
        float p = pow(2f, (float) e);
        while (p > a) {
            p *= 0.5f;
            e--;
        }
        while (p * 2f <= a) {
            p *= 2f;
            e++;
        }
        return e;
    }

    /** The 23-bit mantissa field of a normal positive a with exponent e. */
    private int mantissa(float a, int e) {
        return (int) ((a * pow(2f, (float) -e) - 1f) * 0x1p23f);
    }

    private int qsgdLevel(float a, int h) {
        final float u = a * multiplier;
        final int low = (int) u;
        final int up = ((h >>> 8) * 0x1p-24f < u - low) ? 1 : 0;
        return min(low + up, s);
    }

    private int naturalLevel(float a, int h) {
        int level = 0;
        if (a >= 0x1p-126f) {
            final int e = exponent(a);
            level = min(e + 127 + ((h >>> 9) < mantissa(a, e) ? 1 : 0), 254);
        } else if (a > 0f) {
            level = (h >>> 9) < (int) (a * 0x1p126f * 0x1p23f) ? 1 : 0; // a subnormal's mantissa field
        }
        return level;
    }

    private int ditherLevel(float a, int h) {
        final float u = a * multiplier;
        int level = s;
        if (u < smallThreshold) {
            level = ((h >>> 8) * 0x1p-24f < u * smallScale) ? 1 : 0;
        } else if (u < 1f) {
            final int e = exponent(u);
            level = e + s + ((h >>> 9) < mantissa(u, e) ? 1 : 0);
        }
        return level;
    }

    @Override
    public void run() {
        final int item = getGlobalId();
        if (item < items) {
            final int word = firstWord + item;
            final int groupStart = (word >> 3) * 8 * perWord;
            // A full group interleaves its words; a partial last group holds its codes in order.
            final int full = groupStart + 8 * perWord <= len ? 1 : 0;
            final int j = word & 7;
            long packed = 0;
            int bad = 0;
            for (int k = 0; k < perWord; k++) {
                int i = groupStart + j * perWord + k;
                if (full == 1) {
                    i = groupStart + 8 * k + j;
                }
                if (i < len) {
                    final float v = x[off + i];
                    final float a = abs(v);
                    final int h = mix(key + i * 0x9E3779B9);
                    int level = 0;
                    if (mode == QSGD) {
                        level = qsgdLevel(a, h);
                    } else if (mode == NATURAL) {
                        if (a != a || a > 3.4028235e38f) {
                            bad = 1;
                        } else {
                            level = naturalLevel(a, h);
                        }
                    } else if (mode == NAT_DITHER) {
                        level = ditherLevel(a, h);
                    }
                    final int code = (level << 1) | (v < 0f ? 1 : 0);
                    packed |= ((long) code) << (k * width);
                }
            }
            words[item] = packed;
            special[item] = bad;
        }
    }
}
