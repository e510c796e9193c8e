package org.gossipmpi.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.gossipmpi.comm.Communicator;
import org.gossipmpi.comm.Messages;
import org.gossipmpi.data.DataException;
import org.gossipmpi.data.Dataset;
import org.gossipmpi.data.Labels;
import org.gossipmpi.data.Rows;
import org.gossipmpi.data.TextPart;

/**
 * A LIBSVM or CSV file read by all ranks together, so that the text is parsed once in total rather than once per
 * rank: rank r parses part r of the file ({@link TextPart}), the ranks share every row's target (sharding, labels
 * and sampling need them: four bytes a row), and {@link #read} is collective: every rank calls it with the rows it
 * wants, and the ranks that parsed them send them. The rows are numbered in file order, as when one process reads
 * the whole file, so every sharding gives the same rows, bit for bit. {@link #drop} releases the parsed part once
 * the last read is done.
 */
final class SplitText implements Rows {
    private final Communicator comm;
    private final int tag;
    private final String source;
    private final int cols;
    private final int classes;
    private final boolean dense;
    private final float[] targets;
    /** Rank p parsed rows [first[p], first[p + 1]). */
    private final int[] first;
    private Dataset part;

    private SplitText(Communicator comm, int tag, String source, int cols, boolean dense, float[] targets,
                      int[] first, Dataset part) {
        this.comm = comm;
        this.tag = tag;
        this.source = source;
        this.cols = cols;
        this.dense = dense;
        this.targets = targets;
        this.first = first;
        this.part = part;
        this.classes = Labels.integerClasses(targets);
    }

    /**
     * Reads {@code spec} with every rank of {@code comm} (all must call it), on tags {@code tag} to {@code tag + 3}.
     *
     * @param features for LIBSVM, the width (0: the largest index in the file)
     * @throws DataException on every rank, with the message of the first rank (in rank order) whose part is bad
     */
    static SplitText read(Communicator comm, String spec, int features, int tag) {
        final int n = comm.size();
        TextPart read = null;
        String problem = "";
        try {
            read = TextPart.read(spec, features, comm.rank(), n);
        } catch (DataException e) {
            problem = e.template();
        }
        final String first = Messages.firstProblem(comm, tag, problem);
        if (!first.isEmpty()) {
            throw new DataException(first);
        }
        final Dataset part = read.rows();
        // Every rank's row count, width and targets, to every rank.
        final ByteBuffer mine = ByteBuffer.allocate(16 + 4 * part.rows()).order(ByteOrder.LITTLE_ENDIAN);
        mine.putInt(part.rows()).putInt(part.cols()).putLong(read.from());
        for (int i = 0; i < part.rows(); i++) {
            mine.putFloat(part.target(i));
        }
        final byte[][] toEach = new byte[n][];
        java.util.Arrays.fill(toEach, mine.array());
        final byte[][] all = Messages.exchange(comm, tag + 2, toEach);
        final int[] rowsFrom = new int[n + 1];
        int width = features;
        int widthRank = -1;
        for (int p = 0; p < n; p++) {
            final ByteBuffer b = ByteBuffer.wrap(all[p]).order(ByteOrder.LITTLE_ENDIAN);
            final int rows = b.getInt(0);
            final int w = b.getInt(4);
            if ((long) rowsFrom[p] + rows > Integer.MAX_VALUE - 8) {
                throw new DataException(spec + ": more than " + (Integer.MAX_VALUE - 8) + " rows: split the file");
            }
            rowsFrom[p + 1] = rowsFrom[p] + rows;
            if (part.isDense() && rows > 0) {
                if (widthRank < 0) {
                    width = w;
                    widthRank = p;
                } else if (w != width) {
                    throw new DataException(spec + ":" + TextPart.lineAt(spec, b.getLong(8)) + ": " + w
                        + " features, but line 1 had " + width);
                }
            } else if (!part.isDense() && features <= 0) {
                width = Math.max(width, w);
            }
        }
        if (rowsFrom[n] == 0) {
            throw new DataException(spec.trim() + ": empty file (no data lines)");
        }
        final float[] targets = new float[rowsFrom[n]];
        for (int p = 0; p < n; p++) {
            ByteBuffer.wrap(all[p]).order(ByteOrder.LITTLE_ENDIAN).position(16).asFloatBuffer()
                .get(targets, rowsFrom[p], rowsFrom[p + 1] - rowsFrom[p]);
        }
        return new SplitText(comm, tag + 2, spec.trim(), width, part.isDense(), targets, rowsFrom, part);
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public int rows() {
        return targets.length;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public boolean isDense() {
        return dense;
    }

    @Override
    public float target(int row) {
        return targets[row];
    }

    /** The targets of all rows, rows held in this process as parsed (its part). */
    @Override
    public long bytes() {
        return 4L * targets.length + (part == null ? 0 : part.bytes());
    }

    /**
     * Collective: every rank calls it, each with the rows it wants (any rows, any order); the rows come from the
     * ranks that parsed them.
     */
    @Override
    public Dataset read(int[] rows, String name) {
        if (part == null) {
            throw new IllegalStateException(source + ": read after drop()");
        }
        final int n = comm.size();
        // What this rank asks of each owner, in its own order.
        final int[] asked = new int[n];
        final int[] owner = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            owner[i] = owner(rows[i]);
            asked[owner[i]]++;
        }
        final ByteBuffer[] ask = new ByteBuffer[n];
        for (int p = 0; p < n; p++) {
            ask[p] = ByteBuffer.allocate(4 * asked[p]).order(ByteOrder.LITTLE_ENDIAN);
        }
        for (int i = 0; i < rows.length; i++) {
            ask[owner[i]].putInt(rows[i] - first[owner[i]]);
        }
        final byte[][] askBytes = new byte[n][];
        for (int p = 0; p < n; p++) {
            askBytes[p] = ask[p].array();
        }
        final byte[][] wanted = Messages.exchange(comm, tag, askBytes);
        final byte[][] answers = new byte[n][];
        for (int p = 0; p < n; p++) {
            answers[p] = rowsOf(ByteBuffer.wrap(wanted[p]).order(ByteOrder.LITTLE_ENDIAN), wanted[p].length / 4);
        }
        final byte[][] got = Messages.exchange(comm, tag, answers);
        final ByteBuffer[] from = new ByteBuffer[n];
        for (int p = 0; p < n; p++) {
            from[p] = ByteBuffer.wrap(got[p]).order(ByteOrder.LITTLE_ENDIAN);
        }
        final float[] t = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            t[i] = targets[rows[i]];
        }
        if (dense) {
            final float[] x = new float[Math.multiplyExact(rows.length, cols)];
            for (int i = 0; i < rows.length; i++) {
                from[owner[i]].asFloatBuffer().get(x, i * cols, cols);
                from[owner[i]].position(from[owner[i]].position() + 4 * cols);
            }
            return Dataset.dense(name, rows.length, cols, classes, t, x);
        }
        final int[] start = new int[rows.length + 1];
        for (int i = 0; i < rows.length; i++) { // the lengths first, then the rows
            final ByteBuffer b = from[owner[i]];
            final int nnz = b.getInt();
            start[i + 1] = Math.addExact(start[i], nnz);
            b.position(b.position() + 8 * nnz);
        }
        final int[] idx = new int[start[rows.length]];
        final float[] val = new float[start[rows.length]];
        for (ByteBuffer b : from) {
            b.rewind();
        }
        for (int i = 0; i < rows.length; i++) {
            final ByteBuffer b = from[owner[i]];
            final int nnz = b.getInt();
            b.asIntBuffer().get(idx, start[i], nnz);
            b.position(b.position() + 4 * nnz);
            b.asFloatBuffer().get(val, start[i], nnz);
            b.position(b.position() + 4 * nnz);
        }
        return Dataset.sparse(name, rows.length, cols, classes, t, start, idx, val);
    }

