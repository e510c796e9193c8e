package org.gossipmpi.kernel;

import com.aparapi.Kernel;

/** One work item per element of C: the dot product of a row of op(A) and a column of op(B). */
final class GemmKernel extends Kernel {
    float[] a;
    float[] b;
    float[] c;
    int aOff;
    int lda;
    int bOff;
    int ldb;
    int cOff;
    int ldc;
    int m;
    int n;
    int k;
    int transA;
    int transB;
    float alpha;
    float beta;

    @Override
    public void run() {
        final int g = getGlobalId();
        if (g < m * n) {
            final int i = g / n;
            final int j = g % n;
            final int aRowStep = transA == 0 ? 1 : lda;
            final int aBase = transA == 0 ? aOff + i * lda : aOff + i;
            final int bStep = transB == 0 ? ldb : 1;
            final int bBase = transB == 0 ? bOff + j : bOff + j * ldb;
            float acc = 0f;
            for (int p = 0; p < k; p++) {
                acc += a[aBase + p * aRowStep] * b[bBase + p * bStep];
            }
            final int at = cOff + i * ldc + j;
            c[at] = beta == 0f ? alpha * acc : alpha * acc + beta * c[at];
        }
    }
}
