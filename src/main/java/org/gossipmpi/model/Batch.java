package org.gossipmpi.model;

import java.util.Arrays;

import org.gossipmpi.data.Dataset;
import org.gossipmpi.kernel.Gemm;

/**
 * A minibatch gathered into compact, preallocated buffers: dense rows as one row-major {@code size x cols}
 * array (what the kernels get), sparse rows as CSR. It offers the two products every model is built from:
 * {@link #times} (X W^T) and {@link #transposeTimes} (G = alpha C^T X + beta G). Buffers grow only when a larger
 * batch or denser rows come; refilling allocates nothing.
 */
public final class Batch {
    private final int cols;
    private final boolean dense;
    private float[] x = new float[0];
    private int[] rowStart = new int[1];
    private int[] colIndex = new int[0];
    private float[] values = new float[0];
    private float[] targets = new float[0];
    private int size;

    public Batch(Dataset like) {
        this.cols = like.cols();
        this.dense = like.isDense();
    }

    /** Gathers {@code rows[from, from + count)} of {@code d}. */
    public Batch fill(Dataset d, int[] rows, int from, int count) {
        if (d.cols() != cols || d.isDense() != dense) {
            throw new IllegalArgumentException(d.source() + ": " + d.cols() + " features (" + (d.isDense() ? "dense"
                : "sparse") + ") where the model was set up for " + cols + " (" + (dense ? "dense" : "sparse") + ")");
        }
        size = count;
        if (targets.length < count) {
            targets = new float[count];
        }
        for (int i = 0; i < count; i++) {
            targets[i] = d.target(rows == null ? from + i : rows[from + i]);
        }
        if (dense) {
            if (x.length < count * cols) {
                x = new float[count * cols];
            }
            final float[] src = d.denseValues();
            for (int i = 0; i < count; i++) {
                final int r = rows == null ? from + i : rows[from + i];
                System.arraycopy(src, r * cols, x, i * cols, cols);
            }
            return this;
        }
        if (rowStart.length < count + 1) {
            rowStart = new int[count + 1];
        }
        final int[] start = d.rowStart();
        int nnz = 0;
        for (int i = 0; i < count; i++) {
            final int r = rows == null ? from + i : rows[from + i];
            nnz += start[r + 1] - start[r];
        }
        if (colIndex.length < nnz) {
            colIndex = new int[nnz];
            values = new float[nnz];
        }
        rowStart[0] = 0;
        for (int i = 0; i < count; i++) {
            final int r = rows == null ? from + i : rows[from + i];
            final int len = start[r + 1] - start[r];
            System.arraycopy(d.colIndex(), start[r], colIndex, rowStart[i], len);
            System.arraycopy(d.values(), start[r], values, rowStart[i], len);
            rowStart[i + 1] = rowStart[i] + len;
        }
        return this;
    }

    /**
     * The dense rows as gathered: row-major, {@code size() x cols()} valid floats at the start (the array may be
     * longer); for models that hand the batch to an engine of their own.
     *
     * @throws IllegalStateException for sparse rows
     */
    public float[] denseRows() {
        if (!dense) {
            throw new IllegalStateException("the batch holds sparse rows");
        }
        return x;
    }

    public int size() {
        return size;
    }

    public int cols() {
        return cols;
    }

    public float target(int i) {
        return targets[i];
    }

    /**
     * {@code out[size x outCols] = X W^T}, with W the {@code outCols x cols} row-major block of {@code w} at
     * {@code wOff}.
     */
    public void times(Gemm gemm, float[] w, int wOff, int outCols, float[] out) {
        if (dense) {
            gemm.gemm(false, true, size, outCols, cols, 1f, x, 0, cols, w, wOff, cols, 0f, out, 0, outCols);
            return;
        }
        Arrays.fill(out, 0, size * outCols, 0f);
        for (int i = 0; i < size; i++) {
            for (int c = 0; c < outCols; c++) {
                final int wRow = wOff + c * cols;
                float acc = 0f;
                for (int q = rowStart[i]; q < rowStart[i + 1]; q++) {
                    acc += values[q] * w[wRow + colIndex[q]];
                }
                out[i * outCols + c] = acc;
            }
        }
    }

    /**
     * {@code G = alpha C^T X + beta G}, with C the {@code size x coefCols} row-major {@code coef} and G the
     * {@code coefCols x cols} row-major block of {@code grad} at {@code gOff}; with beta 0, G's old values are
     * not read.
     */
    public void transposeTimes(Gemm gemm, float[] coef, int coefCols, float alpha, float beta, float[] grad, int gOff) {
        transposeTimes(gemm, coef, 0, coefCols, coefCols, alpha, beta, grad, gOff);
    }

    /**
     * {@link #transposeTimes(Gemm, float[], int, float, float, float[], int)} for the columns
     * {@code [coefFrom, coefFrom + count)} of C alone: G is then the {@code count x cols} block at {@code gOff}, the
     * rows {@code [coefFrom, coefFrom + count)} of the whole product.
     */
    public void transposeTimes(Gemm gemm, float[] coef, int coefFrom, int count, int coefCols, float alpha, float beta,
                               float[] grad, int gOff) {
        if (dense) {
            gemm.gemm(true, false, count, cols, size, alpha, coef, coefFrom, coefCols, x, 0, cols, beta, grad, gOff,
                cols);
            return;
        }
        if (beta != 1f) {
            final int end = gOff + count * cols;
            for (int i = gOff; i < end; i++) {
                grad[i] = beta == 0f ? 0f : beta * grad[i];
            }
        }
        for (int i = 0; i < size; i++) {
            for (int c = 0; c < count; c++) {
                final float a = alpha * coef[i * coefCols + coefFrom + c];
                if (a == 0f) {
                    continue;
                }
                final int gRow = gOff + c * cols;
                for (int q = rowStart[i]; q < rowStart[i + 1]; q++) {
                    grad[gRow + colIndex[q]] += a * values[q];
                }
            }
        }
    }
}
