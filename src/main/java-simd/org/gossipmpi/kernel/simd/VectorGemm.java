package org.gossipmpi.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import org.gossipmpi.kernel.Gemm;
import org.gossipmpi.kernel.GemmReference;

/**
 * {@link Gemm} with the JDK's Vector API, in the widest float vectors the CPU has. Two shapes matter for the
 * models: C += op(A) B (the weight gradients), computed as row updates four rows of B at a time so that a
 * row of C is loaded and stored once per four multiply-adds; and C += A B^T (the forward products), as dot
 * products of a row of A with rows of B, two rows of A by four of B per pass (eight vector accumulators). A
 * transposed A together with a transposed B, the rare case, runs on {@link GemmReference}. Sums run in
 * another order than the reference: the two agree to rounding. Stateless and thread-safe.
 *
 * <p>Compiled apart from the rest (it needs {@code --add-modules jdk.incubator.vector}); chosen by
 * {@code kernel.JavaGemms} where the JDK compiles the Vector API to SIMD instructions.
 */
public final class VectorGemm implements Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Scratch for {@link #sum}: one per thread, so the class stays stateless to its callers. */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

    private final Gemm reference = new GemmReference();

    /**
     * The lanes of {@code v} added in lane order. Not {@code reduceLanes(ADD)}: its order is unspecified and
     * differs between the interpreted and the compiled Vector API, so the same run would not give the same
     * bits in every JVM (the MPI-against-in-process model test caught it).
     */
    private static float sum(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        float t = 0f;
        for (int i = 0; i < L; i++) {
            t += lanes[i];
        }
        return t;
    }

