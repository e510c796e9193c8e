package org.gossipmpi.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.gossipmpi.data.Dataset;
import org.gossipmpi.kernel.GemmReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Finite-difference gradient checks for every model, on dense and sparse data, and numerical stability. */
class ModelGradientTest {
    static final int D = 7;
    static final int C = 4;
    static final int ROWS = 9;

    /** Random data with targets fit for the model: +-1, classes, or real values. */
    static Dataset data(String model, boolean dense, long seed) {
        final SplittableRandom r = new SplittableRandom(seed);
        final float[] y = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            y[i] = model.equals("logistic") ? (r.nextBoolean() ? 1 : -1)
                : model.equals("leastsquares") ? (float) r.nextGaussian() : r.nextInt(C);
        }
        final int classes = model.equals("logistic") ? 2 : model.equals("leastsquares") ? 0 : C;
        if (dense) {
            final float[] x = new float[ROWS * D];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            return Dataset.dense("random", ROWS, D, classes, y, x);
        }
        final int[] start = new int[ROWS + 1];
        final List<Integer> idx = new ArrayList<>();
        final List<Float> val = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < D; j++) {
                if (r.nextInt(3) == 0) {
                    idx.add(j);
                    val.add((float) r.nextGaussian());
                }
            }
            start[i + 1] = idx.size();
        }
        final int[] ci = new int[idx.size()];
        final float[] cv = new float[idx.size()];
        for (int k = 0; k < ci.length; k++) {
            ci[k] = idx.get(k);
            cv[k] = val.get(k);
        }
        return Dataset.sparse("random sparse", ROWS, D, classes, y, start, ci, cv);
    }

    static Model model(String name) {
        return model(name, 0.1);
    }

    static Model model(String name, double lambda) {
        switch (name) {
            case "logistic":
                return LinearModel.logistic(D, lambda, new GemmReference());
            case "leastsquares":
                return LinearModel.leastSquares(D, lambda, new GemmReference());
            case "softmax":
                return new SoftmaxRegression(D, C, lambda, new GemmReference());
            default:
                return new Mlp(D, 5, C, lambda, new GemmReference());
        }
    }

    static List<Object[]> cases() {
        final List<Object[]> c = new ArrayList<>();
        for (String m : new String[] {"logistic", "leastsquares", "softmax", "mlp"}) {
            c.add(new Object[] {m, true});
            c.add(new Object[] {m, false});
        }
        return c;
    }

    @ParameterizedTest(name = "{0}, dense {1}")
    @MethodSource("cases")
    void gradientMatchesCentralFiniteDifferences(String name, boolean dense) {
        final Dataset d = data(name, dense, 3);
        final Model m = model(name);
        final float[] w = new float[m.dimension()];
        m.initialize(w, 5);
        final SplittableRandom r = new SplittableRandom(8);
        for (int i = 0; i < w.length; i++) {
            w[i] += (float) (0.3 * r.nextGaussian());
        }
        final Batch batch = new Batch(d).fill(d, null, 0, ROWS);
        final float[] grad = new float[m.dimension()];
        m.lossAndGradient(w, batch, grad);
        final float[] scratch = new float[m.dimension()];
        final double eps = 1e-2;
        for (int j = 0; j < w.length; j++) {
            final float keep = w[j];
            w[j] = (float) (keep + eps);
            final double up = m.lossAndGradient(w, batch, scratch);
            w[j] = (float) (keep - eps);
            final double down = m.lossAndGradient(w, batch, scratch);
            w[j] = keep;
            final double fd = (up - down) / (2 * eps);
            assertEquals(fd, grad[j], 2e-3 + 2e-3 * Math.abs(fd), name + " parameter " + j);
        }
    }

    /**
     * Without regularization (lambda 0, which skips the pass over the weights) the gradient still overwrites the
     * buffer it is given, and the loss is the data's alone.
     */
    @ParameterizedTest(name = "{0}, dense {1}")
    @MethodSource("cases")
    void withoutRegularizationTheGradientStillOverwritesItsBuffer(String name, boolean dense) {
        final Dataset d = data(name, dense, 4);
        final Model m = model(name, 0);
        final float[] w = weights(m, 3, 0.2f);
        final Batch batch = new Batch(d).fill(d, null, 0, ROWS);
        final float[] clean = new float[m.dimension()];
        final float[] stale = new float[m.dimension()];
        java.util.Arrays.fill(stale, 7f);
        final double loss = m.lossAndGradient(w, batch, clean);
        assertEquals(Double.doubleToLongBits(loss), Double.doubleToLongBits(m.lossAndGradient(w, batch, stale)));
        assertTrue(java.util.Arrays.equals(clean, stale), name + ": a value of the buffer before survived");
        assertEquals(0.0, m.regularization(w), name);
    }

    /** The model's initial weights from {@code seed}, with the first one set to {@code first}. */
    private static float[] weights(Model m, long seed, float first) {
        final float[] w = new float[m.dimension()];
        m.initialize(w, seed);
        w[0] = first;
        return w;
    }

    /** The hook an overlapped gradient passes is called between the products and changes no bit of the result. */
    @ParameterizedTest(name = "{0}, dense {1}")
    @MethodSource("cases")
    void theBetweenHookRunsAndChangesNothing(String name, boolean dense) {
        final Dataset d = data(name, dense, 6);
        final Model m = model(name);
        final float[] w = weights(m, 2, 0.4f);
        final Batch batch = new Batch(d).fill(d, null, 0, ROWS);
        final float[] plain = new float[m.dimension()];
        final float[] hooked = new float[m.dimension()];
        final double lossPlain = m.lossAndGradient(w, batch, plain);
        final int[] calls = {0};
        final double lossHooked = m.lossAndGradient(w, batch, hooked, () -> calls[0]++);
        assertTrue(calls[0] >= 1, name + ": the hook was never called");
        assertEquals(Double.doubleToLongBits(lossPlain), Double.doubleToLongBits(lossHooked));
        assertTrue(java.util.Arrays.equals(plain, hooked), name + ": the gradient changed");
    }

    /**
     * The MLP told by a between that takes parts: W1's gradient in blocks of rows, the last first; every float reported
     * exactly once, each part already holding its final values when reported, and the same gradient as without.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "dense {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void theMlpReportsEveryPartOnceAndFinal(boolean dense) {
        final int features = 3 * Mlp.PART_FLOATS / 5 + 1; // blocks of 1 row of W1 (5 rows: 5 blocks)
        final SplittableRandom r = new SplittableRandom(8);
        final float[] y = new float[ROWS];
        final float[] x = new float[ROWS * features];
        for (int i = 0; i < ROWS; i++) {
            y[i] = r.nextInt(C);
            for (int j = 0; j < features; j++) {
                x[i * features + j] = dense || r.nextInt(1000) == 0 ? (float) r.nextGaussian() : 0f;
            }
        }
        final Dataset data = dense ? Dataset.dense("random", ROWS, features, C, y, x) : sparse(x, features, C, y);
        final Mlp m = new Mlp(features, 5, C, 0.1, new GemmReference());
        final float[] w = new float[m.dimension()];
        m.initialize(w, 3);
        final Batch batch = new Batch(data).fill(data, null, 0, ROWS);
        final float[] plain = new float[m.dimension()];
        final double lossPlain = m.lossAndGradient(w, batch, plain);
        final float[] parted = new float[m.dimension()];
        final java.util.BitSet seen = new java.util.BitSet();
        final List<float[]> copies = new ArrayList<>();
        final List<int[]> ranges = new ArrayList<>();
        final int[] runs = {0};
        final double lossParted = m.lossAndGradient(w, batch, parted, new GradientParts() {
            @Override
            public void ready(int from, int to) {
                final int twice = seen.nextSetBit(from);
                assertTrue(twice < 0 || twice >= to, "float " + twice + " reported twice");
                seen.set(from, to);
                ranges.add(new int[] {from, to});
                copies.add(java.util.Arrays.copyOfRange(parted, from, to));
            }

            @Override
            public void run() {
                runs[0]++;
            }
        });
        assertEquals(m.dimension(), seen.cardinality(), "every float reported");
        assertEquals(6, ranges.size(), "W1's five blocks and the rest");
        assertEquals(5 * features, ranges.get(0)[0], "the biases and W2 first");
        assertEquals(4 * features, ranges.get(1)[0], "then W1's last row");
        assertTrue(runs[0] >= ranges.size(), "between runs after every part");
        for (int k = 0; k < ranges.size(); k++) {
            assertTrue(java.util.Arrays.equals(copies.get(k),
                java.util.Arrays.copyOfRange(parted, ranges.get(k)[0], ranges.get(k)[1])), "part " + k + " changed");
        }
        assertEquals(Double.doubleToLongBits(lossPlain), Double.doubleToLongBits(lossParted));
        assertTrue(java.util.Arrays.equals(plain, parted), "the gradient in parts differs");
    }

    private static Dataset sparse(float[] x, int features, int classes, float[] y) {
        final int[] start = new int[ROWS + 1];
        int nnz = 0;
        for (float v : x) {
            nnz += v != 0f ? 1 : 0;
        }
        final int[] ci = new int[nnz];
        final float[] cv = new float[nnz];
        int k = 0;
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < features; j++) {
                if (x[i * features + j] != 0f) {
                    ci[k] = j;
                    cv[k++] = x[i * features + j];
                }
            }
            start[i + 1] = k;
        }
        return Dataset.sparse("random sparse", ROWS, features, classes, y, start, ci, cv);
    }

    @ParameterizedTest(name = "{0}, dense {1}")
    @MethodSource("cases")
    void evaluationAgreesWithTheTrainingLoss(String name, boolean dense) {
        final Dataset d = data(name, dense, 4);
        final Model m = model(name);
        final float[] w = weights(m, 1, 0.7f);
        final Batch batch = new Batch(d).fill(d, null, 0, ROWS);
        final double loss = m.lossAndGradient(w, batch, new float[m.dimension()]);
        final double[] sums = new double[2];
        m.evaluate(w, batch, sums);
        assertEquals(loss, sums[0] / ROWS + m.regularization(w), 1e-5 * Math.abs(loss));
    }

    @Test
    void hugeMarginsAndLogitsStayFinite() {
        final Dataset d = Dataset.dense("big", 2, 1, 2, new float[] {1, -1}, new float[] {1e4f, 1e4f});
        final Model logistic = LinearModel.logistic(1, 0, new GemmReference());
        final float[] w = {100f};
        final float[] g = new float[1];
        final double loss = logistic.lossAndGradient(w, new Batch(d).fill(d, null, 0, 2), g);
        assertTrue(Double.isFinite(loss) && Float.isFinite(g[0]), loss + " " + g[0]);
        assertEquals(1e6 / 2, loss, 1.0, "the misclassified sample costs its margin, without overflow");
        final Dataset c = Dataset.dense("big", 1, 1, 3, new float[] {2}, new float[] {1e4f});
        final Model softmax = new SoftmaxRegression(1, 3, 0, new GemmReference());
        final float[] ws = {50f, 0f, -50f, 0f, 0f, 0f};
        final float[] gs = new float[6];
        final double ls = softmax.lossAndGradient(ws, new Batch(c).fill(c, null, 0, 1), gs);
        assertTrue(Double.isFinite(ls), "softmax loss " + ls);
        for (float v : gs) {
            assertTrue(Float.isFinite(v), "softmax gradient");
        }
    }
}
