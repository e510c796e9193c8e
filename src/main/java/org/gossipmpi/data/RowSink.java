package org.gossipmpi.data;

/** Where a reader of labelled rows puts them, one at a time: into memory, or into a binary file. */
interface RowSink {
    /** A dense row: {@code x[0, cols)}. */
    void denseRow(float target, float[] x, int cols);

    /** A sparse row: {@code n} features at the 0-based, ascending {@code index[0, n)} with {@code value[0, n)}. */
    void sparseRow(float target, int[] index, float[] value, int n);
}
