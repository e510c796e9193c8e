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
        // C[i, j] += alpha * op(A)[i, :] . B[j, :], four columns j at a time: four independent sums hide the
        // latency of the additions (the JIT does not reorder float sums by itself).
        for (int i = 0; i < m; i++) {
            final int row = cOff + i * ldc;
            int j = 0;
            for (; j + 3 < n; j += 4) {
                final int b0 = bOff + j * ldb;
                final int b1 = b0 + ldb;
                final int b2 = b1 + ldb;
                final int b3 = b2 + ldb;
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                for (int p = 0; p < k; p++) {
                    final float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    s0 += av * b[b0 + p];
                    s1 += av * b[b1 + p];
                    s2 += av * b[b2 + p];
                    s3 += av * b[b3 + p];
                }
                c[row + j] += alpha * s0;
                c[row + j + 1] += alpha * s1;
                c[row + j + 2] += alpha * s2;
                c[row + j + 3] += alpha * s3;
            }
            for (; j < n; j++) {
                final int brow = bOff + j * ldb;
                float acc = 0f;
                for (int p = 0; p < k; p++) {
                    acc += (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]) * b[brow + p];
                }
                c[row + j] += alpha * acc;
            }
        }
    }
}