    @Override
    public String toString() {
        return source + " (" + rows() + " rows x " + cols + " features, " + (classes == 0 ? "regression"
            : classes + " classes") + ", " + (dense ? "dense" : "sparse") + ", text: parsed a part a rank)";
    }

    /** Releases the parsed part: no {@link #read} after it. */
    void drop() {
        part = null;
    }

    private int owner(int row) {
        if (row < 0 || row >= targets.length) {
            throw new IndexOutOfBoundsException("row " + row + " of " + targets.length);
        }
        int lo = 0;
        int hi = first.length - 2;
        while (lo < hi) { // the last p with first[p] <= row
            final int mid = (lo + hi + 1) >>> 1;
            if (first[mid] <= row) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The rows of this rank's part at the {@code count} local indices in {@code asked}, as bytes. */
    private byte[] rowsOf(ByteBuffer asked, int count) {
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            final int r = asked.getInt(4 * i);
            bytes += dense ? 4L * cols : 4 + 8L * (part.rowStart()[r + 1] - part.rowStart()[r]);
        }
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new DataException(source + ": a rank's rows from another take more than 2 GB; run more ranks, or"
                + " convert the file (gossip-mpi data convert) so that each rank reads its rows itself");
        }
        final ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            final int r = asked.getInt(4 * i);
            if (dense) {
                b.asFloatBuffer().put(part.denseValues(), r * cols, cols);
                b.position(b.position() + 4 * cols);
            } else {
                final int s = part.rowStart()[r];
                final int nnz = part.rowStart()[r + 1] - s;
                b.putInt(nnz);
                b.asIntBuffer().put(part.colIndex(), s, nnz);
                b.position(b.position() + 4 * nnz);
                b.asFloatBuffer().put(part.values(), s, nnz);
                b.position(b.position() + 4 * nnz);
            }
        }
        return b.array();
    }
}
