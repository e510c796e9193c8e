package org.gossipmpi.model;

import org.gossipmpi.kernel.Gemm;

/**
 * Multiclass logistic (softmax) regression with bias. Parameters: W (C x D, row-major) at [0, C D), then
 * b (C) at [C D, C D + C). Loss: mean of -log softmax(W x + b)_y plus (lambda / 2) ||W||^2; initial model zero.
 */
public final class SoftmaxRegression implements Model {
    private final int features;
    private final int classes;
    private final double lambda;
    private final Gemm gemm;
    private float[] logits = new float[0];

    public SoftmaxRegression(int features, int classes, double lambda, Gemm gemm) {
        this.features = features;
        this.classes = classes;
        this.lambda = lambda;
        this.gemm = gemm;
    }

    @Override
    public String name() {
        return "softmax";
    }

    @Override
    public int dimension() {
        return classes * features + classes;
    }

    @Override
    public boolean classifies() {
        return true;
    }

    @Override
    public void initialize(float[] w, long seed) {
        java.util.Arrays.fill(w, 0, dimension(), 0f);
    }

    /** logits = X W^T + b, into the scratch array. */
    private float[] logits(float[] w, Batch batch) {
        final int n = batch.size() * classes;
        if (logits.length < n) {
            logits = new float[n];
        }
        batch.times(gemm, w, 0, classes, logits);
        final int bias = classes * features;
        for (int i = 0; i < batch.size(); i++) {
            for (int c = 0; c < classes; c++) {
                logits[i * classes + c] += w[bias + c];
            }
        }
        return logits;
    }

    @Override
    public double lossAndGradient(float[] w, Batch batch, float[] grad, Runnable between) {
        final int b = batch.size();
        final float[] z = logits(w, batch);
        between.run();
        final int bias = classes * features;
        double loss = 0;
        for (int c = 0; c < classes; c++) {
            grad[bias + c] = 0f;
        }
        for (int i = 0; i < b; i++) {
            final int y = (int) batch.target(i);
            final int row = i * classes;
            final float zy = z[row + y];
            loss += Losses.softmaxInPlace(z, row, classes) - zy;
            z[row + y] -= 1f;
            for (int c = 0; c < classes; c++) {
                z[row + c] /= b;
                grad[bias + c] += z[row + c];
            }
        }
        final double reg = Losses.l2Before(w, 0, bias, lambda, grad);
        batch.transposeTimes(gemm, z, classes, 1f, Losses.dataBeta(lambda), grad, 0);
        return loss / b + reg;
    }

    @Override
    public void evaluate(float[] w, Batch batch, double[] sums) {
        final float[] z = logits(w, batch);
        for (int i = 0; i < batch.size(); i++) {
            final int y = (int) batch.target(i);
            final int row = i * classes;
            final float zy = z[row + y];
            sums[1] += Losses.argmax(z, row, classes) == y ? 1 : 0;
            sums[0] += Losses.softmaxInPlace(z, row, classes) - zy;
        }
    }

    @Override
    public double regularization(float[] w) {
        return Losses.l2(w, 0, classes * features, lambda, null);
    }
}
