package org.gossipmpi.kernel.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import org.gossipmpi.kernel.Gemm;
import org.gossipmpi.kernel.GemmReference;

/**
 * {@link Gemm} with the JDK's Vector API, in the widest float vectors the CPU has, register-blocked: every
 * block of C is summed in vector registers over the whole of k and written once (scaled by beta there, so
 * C is read only where beta is not 0 and never in a pass of its own). Two shapes matter for the models:
 * <ul>
 *   <li>C = alpha op(A) B + beta C (the weight gradients, op(A) = A^T; the backward products): blocks of 4
 *       rows by 4 vectors of C, 16 accumulators; each p of k loads 4 vectors of B's row p and broadcasts 4
 *       elements of op(A)'s column p into 16 multiply-adds; a p whose 4 elements are all zero (ReLU) is
 *       skipped; where a row has two vectors left over from those blocks (a minibatch of 2L), blocks of 8 rows
 *       by 2 vectors, likewise. That is for 32 vector registers (AVX-512); with 16 (x86 below AVX-512) those
 *       blocks' 21 live vectors spill, so there the blocks are 6 rows by 2 vectors, 12 accumulators, each element
 *       of op(A) loaded where it is broadcast and no zero skip (bench/results/kernels-avx2.md: the 784-1280-10
 *       MLP's gradient in 4.96 ms against 6.90 with the 4 x 4 blocks on an AVX2 CPU, builds alternating);</li>
 *   <li>C = alpha A B^T + beta C (the forward products): where B has many rows (an MLP's first layer), as
 *       C^T = B A^T, the product above, on A's rows transposed into scratch, C^T written back transposed
 *       (bench/results/kernels.md: the 784-1280-10 MLP's gradient with batch 32 in 1.83 ms, against 2.07 ms
 *       with this product as dot products; the JIT compiles one more block shape for it); otherwise,
 *       and for rows of A left over from multiples of 2L, dot products along k of 4 rows of A with 4 rows of B
 *       at a time, 16 accumulators, 8 loads per 16 multiply-adds, each accumulator's lanes then added in lane
 *       order (not {@code reduceLanes(ADD)}, whose order is unspecified and differs between the interpreted
 *       and the compiled Vector API, so the same run would not give the same bits in every JVM: the
 *       MPI-against-in-process model test caught it).</li>
 * </ul>
 * A block's accumulators leave its method through a per-thread scratch array, never as vector arguments of
 * another method: C2 stops inlining in a method this large (NodeCountInliningCutoff), and a vector passed to
 * a method it did not inline is boxed, an allocation per vector (measured: 4x slower than the unblocked
 * products before, and a young collection every few milliseconds). Rows and vectors left over from the blocks
 * run row by row; columns left over from the vectors, and A and B both transposed (the rare case), as
 * scalar loops. Sums run in another order than the reference: the two agree to rounding. Stateless to its
 * callers and thread-safe; allocates nothing after a thread's first call with the largest shape it meets.
 *
 * <p>Compiled apart from the rest (it needs {@code --add-modules jdk.incubator.vector}); chosen by
 * {@code kernel.JavaGemms} where the JDK compiles the Vector API to SIMD instructions.
 */
