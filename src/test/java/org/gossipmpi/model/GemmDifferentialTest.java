package org.gossipmpi.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;

import org.gossipmpi.data.Dataset;
import org.gossipmpi.kernel.Devices;
import org.gossipmpi.kernel.Gemm;
import org.gossipmpi.kernel.JavaGemms;
import org.gossipmpi.kernel.GemmKernels;
import org.gossipmpi.kernel.GemmReference;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.aparapi.device.Device;
import com.aparapi.device.JavaDevice;

/**
 * The GEMM kernel against its Java twin, on PoCL (any OpenCL device) and Aparapi's Java thread pool, and
 * the Java products (the one this JVM runs, and the Vector API one wherever the module is): every
 * transpose combination with offsets, strides, beta (0, 1 and others) and zeros in A; then every dense model's
 * gradient through the kernel against the twin. Tolerance: 1e-4 relative to the sum of |a_ip b_pj| (the two sum
 * in different orders).
 */
class GemmDifferentialTest {

    /** The products checked against the twin: the kernel on every device, and the Java product this JVM runs. */
    static List<Named<Gemm>> products() {
        final List<Named<Gemm>> products = new java.util.ArrayList<>();
        for (Device device : org.gossipmpi.testing.KernelDevices.all()) {
            products.add(Named.of("kernel on " + device.getShortDescription(), new GemmKernels(device)));
        }
        final Gemm java = Devices.gemm(Devices.choose(Devices.Kind.java));
        products.add(Named.of(java.describe(), java));
        if (JavaGemms.vector() != null && JavaGemms.vector() != java) {
            products.add(Named.of(JavaGemms.vector().describe(), JavaGemms.vector()));
        }
        return products;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("products")
    void productAndTwinAgreeOnEveryTransposeCombination(Gemm kernel) {
        final Gemm twin = new GemmReference();
        final SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 48; trial++) {
            final boolean ta = (trial & 1) != 0;
            final boolean tb = (trial & 2) != 0;
            final int m = 1 + r.nextInt(40);
            final int n = 1 + r.nextInt(trial < 12 ? 40 : 300);
            final int k = 1 + r.nextInt(trial < 12 ? 70 : 300);
            final int lda = (ta ? m : k) + r.nextInt(3);
            final int ldb = (tb ? k : n) + r.nextInt(3);
            final int ldc = n + r.nextInt(3);
            final int aOff = r.nextInt(5);
            final int bOff = r.nextInt(5);
            final int cOff = r.nextInt(5);
            final float[] a = random(r, aOff + (ta ? k : m) * lda);
            if (trial % 4 == 1) { // ReLU-like zeros, often four in a column of op(A): the products skip those
                for (int i = 0; i < a.length; i++) {
                    if (r.nextInt(10) < 7) {
                        a[i] = 0f;
                    }
                }
            }
            final float[] b = random(r, bOff + (tb ? n : k) * ldb);
            final float[] c1 = random(r, cOff + m * ldc);
            final float[] c2 = c1.clone();
            final float alpha = (float) r.nextGaussian();
            final float beta = trial % 3 == 0 ? 0f : trial % 3 == 1 ? 1f : (float) r.nextGaussian();
            kernel.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c1, cOff, ldc);
            twin.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c2, cOff, ldc);
            for (int i = 0; i < c1.length; i++) {
                assertEquals(c2[i], c1[i], 1e-4 * (1 + Math.abs(c2[i])) * Math.sqrt(k) * 3,
                    kernel.describe() + " trial " + trial + " element " + i);
            }
        }
    }

    /**
     * Every way a product splits its work, for vectors of 8 and of 16 floats: rows of C in blocks of 4 and 8
     * and left over, vectors of a row in blocks of 4, a pair left over, one left over, and columns after them;
     * the forward product (B transposed) through the transposition of up to 8 vectors' worth of A's rows at a
     * time (m past 128 and 256), with rows left over, and as dot products where B has few rows.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("products")
    void productAndTwinAgreeOnEveryBlockShape(Gemm kernel) {
        final Gemm twin = new GemmReference();
        final SplittableRandom r = new SplittableRandom(12);
        int trial = 0;
        for (int m : new int[] {1, 7, 8, 16, 32, 48, 64, 96, 130, 290}) {
            for (int n : new int[] {10, 40, 48, 96, 200}) {
                for (int k : new int[] {5, 70, 300}) {
                    for (int trans = 0; trans < 4; trans++, trial++) {
                        final boolean ta = (trans & 1) != 0;
                        final boolean tb = (trans & 2) != 0;
                        final int lda = (ta ? m : k) + trial % 2;
                        final int ldb = (tb ? k : n) + trial % 3;
                        final int ldc = n + trial % 2;
                        final int aOff = trial % 3;
                        final float[] a = random(r, aOff + (ta ? k : m) * lda);
                        if (trial % 5 == 1) { // ReLU-like zeros
                            for (int i = 0; i < a.length; i++) {
                                if (r.nextInt(10) < 7) {
                                    a[i] = 0f;
                                }
                            }
                        }
                        final float[] b = random(r, 1 + (tb ? n : k) * ldb);
                        final float[] c1 = random(r, 2 + m * ldc);
                        final float[] c2 = c1.clone();
                        final float alpha = trial % 7 == 0 ? 1f : (float) r.nextGaussian();
                        final float beta = trial % 3 == 0 ? 0f : trial % 3 == 1 ? 1f : (float) r.nextGaussian();
                        kernel.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, 1, ldb, beta, c1, 2, ldc);
                        twin.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, 1, ldb, beta, c2, 2, ldc);
                        for (int i = 0; i < c1.length; i++) {
                            assertEquals(c2[i], c1[i], 1e-4 * (1 + Math.abs(c2[i])) * Math.sqrt(k) * 3,
                                kernel.describe() + ": m " + m + " n " + n + " k " + k + " transA " + ta + " transB "
                                    + tb + " element " + i);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("products")
    void everyDenseModelsGradientAgreesOnKernelAndTwin(Gemm kernel) {
        for (String name : new String[] {"logistic", "leastsquares", "softmax", "mlp"}) {
            final Dataset d = ModelGradientTest.data(name, true, 21);
            final Model onKernel = build(name, kernel);
            final Model onTwin = build(name, new GemmReference());
            final float[] w = new float[onTwin.dimension()];
            onTwin.initialize(w, 3);
            w[1] = 0.25f;
            final float[] g1 = new float[w.length];
            final float[] g2 = new float[w.length];
            final Batch batch = new Batch(d).fill(d, null, 0, d.rows());
            final double l1 = onKernel.lossAndGradient(w, batch, g1);
            final double l2 = onTwin.lossAndGradient(w, batch, g2);
            assertEquals(l2, l1, 1e-5 * (1 + Math.abs(l2)), name + " loss");
            for (int i = 0; i < w.length; i++) {
                assertEquals(g2[i], g1[i], 1e-4 * (1 + Math.abs(g2[i])), name + " gradient " + i);
            }
        }
    }

    private static Model build(String name, Gemm gemm) {
        switch (name) {
            case "logistic":
                return LinearModel.logistic(ModelGradientTest.D, 0.1, gemm);
            case "leastsquares":
                return LinearModel.leastSquares(ModelGradientTest.D, 0.1, gemm);
            case "softmax":
                return new SoftmaxRegression(ModelGradientTest.D, ModelGradientTest.C, 0.1, gemm);
            default:
                return new Mlp(ModelGradientTest.D, 5, ModelGradientTest.C, 0.1, gemm);
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        final float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }
}
