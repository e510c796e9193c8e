package org.gossipmpi.model;

/** Numerically stable pieces of the losses. */
final class Losses {
    private Losses() {
    }

    /** log(1 + exp(t)) without overflow for large t or loss of precision for very negative t. */
    static double softplus(double t) {
        return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
    }

    /** 1 / (1 + exp(-t)), stable on both sides. */
    static double sigmoid(double t) {
        if (t >= 0) {
            return 1 / (1 + Math.exp(-t));
        }
        final double e = Math.exp(t);
        return e / (1 + e);
    }

    /**
     * Replaces {@code z[off, off + c)} by softmax(z) and returns log-sum-exp(z), computed around the
     * maximum so nothing overflows.
     */
    static double softmaxInPlace(float[] z, int off, int c) {
        float max = z[off];
        for (int j = 1; j < c; j++) {
            max = Math.max(max, z[off + j]);
        }
        double sum = 0;
        for (int j = 0; j < c; j++) {
            sum += Math.exp(z[off + j] - max);
        }
        final double lse = max + Math.log(sum);
        for (int j = 0; j < c; j++) {
            z[off + j] = (float) Math.exp(z[off + j] - lse);
        }
        return lse;
    }

    /**
     * The L2 term of a weight block whose data term a matrix product writes next ({@link Batch#transposeTimes}
     * with {@link #dataBeta}): (lambda / 2) ||w[from, to)||^2, and grad[from, to) = lambda w where lambda is not 0;
     * without regularization grad is not touched (the product then overwrites it: no pass that zeroes it, no
     * pass that reads the zeros back).
     */
    static double l2Before(float[] w, int from, int to, double lambda, float[] grad) {
        return lambda == 0 ? 0 : l2(w, from, to, lambda, grad);
    }

    /** The beta of the product after {@link #l2Before}: 1 adds to the L2 term it wrote, 0 overwrites. */
    static float dataBeta(double lambda) {
        return lambda == 0 ? 0f : 1f;
    }

    /**
     * (lambda / 2) ||w[from, to)||^2 and, if grad is not null, grad[from, to) = lambda w (overwrites). Without
     * regularization (lambda 0, the default) the term is 0 and the gradient starts at 0, with no pass over w: the
     * sum of squares, a chain of dependent double additions, took a tenth of an MLP's gradient for nothing.
     */
    static double l2(float[] w, int from, int to, double lambda, float[] grad) {
        if (lambda == 0) {
            if (grad != null) {
                java.util.Arrays.fill(grad, from, to, 0f);
            }
            return 0;
        }
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) w[i] * w[i];
            if (grad != null) {
                grad[i] = (float) (lambda * w[i]);
            }
        }
        return 0.5 * lambda * s;
    }

    /** The index of the largest of z[off, off + c). */
    static int argmax(float[] z, int off, int c) {
        int best = 0;
        for (int j = 1; j < c; j++) {
            if (z[off + j] > z[off + best]) {
                best = j;
            }
        }
        return best;
    }
}
