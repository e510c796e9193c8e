package org.gossipmpi.kernel;

/**
 * General matrix product on a device, the core of every dense model's gradient:
 * {@code C = alpha op(A) op(B) + beta C}, with op(X) = X or its transpose, row-major storage, C of m x n,
 * op(A) of m x k, op(B) of k x n; {@code lda}, {@code ldb}, {@code ldc} are the row strides as stored.
 * A and B are not modified; C is (with {@code beta = 0} its old values are not read).
 * Implemented by {@link GemmKernels} (Aparapi) and its plain Java twin {@link GemmReference}.
 */
public interface Gemm {

    /** Which device runs it, for the line a run prints. */
    String describe();

    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc);
}