public final class VectorGemm implements Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * 16 vector registers (x86 below AVX-512: AVX2, SSE): a 4 x 4 block's 16 accumulators, 4 loads and a broadcast
     * do not fit, so the row updates run in blocks of 6 rows by 2 vectors (12 accumulators) instead.
     */
    private static final boolean NARROW = S.vectorBitSize() < 512
        && System.getProperty("os.arch", "").matches("amd64|x86_64|x86|i386");
    /** Scratch for a block's accumulators, 16 vectors: one per thread, so the class stays stateless to its callers. */
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[16 * L]);
    /** Rows of A that the forward product transposes at a time: its scratch is (k + n) x this floats. */
    private static final int CHUNK = 8 * L;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** A thread's transposes of the forward product, grown to the largest shape it has met. */
    private static final class Scratch {
        private float[] aT = new float[0];
        private float[] cT = new float[0];

        float[] aT(int size) {
            if (aT.length < size) {
                aT = new float[size];
            }
            return aT;
        }

        float[] cT(int size) {
            if (cT.length < size) {
                cT = new float[size];
            }
            return cT;
        }
    }

    private final Gemm reference = new GemmReference();

    /** The lanes of {@code v} added in lane order (see the class comment). */
    private static float sum(FloatVector v, float[] t) {
        v.intoArray(t, 0);
        float sum = 0f;
        for (int l = 0; l < L; l++) {
            sum += t[l];
        }
        return sum;
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
        } else if (transB) {
            dots(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, TILE.get());
        } else {
            // op(A)'s strides, taken here rather than tested in the kernels: a kernel's loop compiled while it had
            // met only one of the two (the first forward product, in a thread's first step) would be thrown back
            // to the interpreter when the other came (the first backward product; an evaluation's batch): the
            // JIT's "unstable if" deoptimization, seen in every run's first steps and after its first evaluation
            final int rowStride = transA ? 1 : lda;
            final int colStride = transA ? lda : 1;
            rowUpdates(rowStride, colStride, m, n, k, alpha, a, aOff, b, bOff, ldb, beta, c, cOff, ldc, TILE.get());
        }
    }

    /** beta C + t, where beta 0 reads nothing. */
    private static float scaled(float beta, float c, float t) {
        return (beta == 0f ? 0f : beta * c) + t;
    }

    private static FloatVector scaled(float beta, float[] c, int at, FloatVector t) {
        return beta == 0f ? t : FloatVector.fromArray(S, c, at).fma(FloatVector.broadcast(S, beta), t);
    }

    /**
     * C = alpha op(A) B + beta C: the whole vectors of each row in register blocks ({@link #wideUpdates} with 32
     * vector registers, {@link #narrowUpdates} with 16), then the columns after the last whole vector as scalar
     * sums. op(A)[i, p] = a[aOff + i rowStride + p colStride].
     */
    private static void rowUpdates(int rowStride, int colStride, int m, int n, int k, float alpha, float[] a,
                                   int aOff, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
                                   float[] t) {
        final int vecEnd = n - n % L;
        if (NARROW) {
            narrowUpdates(rowStride, colStride, m, vecEnd, k, alpha, a, aOff, b, bOff, ldb, beta, c, cOff, ldc, t);
        } else {
            wideUpdates(rowStride, colStride, m, vecEnd, k, alpha, a, aOff, b, bOff, ldb, beta, c, cOff, ldc, t);
        }
        for (int r = 0; r < m; r++) { // the columns after the last whole vector
            final int row = cOff + r * ldc;
            final int aRow = aOff + r * rowStride;
            for (int j = vecEnd; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum += a[aRow + p * colStride] * b[bOff + p * ldb + j];
                }
                c[row + j] = scaled(beta, c[row + j], alpha * sum);
            }
        }
    }

    /** The whole vectors of {@link #rowUpdates} with 32 vector registers: 4 x 4 blocks, then 8 x 2, then rows. */
    private static void wideUpdates(int rowStride, int colStride, int m, int vecEnd, int k, float alpha, float[] a,
                                    int aOff, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
                                    float[] t) {
        final int blockEnd = vecEnd - vecEnd % (4 * L);
        final int pairEnd = vecEnd - blockEnd >= 2 * L ? blockEnd + 2 * L : blockEnd;
        final int rowEnd = m - m % 4;
        for (int i = 0; i < rowEnd; i += 4) {
            for (int j = 0; j < blockEnd; j += 4 * L) {
                block4x4(rowStride, colStride, i, j, k, alpha, a, aOff, b, bOff, ldb, beta, c, cOff, ldc, t);
            }
        }
        final int pairRowEnd = pairEnd > blockEnd ? m - m % 8 : 0;
        for (int i = 0; i < pairRowEnd; i += 8) {
            block8x2(rowStride, colStride, i, blockEnd, k, alpha, a, aOff, b, bOff, ldb, beta, c, cOff, ldc, t);
        }
        for (int r = 0; r < m; r++) { // each row's vectors after those its blocks covered (rows in 8s are in 4s too)
            final int from = r < pairRowEnd ? pairEnd : r < rowEnd ? blockEnd : 0;
            if (from < vecEnd) {
                rowStream(rowStride, colStride, r, from, vecEnd, k, alpha, a, aOff, b, bOff, ldb, beta, c, cOff, ldc);
            }
        }
    }

    /**
     * The whole vectors of {@link #rowUpdates} with 16 vector registers: blocks of 6 rows by 2 vectors, each row
     * block's pairs in one call ({@link #block6x2}), then the rows and vectors left row by row.
     */
    private static void narrowUpdates(int rowStride, int colStride, int m, int vecEnd, int k, float alpha,
                                      float[] a, int aOff, float[] b, int bOff, int ldb, float beta, float[] c,
                                      int cOff, int ldc, float[] t) {
        final int pairEnd = vecEnd - vecEnd % (2 * L);
        final int rowEnd = m - m % 6;
        for (int i = 0; i < rowEnd; i += 6) {
            block6x2(rowStride, colStride, i, pairEnd, k, alpha, a, aOff, b, bOff, ldb, beta, c, cOff, ldc, t);
        }
        for (int r = 0; r < m; r++) {
            final int from = r < rowEnd ? pairEnd : 0;
            if (from < vecEnd) {
                rowStream(rowStride, colStride, r, from, vecEnd, k, alpha, a, aOff, b, bOff, ldb, beta, c, cOff, ldc);
            }
        }
    }

    /**
     * C's rows i..i+5, columns [0, pairEnd) in blocks of 2 vectors: 12 accumulators, each element of op(A) loaded
     * where it is broadcast (loaded ahead, as the zero test of {@link #block4x4} needs, they took registers the
     * accumulators need; no ReLU skip here).
     */
    private static void block6x2(int rows, int cols, int i, int pairEnd, int k, float alpha, float[] a, int aOff,
                                 float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc, float[] t) {
        final int r1 = rows;
        final int r2 = 2 * rows;
        final int r3 = 3 * rows;
        final int r4 = 4 * rows;
        final int r5 = 5 * rows;
        for (int j = 0; j < pairEnd; j += 2 * L) {
            FloatVector s00 = FloatVector.zero(S);
            FloatVector s01 = FloatVector.zero(S);
            FloatVector s10 = FloatVector.zero(S);
            FloatVector s11 = FloatVector.zero(S);
            FloatVector s20 = FloatVector.zero(S);
            FloatVector s21 = FloatVector.zero(S);
            FloatVector s30 = FloatVector.zero(S);
            FloatVector s31 = FloatVector.zero(S);
            FloatVector s40 = FloatVector.zero(S);
            FloatVector s41 = FloatVector.zero(S);
            FloatVector s50 = FloatVector.zero(S);
            FloatVector s51 = FloatVector.zero(S);
            int e = aOff + i * rows;
            for (int p = 0; p < k; p++, e += cols) {
                final int bp = bOff + p * ldb + j;
                final FloatVector y0 = FloatVector.fromArray(S, b, bp);
                final FloatVector y1 = FloatVector.fromArray(S, b, bp + L);
                FloatVector x = FloatVector.broadcast(S, a[e]);
                s00 = y0.fma(x, s00);
                s01 = y1.fma(x, s01);
                x = FloatVector.broadcast(S, a[e + r1]);
                s10 = y0.fma(x, s10);
                s11 = y1.fma(x, s11);
                x = FloatVector.broadcast(S, a[e + r2]);
                s20 = y0.fma(x, s20);
                s21 = y1.fma(x, s21);
                x = FloatVector.broadcast(S, a[e + r3]);
                s30 = y0.fma(x, s30);
                s31 = y1.fma(x, s31);
                x = FloatVector.broadcast(S, a[e + r4]);
                s40 = y0.fma(x, s40);
                s41 = y1.fma(x, s41);
                x = FloatVector.broadcast(S, a[e + r5]);
                s50 = y0.fma(x, s50);
                s51 = y1.fma(x, s51);
            }
            s00.intoArray(t, 0);
            s01.intoArray(t, L);
            s10.intoArray(t, 2 * L);
            s11.intoArray(t, 3 * L);
            s20.intoArray(t, 4 * L);
            s21.intoArray(t, 5 * L);
            s30.intoArray(t, 6 * L);
            s31.intoArray(t, 7 * L);
            s40.intoArray(t, 8 * L);
            s41.intoArray(t, 9 * L);
            s50.intoArray(t, 10 * L);
            s51.intoArray(t, 11 * L);
            storeTile(t, 6, 2, alpha, beta, c, cOff + i * ldc + j, ldc);
        }
    }

    private static void block4x4(int rows, int cols, int i, int j, int k, float alpha, float[] a, int aOff,
                                 float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
                                 float[] t) {
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = FloatVector.zero(S);
        FloatVector s02 = FloatVector.zero(S);
        FloatVector s03 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S);
        FloatVector s11 = FloatVector.zero(S);
        FloatVector s12 = FloatVector.zero(S);
        FloatVector s13 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S);
        FloatVector s21 = FloatVector.zero(S);
        FloatVector s22 = FloatVector.zero(S);
        FloatVector s23 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S);
        FloatVector s31 = FloatVector.zero(S);
        FloatVector s32 = FloatVector.zero(S);
        FloatVector s33 = FloatVector.zero(S);
        // op(A)[i + r, p] = a[e + r * rows], e stepping by cols (op(A)'s strides) along p: plain indexing, no call
        // per element (the interpreter runs a thread's first products; with a call per element 4 ranks of the
        // training MLP took about 0.4 s longer over their first 25 steps)
        final int r1 = rows;
        final int r2 = 2 * rows;
        final int r3 = 3 * rows;
        int e = aOff + i * rows;
        for (int p = 0; p < k; p++, e += cols) {
            final float e0 = a[e];
            final float e1 = a[e + r1];
            final float e2 = a[e + r2];
            final float e3 = a[e + r3];
            if (e0 == 0f && e1 == 0f && e2 == 0f && e3 == 0f) {
                continue; // ReLU zeros: a hidden unit off for this row of the batch
            }
            final int bp = bOff + p * ldb + j;
            final FloatVector y0 = FloatVector.fromArray(S, b, bp);
            final FloatVector y1 = FloatVector.fromArray(S, b, bp + L);
            final FloatVector y2 = FloatVector.fromArray(S, b, bp + 2 * L);
            final FloatVector y3 = FloatVector.fromArray(S, b, bp + 3 * L);
            FloatVector x = FloatVector.broadcast(S, e0);
            s00 = y0.fma(x, s00);
            s01 = y1.fma(x, s01);
            s02 = y2.fma(x, s02);
            s03 = y3.fma(x, s03);
            x = FloatVector.broadcast(S, e1);
            s10 = y0.fma(x, s10);
            s11 = y1.fma(x, s11);
            s12 = y2.fma(x, s12);
            s13 = y3.fma(x, s13);
            x = FloatVector.broadcast(S, e2);
            s20 = y0.fma(x, s20);
            s21 = y1.fma(x, s21);
            s22 = y2.fma(x, s22);
            s23 = y3.fma(x, s23);
            x = FloatVector.broadcast(S, e3);
            s30 = y0.fma(x, s30);
            s31 = y1.fma(x, s31);
            s32 = y2.fma(x, s32);
            s33 = y3.fma(x, s33);
        }
        s00.intoArray(t, 0);
        s01.intoArray(t, L);
        s02.intoArray(t, 2 * L);
        s03.intoArray(t, 3 * L);
        s10.intoArray(t, 4 * L);
        s11.intoArray(t, 5 * L);
        s12.intoArray(t, 6 * L);
        s13.intoArray(t, 7 * L);
        s20.intoArray(t, 8 * L);
        s21.intoArray(t, 9 * L);
        s22.intoArray(t, 10 * L);
        s23.intoArray(t, 11 * L);
        s30.intoArray(t, 12 * L);
        s31.intoArray(t, 13 * L);
        s32.intoArray(t, 14 * L);
        s33.intoArray(t, 15 * L);
        storeTile(t, 4, 4, alpha, beta, c, cOff + i * ldc + j, ldc);
    }

    /** C's block of {@code rows} x {@code vectors} L at {@code at} = beta C + alpha (the tile, row by row). */
    private static void storeTile(float[] t, int rows, int vectors, float alpha, float beta, float[] c, int at,
                                  int ldc) {
        for (int r = 0; r < rows; r++) {
            final int row = at + r * ldc;
            for (int v = 0; v < vectors; v++) {
                final FloatVector s = FloatVector.fromArray(S, t, (vectors * r + v) * L).mul(alpha);
                scaled(beta, c, row + v * L, s).intoArray(c, row + v * L);
            }
        }
    }

    /** C's 8 x 2L block at rows i, columns j: as {@link #block4x4}, for the rows whose last two vectors it leaves. */
    private static void block8x2(int rows, int cols, int i, int j, int k, float alpha, float[] a, int aOff,
                                 float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
                                 float[] t) {
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S);
        FloatVector s11 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S);
        FloatVector s21 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S);
        FloatVector s31 = FloatVector.zero(S);
        FloatVector s40 = FloatVector.zero(S);
        FloatVector s41 = FloatVector.zero(S);
        FloatVector s50 = FloatVector.zero(S);
        FloatVector s51 = FloatVector.zero(S);
        FloatVector s60 = FloatVector.zero(S);
        FloatVector s61 = FloatVector.zero(S);
        FloatVector s70 = FloatVector.zero(S);
        FloatVector s71 = FloatVector.zero(S);
        // indexing as in block4x4
        final int r1 = rows;
        final int r2 = 2 * rows;
        final int r3 = 3 * rows;
        final int r4 = 4 * rows;
        final int r5 = 5 * rows;
        final int r6 = 6 * rows;
        final int r7 = 7 * rows;
        int e = aOff + i * rows;
        for (int p = 0; p < k; p++, e += cols) {
            final float e0 = a[e];
            final float e1 = a[e + r1];
            final float e2 = a[e + r2];
            final float e3 = a[e + r3];
            final float e4 = a[e + r4];
            final float e5 = a[e + r5];
            final float e6 = a[e + r6];
            final float e7 = a[e + r7];
            if (e0 == 0f && e1 == 0f && e2 == 0f && e3 == 0f && e4 == 0f && e5 == 0f && e6 == 0f && e7 == 0f) {
                continue;
            }
            final int bp = bOff + p * ldb + j;
            final FloatVector y0 = FloatVector.fromArray(S, b, bp);
            final FloatVector y1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x = FloatVector.broadcast(S, e0);
            s00 = y0.fma(x, s00);
            s01 = y1.fma(x, s01);
            x = FloatVector.broadcast(S, e1);
            s10 = y0.fma(x, s10);
            s11 = y1.fma(x, s11);
            x = FloatVector.broadcast(S, e2);
            s20 = y0.fma(x, s20);
            s21 = y1.fma(x, s21);
            x = FloatVector.broadcast(S, e3);
            s30 = y0.fma(x, s30);
            s31 = y1.fma(x, s31);
            x = FloatVector.broadcast(S, e4);
            s40 = y0.fma(x, s40);
            s41 = y1.fma(x, s41);
            x = FloatVector.broadcast(S, e5);
            s50 = y0.fma(x, s50);
            s51 = y1.fma(x, s51);
            x = FloatVector.broadcast(S, e6);
            s60 = y0.fma(x, s60);
            s61 = y1.fma(x, s61);
            x = FloatVector.broadcast(S, e7);
            s70 = y0.fma(x, s70);
            s71 = y1.fma(x, s71);
        }
        s00.intoArray(t, 0);
        s01.intoArray(t, L);
        s10.intoArray(t, 2 * L);
        s11.intoArray(t, 3 * L);
        s20.intoArray(t, 4 * L);
        s21.intoArray(t, 5 * L);
        s30.intoArray(t, 6 * L);
        s31.intoArray(t, 7 * L);
        s40.intoArray(t, 8 * L);
        s41.intoArray(t, 9 * L);
        s50.intoArray(t, 10 * L);
        s51.intoArray(t, 11 * L);
        s60.intoArray(t, 12 * L);
        s61.intoArray(t, 13 * L);
        s70.intoArray(t, 14 * L);
        s71.intoArray(t, 15 * L);
        storeTile(t, 8, 2, alpha, beta, c, cOff + i * ldc + j, ldc);
    }

    /**
     * C[r, from, to) = alpha sum_p op(A)[r, p] B[p, from, to) + beta C[r, from, to), to - from a multiple of L: the
     * row scaled by beta, then four p at a time added to it, each vector of the row its own chain of multiply-adds
     * (one accumulator over the whole of k would wait on each multiply-add's latency: a tenth of the speed).
     */
    private static void rowStream(int rowStride, int colStride, int r, int from, int to, int k, float alpha,
                                  float[] a, int aOff, float[] b, int bOff, int ldb, float beta, float[] c, int cOff,
                                  int ldc) {
        final int row = cOff + r * ldc;
        final int aRow = aOff + r * rowStride;
        if (beta != 1f) {
            for (int j = from; j < to; j += L) {
                final FloatVector old = beta == 0f ? FloatVector.zero(S) : FloatVector.fromArray(S, c, row + j);
                old.mul(beta).intoArray(c, row + j);
            }
        }
        int p = 0;
        for (; p + 3 < k; p += 4) {
            final float e0 = alpha * a[aRow + p * colStride];
            final float e1 = alpha * a[aRow + (p + 1) * colStride];
            final float e2 = alpha * a[aRow + (p + 2) * colStride];
            final float e3 = alpha * a[aRow + (p + 3) * colStride];
            if (e0 == 0f && e1 == 0f && e2 == 0f && e3 == 0f) {
                continue;
            }
            final int b0 = bOff + p * ldb;
            final int b1 = b0 + ldb;
            final int b2 = b1 + ldb;
            final int b3 = b2 + ldb;
            final FloatVector v0 = FloatVector.broadcast(S, e0);
            final FloatVector v1 = FloatVector.broadcast(S, e1);
            final FloatVector v2 = FloatVector.broadcast(S, e2);
            final FloatVector v3 = FloatVector.broadcast(S, e3);
            for (int j = from; j < to; j += L) {
                FloatVector acc = FloatVector.fromArray(S, c, row + j);
                acc = FloatVector.fromArray(S, b, b0 + j).fma(v0, acc);
                acc = FloatVector.fromArray(S, b, b1 + j).fma(v1, acc);
                acc = FloatVector.fromArray(S, b, b2 + j).fma(v2, acc);
                acc = FloatVector.fromArray(S, b, b3 + j).fma(v3, acc);
                acc.intoArray(c, row + j);
            }
        }
        for (; p < k; p++) {
            final float e = alpha * a[aRow + p * colStride];
            if (e == 0f) {
                continue;
            }
            final FloatVector v = FloatVector.broadcast(S, e);
            final int bp = bOff + p * ldb;
            for (int j = from; j < to; j += L) {
                FloatVector.fromArray(S, b, bp + j).fma(v, FloatVector.fromArray(S, c, row + j)).intoArray(c, row + j);
            }
        }
    }

    /**
     * C = alpha A B^T + beta C. Where B has k / 8 rows or more, rows of A in multiples of 2L, up to
     * {@link #CHUNK} at a time, go the transposed way: C^T = B A^T as row updates ({@link #rowUpdates}, into scratch), with A's rows transposed into scratch
     * first and C^T's written back transposed, so that every element of C is one chain of multiply-adds in a
     * vector lane and no sum ever adds a vector's lanes (those horizontal sums were a third of the forward
     * product's time); the rows left over go as dot products ({@link #laneDots}).
     */
    private static void dots(int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff,
                             int ldb, float beta, float[] c, int cOff, int ldc, float[] t) {
        // Transposing costs k moves per row of A; it saves 16 additions per element of C, n per row of A.
        final int viaTranspose = 8 * n >= k ? m - m % (2 * L) : 0;
        if (viaTranspose > 0) {
            final Scratch scratch = SCRATCH.get();
            for (int i = 0; i < viaTranspose; i += CHUNK) {
                final int rows = Math.min(CHUNK, viaTranspose - i);
                final float[] at = scratch.aT(k * rows);
                final float[] ct = scratch.cT(n * rows);
                for (int r = 0; r < rows; r++) {
                    final int row = aOff + (i + r) * lda;
                    for (int p = 0; p < k; p++) {
                        at[p * rows + r] = a[row + p];
                    }
                }
                rowUpdates(ldb, 1, n, rows, k, 1f, b, bOff, at, 0, rows, 0f, ct, 0, rows, t);
                for (int r = 0; r < rows; r++) {
                    final int row = cOff + (i + r) * ldc;
                    for (int q = 0; q < n; q++) {
                        c[row + q] = scaled(beta, c[row + q], alpha * ct[q * rows + r]);
                    }
                }
            }
        }
        if (viaTranspose < m) {
            laneDots(m - viaTranspose, n, k, alpha, a, aOff + viaTranspose * lda, lda, b, bOff, ldb, beta, c,
                cOff + viaTranspose * ldc, ldc, t);
        }
    }

    /** C[i, j] = alpha A[i, :] . B[j, :] + beta C[i, j]: rows of B four at a time outside, rows of A four inside. */
    private static void laneDots(int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff,
                                 int ldb, float beta, float[] c, int cOff, int ldc, float[] t) {
        // B's rows (an MLP's weights, MBs in all) are the outer loop: four of them come from memory once and stay
        // in cache while every row of A (a minibatch, KBs) meets them.
        final int rowEnd = m - m % 4;
        final int colEnd = n - n % 4;
        for (int j = 0; j < colEnd; j += 4) {
            for (int i = 0; i < rowEnd; i += 4) {
                dots4x4(i, j, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, t);
            }
            for (int i = rowEnd; i < m; i++) {
                for (int q = j; q < j + 4; q++) {
                    final int at = cOff + i * ldc + q;
                    c[at] = scaled(beta, c[at], alpha * dot(a, aOff + i * lda, b, bOff + q * ldb, k, t));
                }
            }
        }
        for (int q = colEnd; q < n; q++) { // the last rows of B, fewer than four (a linear model's only one)
            for (int i = 0; i < rowEnd; i += 4) {
                dots4x1(i, q, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, t);
            }
            for (int i = rowEnd; i < m; i++) {
                final int at = cOff + i * ldc + q;
                c[at] = scaled(beta, c[at], alpha * dot(a, aOff + i * lda, b, bOff + q * ldb, k, t));
            }
        }
    }

    /** C[i + r, q] = alpha A[i + r, :] . B[q, :] + beta C for r in 0..3: four independent sums along k. */
    private static void dots4x1(int i, int q, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff,
                                int ldb, float beta, float[] c, int cOff, int ldc, float[] t) {
        final int a0 = aOff + i * lda;
        final int bq = bOff + q * ldb;
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        int p = 0;
        for (; p + L <= k; p += L) {
            final FloatVector y = FloatVector.fromArray(S, b, bq + p);
            s0 = FloatVector.fromArray(S, a, a0 + p).fma(y, s0);
            s1 = FloatVector.fromArray(S, a, a0 + lda + p).fma(y, s1);
            s2 = FloatVector.fromArray(S, a, a0 + 2 * lda + p).fma(y, s2);
            s3 = FloatVector.fromArray(S, a, a0 + 3 * lda + p).fma(y, s3);
        }
        s0.intoArray(t, 0);
        s1.intoArray(t, L);
        s2.intoArray(t, 2 * L);
        s3.intoArray(t, 3 * L);
        for (int r = 0; r < 4; r++) {
            float sum = 0f;
            for (int l = 0; l < L; l++) {
                sum += t[r * L + l];
            }
            final int ar = a0 + r * lda;
            for (int e = p; e < k; e++) {
                sum += a[ar + e] * b[bq + e];
            }
            final int at = cOff + (i + r) * ldc + q;
            c[at] = scaled(beta, c[at], alpha * sum);
        }
    }

    private static void dots4x4(int i, int j, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff,
                                int ldb, float beta, float[] c, int cOff, int ldc, float[] t) {
        final int a0 = aOff + i * lda;
        final int a1 = a0 + lda;
        final int a2 = a1 + lda;
        final int a3 = a2 + lda;
        final int b0 = bOff + j * ldb;
        final int b1 = b0 + ldb;
        final int b2 = b1 + ldb;
        final int b3 = b2 + ldb;
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = FloatVector.zero(S);
        FloatVector s02 = FloatVector.zero(S);
        FloatVector s03 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S);
        FloatVector s11 = FloatVector.zero(S);
        FloatVector s12 = FloatVector.zero(S);
        FloatVector s13 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S);
        FloatVector s21 = FloatVector.zero(S);
        FloatVector s22 = FloatVector.zero(S);
        FloatVector s23 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S);
        FloatVector s31 = FloatVector.zero(S);
        FloatVector s32 = FloatVector.zero(S);
        FloatVector s33 = FloatVector.zero(S);
        int p = 0;
        for (; p + L <= k; p += L) {
            final FloatVector y0 = FloatVector.fromArray(S, b, b0 + p);
            final FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
            final FloatVector y2 = FloatVector.fromArray(S, b, b2 + p);
            final FloatVector y3 = FloatVector.fromArray(S, b, b3 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s00 = x.fma(y0, s00);
            s01 = x.fma(y1, s01);
            s02 = x.fma(y2, s02);
            s03 = x.fma(y3, s03);
            x = FloatVector.fromArray(S, a, a1 + p);
            s10 = x.fma(y0, s10);
            s11 = x.fma(y1, s11);
            s12 = x.fma(y2, s12);
            s13 = x.fma(y3, s13);
            x = FloatVector.fromArray(S, a, a2 + p);
            s20 = x.fma(y0, s20);
            s21 = x.fma(y1, s21);
            s22 = x.fma(y2, s22);
            s23 = x.fma(y3, s23);
            x = FloatVector.fromArray(S, a, a3 + p);
            s30 = x.fma(y0, s30);
            s31 = x.fma(y1, s31);
            s32 = x.fma(y2, s32);
            s33 = x.fma(y3, s33);
        }
        s00.intoArray(t, 0);
        s01.intoArray(t, L);
        s02.intoArray(t, 2 * L);
        s03.intoArray(t, 3 * L);
        s10.intoArray(t, 4 * L);
        s11.intoArray(t, 5 * L);
        s12.intoArray(t, 6 * L);
        s13.intoArray(t, 7 * L);
        s20.intoArray(t, 8 * L);
        s21.intoArray(t, 9 * L);
        s22.intoArray(t, 10 * L);
        s23.intoArray(t, 11 * L);
        s30.intoArray(t, 12 * L);
        s31.intoArray(t, 13 * L);
        s32.intoArray(t, 14 * L);
        s33.intoArray(t, 15 * L);
        final int r0 = cOff + i * ldc + j;
        for (int r = 0; r < 4; r++) {
            finish(t, 4 * r * L, a, a0 + r * lda, b, b0, ldb, p, k, alpha, beta, c, r0 + r * ldc);
        }
    }

    /**
     * C[at + q] = beta C + alpha (the lanes of the tile's vector q from {@code tileAt}, added in lane order, plus
     * A[aRow, from, k) . B[b0 + q ldb, from, k)) for q in 0..3: one row of a 4 x 4 block of dots, with the elements
     * of k after the last whole vector.
     */
    private static void finish(float[] t, int tileAt, float[] a, int aRow, float[] b, int b0, int ldb, int from,
                               int k, float alpha, float beta, float[] c, int at) {
        for (int q = 0; q < 4; q++) {
            final int lanes = tileAt + q * L;
            float sum = 0f;
            for (int l = 0; l < L; l++) {
                sum += t[lanes + l];
            }
            final int bq = b0 + q * ldb;
            for (int p = from; p < k; p++) {
                sum += a[aRow + p] * b[bq + p];
            }
            c[at + q] = scaled(beta, c[at + q], alpha * sum);
        }
    }

    private static float dot(float[] a, int aAt, float[] b, int bAt, int k, float[] scratch) {
        FloatVector s = FloatVector.zero(S);
        int p = 0;
        for (; p + L <= k; p += L) {
            s = FloatVector.fromArray(S, a, aAt + p).fma(FloatVector.fromArray(S, b, bAt + p), s);
        }
        float t = sum(s, scratch);
        for (; p < k; p++) {
            t += a[aAt + p] * b[bAt + p];
        }
        return t;
    }
}
