package org.gossipmpi.data;

/**
 * Rows of features with one target each, in memory: dense (row-major {@code float[rows * cols]}) or sparse
 * (CSR: {@code rowStart[rows + 1]}, {@code colIndex}, {@code values}). Targets are floats: +-1 for binary
 * tasks, a class index 0..classes-1 for multiclass ones, a real value for regression (classes = 0).
 * Immutable after construction; arrays are shared, never to be modified.
 */
public final class Dataset implements Rows {
    private final String source;
    private final int rows;
    private final int cols;
    private final int classes;
    private final float[] targets;
    private final float[] dense;
    private final int[] rowStart;
    private final int[] colIndex;
    private final float[] values;

    private Dataset(String source, int rows, int cols, int classes, float[] targets, float[] dense, int[] rowStart,
                    int[] colIndex, float[] values) {
        this.source = source;
        this.rows = rows;
        this.cols = cols;
        this.classes = classes;
        this.targets = targets;
        this.dense = dense;
        this.rowStart = rowStart;
        this.colIndex = colIndex;
        this.values = values;
    }

    public static Dataset dense(String source, int rows, int cols, int classes, float[] targets, float[] x) {
        if (x.length != (long) rows * cols || targets.length != rows) {
            throw new IllegalArgumentException(source + ": " + rows + " x " + cols + " needs " + (long) rows * cols
                + " values and " + rows + " targets, got " + x.length + " and " + targets.length);
        }
        return new Dataset(source, rows, cols, classes, targets, x, null, null, null);
    }

    public static Dataset sparse(String source, int rows, int cols, int classes, float[] targets, int[] rowStart,
                                 int[] colIndex, float[] values) {
        return new Dataset(source, rows, cols, classes, targets, null, rowStart, colIndex, values);
    }

    /** Where the data came from (file or named set), for messages. */
    @Override
    public String source() {
        return source;
    }

    @Override
    public int rows() {
        return rows;
    }

    /** Features per row. */
    @Override
    public int cols() {
        return cols;
    }

    /** Number of classes: 2 for binary (+-1 targets), C for multiclass, 0 for regression. */
    @Override
    public int classes() {
        return classes;
    }

    @Override
    public boolean isDense() {
        return dense != null;
    }

    @Override
    public float target(int row) {
        return targets[row];
    }

    /** Row-major features of a dense dataset. Not to be modified. */
    public float[] denseValues() {
        return dense;
    }

    /** CSR row starts of a sparse dataset (rows + 1 entries). Not to be modified. */
    public int[] rowStart() {
        return rowStart;
    }

    /** CSR column indices (0-based). Not to be modified. */
    public int[] colIndex() {
        return colIndex;
    }

    /** CSR values. Not to be modified. */
    public float[] values() {
        return values;
    }

    /** The bytes of heap its arrays take (arrays shared with another dataset count in both). */
    @Override
    public long bytes() {
        long b = 4L * targets.length;
        if (dense != null) {
            return b + 4L * dense.length;
        }
        return b + 4L * (rowStart.length + colIndex.length + values.length);
    }

    /** As {@link #subset}. */
    @Override
    public Dataset read(int[] rows, String name) {
        return subset(rows, name);
    }

    /** A new dataset of the given rows, in that order (copies them: the rest can be dropped). */
    public Dataset subset(int[] rowsToKeep, String name) {
        final int n = rowsToKeep.length;
        final float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = targets[rowsToKeep[i]];
        }
        if (isDense()) {
            final float[] x = new float[n * cols];
            for (int i = 0; i < n; i++) {
                System.arraycopy(dense, rowsToKeep[i] * cols, x, i * cols, cols);
            }
            return dense(name, n, cols, classes, t, x);
        }
        final int[] start = new int[n + 1];
        for (int i = 0; i < n; i++) {
            final int r = rowsToKeep[i];
            start[i + 1] = start[i] + rowStart[r + 1] - rowStart[r];
        }
        final int[] idx = new int[start[n]];
        final float[] val = new float[start[n]];
        for (int i = 0; i < n; i++) {
            final int r = rowsToKeep[i];
            final int len = rowStart[r + 1] - rowStart[r];
            System.arraycopy(colIndex, rowStart[r], idx, start[i], len);
            System.arraycopy(values, rowStart[r], val, start[i], len);
        }
        return sparse(name, n, cols, classes, t, start, idx, val);
    }

    /** The same rows under another name (shares every array). */
    public Dataset named(String name) {
        return new Dataset(name, rows, cols, classes, targets, dense, rowStart, colIndex, values);
    }

    /** The same rows with targets replaced (for example multiclass labels mapped to a binary task). */
    public Dataset withTargets(float[] newTargets, int newClasses, String name) {
        return new Dataset(name, rows, cols, newClasses, newTargets, dense, rowStart, colIndex, values);
    }

    @Override
    public String toString() {
        return source + " (" + rows + " rows x " + cols + " features, "
            + (classes == 0 ? "regression" : classes + " classes") + ", " + (isDense() ? "dense" : "sparse") + ")";
    }
}
