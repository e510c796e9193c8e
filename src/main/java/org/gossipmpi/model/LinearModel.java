package org.gossipmpi.model;

import org.gossipmpi.kernel.Gemm;

/**
 * The models with one score per sample, z = x . w (no bias): {@link #logistic} (labels +-1, loss
 * log(1 + exp(-y z))) and {@link #leastSquares} (real targets, loss (z - y)^2 / 2). Parameters: w[0, D).
 * Gradient: X^T c / B + lambda w with c_i the derivative of the loss in z_i, both products on the device.
 */
public final class LinearModel implements Model {
    private final boolean logistic;
    private final int features;
    private final double lambda;
    private final Gemm gemm;
    private float[] scores = new float[0];

    private LinearModel(boolean logistic, int features, double lambda, Gemm gemm) {
        this.logistic = logistic;
        this.features = features;
        this.lambda = lambda;
        this.gemm = gemm;
    }

    /** Binary logistic regression, labels +-1, no bias, initial model zero. */
    public static LinearModel logistic(int features, double lambda, Gemm gemm) {
        return new LinearModel(true, features, lambda, gemm);
    }

    /** Least squares regression, no bias. */
    public static LinearModel leastSquares(int features, double lambda, Gemm gemm) {
        return new LinearModel(false, features, lambda, gemm);
    }

    @Override
    public String name() {
        return logistic ? "logistic" : "leastsquares";
    }

    @Override
    public int dimension() {
        return features;
    }

    @Override
    public boolean classifies() {
        return logistic;
    }

    @Override
    public void initialize(float[] w, long seed) {
        java.util.Arrays.fill(w, 0, features, 0f);
    }

    private float[] scores(Batch batch, float[] w) {
        if (scores.length < batch.size()) {
            scores = new float[batch.size()];
        }
        batch.times(gemm, w, 0, 1, scores);
        return scores;
    }

    @Override
    public double lossAndGradient(float[] w, Batch batch, float[] grad, Runnable between) {
        final int b = batch.size();
        final float[] z = scores(batch, w);
        between.run();
        double loss = 0;
        for (int i = 0; i < b; i++) {
            final double y = batch.target(i);
            if (logistic) {
                final double margin = y * z[i];
                loss += Losses.softplus(-margin);
                z[i] = (float) (-y * Losses.sigmoid(-margin) / b);
            } else {
                final double r = z[i] - y;
                loss += 0.5 * r * r;
                z[i] = (float) (r / b);
            }
        }
        final double reg = Losses.l2Before(w, 0, features, lambda, grad);
        batch.transposeTimes(gemm, z, 1, 1f, Losses.dataBeta(lambda), grad, 0);
        return loss / b + reg;
    }

    @Override
    public void evaluate(float[] w, Batch batch, double[] sums) {
        final float[] z = scores(batch, w);
        for (int i = 0; i < batch.size(); i++) {
            final double y = batch.target(i);
            if (logistic) {
                sums[0] += Losses.softplus(-y * z[i]);
                sums[1] += (z[i] >= 0 ? 1 : -1) == y ? 1 : 0;
            } else {
                sums[0] += 0.5 * (z[i] - y) * (z[i] - y);
            }
        }
    }

    @Override
    public double regularization(float[] w) {
        return Losses.l2(w, 0, features, lambda, null);
    }
}
