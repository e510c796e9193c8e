package org.gossipmpi.model;

import java.util.SplittableRandom;

import org.gossipmpi.kernel.Gemm;

/**
 * A multilayer perceptron with one hidden layer of H ReLU units and a softmax output over C classes.
 * Parameters: W1 (H x D) at [0, H D), b1 (H), W2 (C x H), b2 (C), each row-major, in that order. Loss: mean
 * cross-entropy plus (lambda / 2) (||W1||^2 + ||W2||^2). Initialisation: W1 and W2 uniform in
 * +-sqrt(6 / (fan_in + fan_out)) (Glorot) from the seed, biases zero. Forward and backward products run on
 * the device: X W1^T, H W2^T, delta2^T H, delta2 W2 and delta1^T X.
 */
public final class Mlp implements Model {
    private final int features;
    private final int hidden;
    private final int classes;
    private final double lambda;
    private final Gemm gemm;
    private final int b1;
    private final int w2;
    private final int b2;
    private float[] h = new float[0];
    private float[] logits = new float[0];
    private float[] delta1 = new float[0];

    /**
     * The floats of W1's gradient a block holds when the gradient is reported in parts ({@link GradientParts}):
     * 512 KiB, so that a bucket of an overlapped all-reduce starts within a fraction of the product.
     */
    static final int PART_FLOATS = 1 << 17;

    /** The most parameters a model vector holds (a Java array's limit, less the JVM's header reserve). */
    public static final long MAX_PARAMETERS = Integer.MAX_VALUE - 8;

    public Mlp(int features, int hidden, int classes, double lambda, Gemm gemm) {
        if (hidden < 1) {
            throw new org.gossipmpi.config.SettingException("hidden", "{hidden} must be >= 1, got " + hidden);
        }
        final long parameters = (long) hidden * (features + 1) + (long) classes * (hidden + 1);
        if (parameters > MAX_PARAMETERS) {
            throw new org.gossipmpi.config.SettingException("hidden", "{hidden} " + hidden + ": the mlp would have " + parameters
                + " parameters (" + features + " features, " + classes + " classes), more than the " + MAX_PARAMETERS
                + " a model vector holds: lower --hidden");
        }
        this.features = features;
        this.hidden = hidden;
        this.classes = classes;
        this.lambda = lambda;
        this.gemm = gemm;
        this.b1 = hidden * features;
        this.w2 = b1 + hidden;
        this.b2 = w2 + classes * hidden;
    }

    @Override
    public String name() {
        return "mlp";
    }

    @Override
    public int dimension() {
        return b2 + classes;
    }

    @Override
    public boolean classifies() {
        return true;
    }

    @Override
    public void initialize(float[] w, long seed) {
        final SplittableRandom r = new SplittableRandom(seed);
        final double a1 = Math.sqrt(6.0 / (features + hidden));
        for (int i = 0; i < b1; i++) {
            w[i] = (float) r.nextDouble(-a1, a1);
        }
        java.util.Arrays.fill(w, b1, w2, 0f);
        final double a2 = Math.sqrt(6.0 / (hidden + classes));
        for (int i = w2; i < b2; i++) {
            w[i] = (float) r.nextDouble(-a2, a2);
        }
        java.util.Arrays.fill(w, b2, dimension(), 0f);
    }

    /** h = ReLU(X W1^T + b1), logits = h W2^T + b2, into the scratch arrays. */
    private void forward(float[] w, Batch batch, Runnable between) {
        final int b = batch.size();
        if (h.length < b * hidden) {
            h = new float[b * hidden];
            delta1 = new float[b * hidden];
        }
        if (logits.length < b * classes) {
            logits = new float[b * classes];
        }
        batch.times(gemm, w, 0, hidden, h);
        between.run();
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < hidden; j++) {
                final float v = h[i * hidden + j] + w[b1 + j];
                h[i * hidden + j] = v > 0f ? v : 0f;
            }
        }
        gemm.gemm(false, true, b, classes, hidden, 1f, h, 0, hidden, w, w2, hidden, 0f, logits, 0, classes);
        for (int i = 0; i < b; i++) {
            for (int c = 0; c < classes; c++) {
                logits[i * classes + c] += w[b2 + c];
            }
        }
    }

    @Override
    public double lossAndGradient(float[] w, Batch batch, float[] grad, Runnable between) {
        final int b = batch.size();
        forward(w, batch, between);
        between.run();
        double loss = 0;
        // delta2 = (softmax - onehot) / B, in place of the logits; gb2 = its column sums.
        java.util.Arrays.fill(grad, b2, dimension(), 0f);
        for (int i = 0; i < b; i++) {
            final int y = (int) batch.target(i);
            final int row = i * classes;
            final float zy = logits[row + y];
            loss += Losses.softmaxInPlace(logits, row, classes) - zy;
            logits[row + y] -= 1f;
            for (int c = 0; c < classes; c++) {
                logits[row + c] /= b;
                grad[b2 + c] += logits[row + c];
            }
        }
        final double reg = Losses.l2Before(w, 0, b1, lambda, grad) + Losses.l2(w, w2, b2, lambda, grad);
        // gW2 += delta2^T h
        gemm.gemm(true, false, classes, hidden, b, 1f, logits, 0, classes, h, 0, hidden, 1f, grad, w2, hidden);
        // delta1 = (delta2 W2) masked by ReLU'; gb1 = its column sums
        gemm.gemm(false, false, b, hidden, classes, 1f, logits, 0, classes, w, w2, hidden, 0f, delta1, 0, hidden);
        java.util.Arrays.fill(grad, b1, w2, 0f);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < hidden; j++) {
                final int at = i * hidden + j;
                if (h[at] <= 0f) {
                    delta1[at] = 0f;
                }
                grad[b1 + j] += delta1[at];
            }
        }
        GradientParts.ready(between, b1, dimension());
        between.run();
        // gW1 = delta1^T X (+ its L2 term): in blocks of rows, the last first, for a between that takes parts
        final int rows = GradientParts.takesParts(between) ? Math.max(1, PART_FLOATS / features) : hidden;
        for (int end = hidden; end > 0; end -= rows) {
            final int start = Math.max(0, end - rows);
            batch.transposeTimes(gemm, delta1, start, end - start, hidden, 1f, Losses.dataBeta(lambda), grad,
                start * features);
            GradientParts.ready(between, start * features, end * features);
            between.run();
        }
        return loss / b + reg;
    }

    @Override
    public void evaluate(float[] w, Batch batch, double[] sums) {
        forward(w, batch, NOTHING_BETWEEN);
        for (int i = 0; i < batch.size(); i++) {
            final int y = (int) batch.target(i);
            final int row = i * classes;
            final float zy = logits[row + y];
            sums[1] += Losses.argmax(logits, row, classes) == y ? 1 : 0;
            sums[0] += Losses.softmaxInPlace(logits, row, classes) - zy;
        }
    }

    @Override
    public double regularization(float[] w) {
        return Losses.l2(w, 0, b1, lambda, null) + Losses.l2(w, w2, b2, lambda, null);
    }
}
