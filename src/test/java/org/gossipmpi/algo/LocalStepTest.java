package org.gossipmpi.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The local step fused with the difference CHOCO-SGD sends (one pass) gives, bit for bit, the local step and then
 * the difference, for every kind of step, over several steps (the velocity carried along).
 */
class LocalStepTest {

    private static float[] random(SplittableRandom r, int n) {
        final float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @ParameterizedTest
    @EnumSource(LocalStep.Kind.class)
    void theFusedPassEqualsTheStepThenTheDifference(LocalStep.Kind kind) {
        final int n = 1001;
        final double mu = kind == LocalStep.Kind.NONE ? 0 : 0.9;
        final LocalStep apart = new LocalStep(kind, mu, n);
        final LocalStep fused = new LocalStep(kind, mu, n);
        final SplittableRandom r = new SplittableRandom(3);
        final float[] x1 = random(r, n);
        final float[] x2 = x1.clone();
        final float[] diff1 = new float[n];
        final float[] diff2 = new float[n];
        for (int step = 0; step < 5; step++) {
            final float[] g = random(r, n);
            final float[] xhat = random(r, n);
            apart.apply(x1, g, 0.1f);
            for (int i = 0; i < n; i++) {
                diff1[i] = x1[i] - xhat[i];
            }
            fused.apply(x2, g, 0.1f, xhat, diff2);
            assertArrayEquals(x1, x2);
            assertArrayEquals(diff1, diff2);
        }
    }
}
