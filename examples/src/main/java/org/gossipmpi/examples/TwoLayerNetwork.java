package org.gossipmpi.examples;

import java.util.Random;

/**
 * A user's own model, in plain Java, with nothing of gossip-mpi in it: a two-layer network (one hidden layer of
 * rectified units, softmax output) whose parameters live in one flat {@code float[]}, the only thing the
 * optimizer sees. Layout: W1 (hidden x inputs), b1 (hidden), W2 (classes x hidden), b2 (classes).
 */
final class TwoLayerNetwork {
    final int inputs;
    final int hidden;
    final int classes;
    private final float[] h;
    private final float[] p;

    TwoLayerNetwork(int inputs, int hidden, int classes) {
        this.inputs = inputs;
        this.hidden = hidden;
        this.classes = classes;
        this.h = new float[hidden];
        this.p = new float[classes];
    }

    /** The number of parameters. */
    int size() {
        return hidden * inputs + hidden + classes * hidden + classes;
    }

    /** Small random weights (He's scale), zero biases. */
    void initialize(float[] w, long seed) {
        final Random r = new Random(seed);
        final double s1 = Math.sqrt(2.0 / inputs);
        final double s2 = Math.sqrt(2.0 / hidden);
        for (int i = 0; i < hidden * inputs; i++) {
            w[i] = (float) (r.nextGaussian() * s1);
        }
        final int w2 = hidden * inputs + hidden;
        for (int i = 0; i < classes * hidden; i++) {
            w[w2 + i] = (float) (r.nextGaussian() * s2);
        }
    }

    /**
     * The mean cross-entropy of rows {@code rows[0, count)} of {@code data}; with {@code grad} non-null, its gradient
     * is written there (overwritten).
     */
    double loss(float[] w, BlobData data, int[] rows, int count, float[] grad) {
        if (grad != null) {
            java.util.Arrays.fill(grad, 0f);
        }
        final int b1 = hidden * inputs;
        final int w2 = b1 + hidden;
        final int b2 = w2 + classes * hidden;
        double total = 0;
        for (int n = 0; n < count; n++) {
            final int row = rows[n];
            final float[] x = data.features(row);
            for (int j = 0; j < hidden; j++) {
                float a = w[b1 + j];
                for (int i = 0; i < inputs; i++) {
                    a += w[j * inputs + i] * x[i];
                }
                h[j] = Math.max(0f, a);
            }
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                float z = w[b2 + c];
                for (int j = 0; j < hidden; j++) {
                    z += w[w2 + c * hidden + j] * h[j];
                }
                p[c] = z;
                max = Math.max(max, z);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                p[c] = (float) Math.exp(p[c] - max);
                sum += p[c];
            }
            final int label = data.label(row);
            total -= Math.log(Math.max(1e-30, p[label] / sum));
            if (grad == null) {
                continue;
            }
            final float scale = 1f / count;
            for (int c = 0; c < classes; c++) {
                final float dz = (float) (p[c] / sum - (c == label ? 1 : 0)) * scale;
                grad[b2 + c] += dz;
                for (int j = 0; j < hidden; j++) {
                    grad[w2 + c * hidden + j] += dz * h[j];
                }
            }
            for (int j = 0; j < hidden; j++) {
                if (h[j] <= 0) {
                    continue;
                }
                float dh = 0;
                for (int c = 0; c < classes; c++) {
                    dh += (float) (p[c] / sum - (c == label ? 1 : 0)) * scale * w[w2 + c * hidden + j];
                }
                grad[b1 + j] += dh;
                for (int i = 0; i < inputs; i++) {
                    grad[j * inputs + i] += dh * x[i];
                }
            }
        }
        return total / count;
    }
}
