package org.gossipmpi.data;

/**
 * Labelled rows that a rank reads a part of: a {@link Dataset} in memory, or a {@link BinaryData} file, of which
 * only the rows asked for are read. Targets are as stored; {@link Labels} maps them for a model.
 */
public interface Rows {
    /** Where the rows come from (file or named set), for messages. */
    String source();

    /** The number of rows. */
    int rows();

    /** Features per row. */
    int cols();

    /** Classes of the targets: 2 for binary, C for integer labels, 0 for real values (regression). */
    int classes();

    /** Whether the rows are dense (else sparse, CSR). */
    boolean isDense();

    /** Row {@code row}'s target. */
    float target(int row);

    /**
     * The given rows, in that order, as a dataset of their own (a copy: the rest is never held).
     *
     * @throws DataException naming the file and row when a row cannot be read or is damaged
     */
    Dataset read(int[] rows, String name);

    /** The heap bytes these rows occupy in this process (0 for a file, which holds none until read). */
    long bytes();
}
