package org.gossipmpi.testing;

import java.util.SplittableRandom;

/** Inputs that stress quantizers: zeros, subnormals, powers of two, extremes, Gaussians. */
public final class QuantizerInputs {
    private QuantizerInputs() {
    }

    public static float[] stressing(long seed, int d) {
        final SplittableRandom r = new SplittableRandom(seed);
        final float[] x = new float[d];
        for (int i = 0; i < d; i++) {
            switch (r.nextInt(8)) {
                case 0:
                    x[i] = 0;
                    break;
                case 1:
                    x[i] = Math.scalb(1f, r.nextInt(-30, 30)) * (r.nextBoolean() ? 1 : -1);
                    break;
                case 2:
                    x[i] = Float.MIN_VALUE * r.nextInt(1, 1 << 20);
                    break;
                case 3:
                    x[i] = (float) Math.pow(10, r.nextDouble(-30, 30)) * (r.nextBoolean() ? 1 : -1);
                    break;
                default:
                    x[i] = (float) r.nextGaussian();
            }
        }
        return x;
    }
}