    @Override
    public String describe() {
        return "Java (Vector API " + S.vectorBitSize() + "-bit)";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (transA && transB) {
            reference.gemm(true, true, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        for (int i = 0; i < m; i++) {
            final int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
        if (transB) {
            dots(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        } else {
            rowUpdates(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }
    }

    /** C[i, :] += alpha sum_p op(A)[i, p] B[p, :], four p at a time. */
    private static void rowUpdates(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                   float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        final int vecEnd = n - n % L;
        for (int i = 0; i < m; i++) {
            final int row = cOff + i * ldc;
            int p = 0;
            for (; p + 3 < k; p += 4) {
                final float a0 = alpha * at(transA, a, aOff, lda, i, p);
                final float a1 = alpha * at(transA, a, aOff, lda, i, p + 1);
                final float a2 = alpha * at(transA, a, aOff, lda, i, p + 2);
                final float a3 = alpha * at(transA, a, aOff, lda, i, p + 3);
                if (a0 == 0f && a1 == 0f && a2 == 0f && a3 == 0f) {
                    continue; // ReLU zeros: whole rows of the gradient's factor vanish
                }
                final int b0 = bOff + p * ldb;
                final int b1 = b0 + ldb;
                final int b2 = b1 + ldb;
                final int b3 = b2 + ldb;
                final FloatVector v0 = FloatVector.broadcast(S, a0);
                final FloatVector v1 = FloatVector.broadcast(S, a1);
                final FloatVector v2 = FloatVector.broadcast(S, a2);
                final FloatVector v3 = FloatVector.broadcast(S, a3);
                int j = 0;
                for (; j < vecEnd; j += L) {
                    FloatVector acc = FloatVector.fromArray(S, c, row + j);
                    acc = FloatVector.fromArray(S, b, b0 + j).fma(v0, acc);
                    acc = FloatVector.fromArray(S, b, b1 + j).fma(v1, acc);
                    acc = FloatVector.fromArray(S, b, b2 + j).fma(v2, acc);
                    acc = FloatVector.fromArray(S, b, b3 + j).fma(v3, acc);
                    acc.intoArray(c, row + j);
                }
                for (; j < n; j++) {
                    c[row + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
                }
            }
            for (; p < k; p++) {
                final float ap = alpha * at(transA, a, aOff, lda, i, p);
                final int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[row + j] += ap * b[bp + j];
                }
            }
        }
    }

    private static float at(boolean transA, float[] a, int aOff, int lda, int i, int p) {
        return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    /** C[i, j] += alpha A[i, :] . B[j, :], for rows i in pairs and rows j in fours. */
    private static void dots(int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff,
                             int ldb, float[] c, int cOff, int ldc) {
        // B's rows, four at a time, are the outer loop and A's the inner one: each four rows of B (an MLP's weights,
        // MBs in all) come from memory once and stay in cache while every row of A (a minibatch, KBs) meets them;
        // with A's rows outside, B was read again from memory for every two rows of A. Every C[i, j] is the same
        // sum, in the same order, as before.
        final int pairs = m - m % 2;
        final int quads = n - n % 4;
        for (int j = 0; j < quads; j += 4) {
            final int b0 = bOff + j * ldb;
            final int b1 = b0 + ldb;
            final int b2 = b1 + ldb;
            final int b3 = b2 + ldb;
            for (int i = 0; i < pairs; i += 2) {
                final int a0 = aOff + i * lda;
                final int a1 = a0 + lda;
                final int r0 = cOff + i * ldc;
                final int r1 = r0 + ldc;
                FloatVector s00 = FloatVector.zero(S);
                FloatVector s01 = FloatVector.zero(S);
                FloatVector s02 = FloatVector.zero(S);
                FloatVector s03 = FloatVector.zero(S);
                FloatVector s10 = FloatVector.zero(S);
                FloatVector s11 = FloatVector.zero(S);
                FloatVector s12 = FloatVector.zero(S);
                FloatVector s13 = FloatVector.zero(S);
                int p = 0;
                for (; p + L <= k; p += L) {
                    final FloatVector x0 = FloatVector.fromArray(S, a, a0 + p);
                    final FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
                    final FloatVector y0 = FloatVector.fromArray(S, b, b0 + p);
                    final FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
                    final FloatVector y2 = FloatVector.fromArray(S, b, b2 + p);
                    final FloatVector y3 = FloatVector.fromArray(S, b, b3 + p);
                    s00 = x0.fma(y0, s00);
                    s01 = x0.fma(y1, s01);
                    s02 = x0.fma(y2, s02);
                    s03 = x0.fma(y3, s03);
                    s10 = x1.fma(y0, s10);
                    s11 = x1.fma(y1, s11);
                    s12 = x1.fma(y2, s12);
                    s13 = x1.fma(y3, s13);
                }
                final float[] lanes = LANES.get();
                float t00 = sum(s00, lanes);
                float t01 = sum(s01, lanes);
                float t02 = sum(s02, lanes);
                float t03 = sum(s03, lanes);
                float t10 = sum(s10, lanes);
                float t11 = sum(s11, lanes);
                float t12 = sum(s12, lanes);
                float t13 = sum(s13, lanes);
                for (; p < k; p++) {
                    final float x0 = a[a0 + p];
                    final float x1 = a[a1 + p];
                    t00 += x0 * b[b0 + p];
                    t01 += x0 * b[b1 + p];
                    t02 += x0 * b[b2 + p];
                    t03 += x0 * b[b3 + p];
                    t10 += x1 * b[b0 + p];
                    t11 += x1 * b[b1 + p];
                    t12 += x1 * b[b2 + p];
                    t13 += x1 * b[b3 + p];
                }
                c[r0 + j] += alpha * t00;
                c[r0 + j + 1] += alpha * t01;
                c[r0 + j + 2] += alpha * t02;
                c[r0 + j + 3] += alpha * t03;
                c[r1 + j] += alpha * t10;
                c[r1 + j + 1] += alpha * t11;
                c[r1 + j + 2] += alpha * t12;
                c[r1 + j + 3] += alpha * t13;
            }
            for (int i = pairs; i < m; i++) { // the last row of an odd count
                final int a0 = aOff + i * lda;
                final int r0 = cOff + i * ldc;
                c[r0 + j] += alpha * dot(a, a0, b, b0, k);
                c[r0 + j + 1] += alpha * dot(a, a0, b, b1, k);
                c[r0 + j + 2] += alpha * dot(a, a0, b, b2, k);
                c[r0 + j + 3] += alpha * dot(a, a0, b, b3, k);
            }
        }
        for (int j = quads; j < n; j++) { // the last rows of B, fewer than four
            for (int i = 0; i < m; i++) {
                c[cOff + i * ldc + j] += alpha * dot(a, aOff + i * lda, b, bOff + j * ldb, k);
            }
        }
    }

    private static float dot(float[] a, int aAt, float[] b, int bAt, int k) {
        FloatVector s = FloatVector.zero(S);
        int p = 0;
        for (; p + L <= k; p += L) {
            s = FloatVector.fromArray(S, a, aAt + p).fma(FloatVector.fromArray(S, b, bAt + p), s);
        }
        float t = sum(s, LANES.get());
        for (; p < k; p++) {
            t += a[aAt + p] * b[bAt + p];
        }
        return t;
    }
}
