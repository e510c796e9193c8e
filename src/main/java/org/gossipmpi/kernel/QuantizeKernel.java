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
    int len;
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
        // Written as in CounterRandom.uniform: mix(mix(key + i * golden) ^ key), top 24 bits.
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

    private int qsgdLevel(float v) {
        final float u = abs(v) * invNorm * s;
        final float fl = floor(u);
        final int level = (int) fl + (uniform(getGlobalId()) < u - fl ? 1 : 0);
        return level > s ? s : level;
    }

    private int naturalLevel(float v) {
        final float a = abs(v);
        final float r = uniform(getGlobalId());
        int level = 0;
        if (a >= 0x1p-126f) {
            final int e = exponent(a);
            final int up = r < (a - pow(2f, (float) e)) * pow(2f, (float) -e) ? 1 : 0;
            level = min(e + 127 + up, 254);
        } else if (a > 0f) {
            level = r < a * 0x1p126f ? 1 : 0;
        }
        return level;
    }

    private int natDitherLevel(float v) {
        final float u = abs(v) * invNorm;
        final float r = uniform(getGlobalId());
        int level = s;
        if (u < pow(2f, (float) (1 - s))) {
            level = r < u * pow(2f, (float) (s - 1)) ? 1 : 0;
        } else if (u < 1f) {
            final int e = exponent(u);
            level = e + s + (r < (u - pow(2f, (float) e)) * pow(2f, (float) -e) ? 1 : 0);
        }
        return level;
    }

    @Override
    public void run() {
        final int i = getGlobalId();
        if (i < len) {
            final float v = x[off + i];
            int level = 0;
            if (mode == QSGD) {
                level = qsgdLevel(v);
            } else if (mode == NATURAL) {
                level = naturalLevel(v);
            } else if (mode == NAT_DITHER) {
                level = natDitherLevel(v);
            }
            codes[i] = level << 1 | (v < 0f ? 1 : 0);
        }
    }
}
