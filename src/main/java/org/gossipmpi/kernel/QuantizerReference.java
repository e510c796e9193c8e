package org.gossipmpi.kernel;

import org.gossipmpi.compress.CounterRandom;

/** The plain Java twin of {@link QuantizerKernels}: the definitions, written for clarity. */
public final class QuantizerReference implements Quantizer {
    /** Elements per partial sum in {@link #norms}. */
    public static final int NORM_CHUNK = 4096;

    @Override
    public String describe() {
        return "Java (reference twin)";
    }

    @Override
    public void norms(float[] x, int off, int len, double[] out) {
        double sq = 0;
        double abs = 0;
        for (int c = 0; c < len; c += NORM_CHUNK) {
            final int end = Math.min(len, c + NORM_CHUNK);
            // Four independent partial sums instead of one dependency chain; the kernel sums sequentially,
            // so the two agree to rounding (the differential test allows 1e-5 relative).
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            int i = off + c;
            for (final int stop = off + end - 3; i < stop; i += 4) {
                final float v0 = x[i];
                final float v1 = x[i + 1];
                final float v2 = x[i + 2];
                final float v3 = x[i + 3];
                s0 += v0 * v0;
                s1 += v1 * v1;
                s2 += v2 * v2;
                s3 += v3 * v3;
                a0 += Math.abs(v0);
                a1 += Math.abs(v1);
                a2 += Math.abs(v2);
                a3 += Math.abs(v3);
            }
            for (; i < off + end; i++) {
                s0 += x[i] * x[i];
                a0 += Math.abs(x[i]);
            }
            sq += (double) s0 + s1 + s2 + s3;
            abs += (double) a0 + a1 + a2 + a3;
        }
        out[0] = sq;
        out[1] = abs;
    }

    @Override
    public void qsgd(float[] x, int off, int len, float invNorm, int s, int key, int[] codes) {
        for (int i = 0; i < len; i++) {
            final float v = x[off + i];
            final float u = Math.abs(v) * invNorm * s;
            final int low = (int) u; // floor, since u >= 0
            int level = low + below(CounterRandom.uniform(key, i), u - low);
            if (level > s) {
                level = s;
            }
            codes[i] = level << 1 | (v < 0 ? 1 : 0);
        }
    }

    /** 1 if r < p, else 0, without a branch (the comparison is random: a branch would mispredict half the time). */
    private static int below(float r, float p) {
        return Float.floatToRawIntBits(r - p) >>> 31;
    }

    @Override
    public void natural(float[] x, int off, int len, int key, int[] codes) {
        for (int i = 0; i < len; i++) {
            final float v = x[off + i];
            final float a = Math.abs(v);
            int level;
            if (a == 0) {
                level = 0;
            } else if (a < Float.MIN_NORMAL) {
                level = CounterRandom.uniform(key, i) < a / Float.MIN_NORMAL ? 1 : 0;
            } else {
                final int e = Math.getExponent(a);
                final float low = Math.scalb(1f, e);
                level = e + 127 + (CounterRandom.uniform(key, i) < (a - low) / low ? 1 : 0);
                if (level > 254) {
                    level = 254;
                }
            }
            codes[i] = level << 1 | (v < 0 ? 1 : 0);
        }
    }

    @Override
    public void natDither(float[] x, int off, int len, float invNorm, int s, int key, int[] codes) {
        final float smallest = Math.scalb(1f, 1 - s);
        for (int i = 0; i < len; i++) {
            final float v = x[off + i];
            final float u = Math.abs(v) * invNorm;
            int level;
            if (u >= 1f) {
                level = s;
            } else if (u < smallest) {
                level = CounterRandom.uniform(key, i) < u / smallest ? 1 : 0;
            } else {
                final int e = Math.getExponent(u);
                final float low = Math.scalb(1f, e);
                level = e + s + (CounterRandom.uniform(key, i) < (u - low) / low ? 1 : 0);
            }
            codes[i] = level << 1 | (v < 0 ? 1 : 0);
        }
    }

    @Override
    public void signs(float[] x, int off, int len, int[] codes) {
        for (int i = 0; i < len; i++) {
            codes[i] = x[off + i] < 0 ? 1 : 0;
        }
    }
}
