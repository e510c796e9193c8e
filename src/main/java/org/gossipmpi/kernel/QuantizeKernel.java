package org.gossipmpi.kernel;

import com.aparapi.Kernel;

/**
 * One work item per element: the codes of {@link Quantizer}'s qsgd, natural, natDither and signs, selected
 * by {@link #mode}. The random numbers are {@code compress.CounterRandom}'s, written out here because a
 * kernel can only call its own methods. Exponents come from log2 and pow, then are corrected by exact
 * doublings and halvings, since OpenCL kernels cannot reinterpret float bits from Java.
 */
final class QuantizeKernel extends Kernel {
    static final int QSGD = 0;
    static final int NATURAL = 1;
    static final int NAT_DITHER = 2;
    static final int SIGNS = 3;

    float[] x;
    int[] codes;
    int off;
    int mode;
    float invNorm;
    int s;
    int key;

    private int mix(int h) {
        h ^= h >>> 16;
        h *= 0x7feb352d;
        h ^= h >>> 15;
        h *= 0x846ca68b;
        h ^= h >>> 16;
        return h;
    }

    private float uniform(int i) {
        return (mix(mix(key + i * 0x9E3779B9) ^ key) >>> 8) * 0x1p-24f;
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

    @Override
    public void run() {
        final int i = getGlobalId();
        final float v = x[off + i];
        final int sign = v < 0f ? 1 : 0;
        int level = 0;
        if (mode == QSGD) {
            final float u = abs(v) * invNorm * s;
            final float fl = floor(u);
            level = (int) fl;
            if (uniform(i) < u - fl) {
                level++;
            }
            if (level > s) {
                level = s;
            }
        } else if (mode == NATURAL) {
            final float a = abs(v);
            if (a > 0f) {
                if (a < 0x1p-126f) {
                    if (uniform(i) < a * 0x1p126f) {
                        level = 1;
                    }
                } else {
                    final int e = exponent(a);
                    level = e + 127;
                    if (uniform(i) < (a - pow(2f, (float) e)) * pow(2f, (float) -e)) {
                        level++;
                    }
                    if (level > 254) {
                        level = 254;
                    }
                }
            }
        } else if (mode == NAT_DITHER) {
            final float u = abs(v) * invNorm;
            if (u >= 1f) {
                level = s;
            } else if (u < pow(2f, (float) (1 - s))) {
                if (uniform(i) < u * pow(2f, (float) (s - 1))) {
                    level = 1;
                }
            } else {
                final int e = exponent(u);
                level = e + s;
                if (uniform(i) < (u - pow(2f, (float) e)) * pow(2f, (float) -e)) {
                    level++;
                }
            }
        }
        codes[i] = level << 1 | sign;
    }
}
