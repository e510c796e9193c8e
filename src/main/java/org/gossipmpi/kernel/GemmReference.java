package org.gossipmpi.kernel;

/**
 * The plain Java twin of {@link GemmKernels}: loops ordered so that the innermost one runs along rows
 * (which the JIT vectorizes), summing in another order than the kernel: the two agree to rounding.
 */
public final class GemmReference implements Gemm {

    @Override
    public String describe() {
        return "Java (reference twin)";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            final int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
        if (!transB) {
            // C[i, :] += alpha * op(A)[i, p] * B[p, :]
            for (int i = 0; i < m; i++) {
                final int row = cOff + i * ldc;
                for (int p = 0; p < k; p++) {
                    final float aip = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                    if (aip == 0f) {
                        continue;
                    }
                    final int brow = bOff + p * ldb;
                    for (int j = 0; j < n; j++) {
                        c[row + j] += aip * b[brow + j];
                    }
                }
            }
            return;
        }
        // C[i, j] += alpha * op(A)[i, :] . B[j, :]
        for (int i = 0; i < m; i++) {
            final int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                final int brow = bOff + j * ldb;
                float acc = 0f;
                if (!transA) {
                    final int arow = aOff + i * lda;
                    for (int p = 0; p < k; p++) {
                        acc += a[arow + p] * b[brow + p];
                    }
                } else {
                    for (int p = 0; p < k; p++) {
                        acc += a[aOff + p * lda + i] * b[brow + p];
                    }
                }
                c[row + j] += alpha * acc;
            }
        }
    }
}
