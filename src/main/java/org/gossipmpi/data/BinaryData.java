package org.gossipmpi.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A {@link BinaryFormat} file opened for reading: its header, targets and row checksums are read and checked when
 * it is opened; rows are read only when asked for ({@link #read}), at their offsets and in file order (rows closer
 * than {@value #GAP} bytes in one read), each checked against its checksum. Many threads may read it at once
 * (positional reads of one channel); the file stays open for the process's life.
 */
public final class BinaryData implements Rows {
    /** The file name ending that marks the format. */
    public static final String SUFFIX = ".gmd";

    private final Path file;
    private final FileChannel channel;
    private final BinaryFormat.Header header;
    private final float[] targets;
    private final int[] checksums;

    private BinaryData(Path file, FileChannel channel, BinaryFormat.Header header, float[] targets, int[] checksums) {
        this.file = file;
        this.channel = channel;
        this.header = header;
        this.targets = targets;
        this.checksums = checksums;
    }

    /** Whether {@code path} names a file of this format (by its ending). */
    public static boolean named(String path) {
        return path.endsWith(SUFFIX);
    }

    /**
     * Opens {@code file}, reading its header, targets and row checksums.
     *
     * @throws DataException for a missing, foreign, newer, truncated or damaged file, saying which
     */
    public static BinaryData open(Path file) {
        final FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage());
        }
        try {
            final BinaryFormat.Header h = header(file, ch);
            final float[] t = new float[(int) h.rows()];
            readFully(file, ch, h.targetsAt(), 4L * t.length, null).asFloatBuffer().get(t);
            final ByteBuffer sums = readFully(file, ch, h.checksumsAt(), 4L * t.length, null);
            final CRC32C crc = new CRC32C();
            crc.update(sums.duplicate());
            if ((int) crc.getValue() != h.payloadChecksum()) {
                throw new DataException(file + ": the row checksums do not match the header's: the file is damaged;"
                    + " convert it again (gossip-mpi data convert)");
            }
            final int[] c = new int[t.length];
            sums.asIntBuffer().get(c);
            return new BinaryData(file, ch, h, t, c);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static BinaryFormat.Header header(Path file, FileChannel ch) {
        final long size;
        try {
            size = ch.size();
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage());
        }
        if (size < BinaryFormat.HEADER_BYTES) {
            throw new DataException(file + ": " + size + " bytes, shorter than the " + BinaryFormat.HEADER_BYTES
                + "-byte header of a gossip-mpi data file: not one, or truncated");
        }
        final ByteBuffer b = readFully(file, ch, 0, BinaryFormat.HEADER_BYTES,
            ByteBuffer.allocate(BinaryFormat.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN));
        final byte[] magic = new byte[8];
        b.get(magic);
        if (!Arrays.equals(magic, BinaryFormat.MAGIC)) {
            throw new DataException(file + ": not a gossip-mpi data file (it does not start with GMPIDATA): convert"
                + " LIBSVM, CSV or IDX data with gossip-mpi data convert IN OUT" + SUFFIX);
        }
        final int version = b.getInt();
        final CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 52);
        if ((int) crc.getValue() != b.getInt(52)) {
            throw new DataException(file + ": the header's checksum does not match: the file is damaged");
        }
        if (version != BinaryFormat.VERSION) {
            throw new DataException(file + ": format version " + version + ", this gossip-mpi reads version "
                + BinaryFormat.VERSION + ": convert the data again with this version");
        }
        final int layout = b.getInt();
        final long rows = b.getLong();
        final int cols = b.getInt();
        final int classes = b.getInt();
        final int type = b.getInt();
        b.getInt();
        final long stored = b.getLong();
        final int payload = b.getInt();
        if ((layout != BinaryFormat.DENSE && layout != BinaryFormat.SPARSE) || type != BinaryFormat.FLOAT32
            || rows < 1 || rows > Integer.MAX_VALUE - 8 || cols < 1 || classes < 0 || stored < 0
            || (layout == BinaryFormat.DENSE && stored != rows * cols)) {
            throw new DataException(file + ": a header this gossip-mpi cannot read (layout " + layout + ", value type "
                + type + ", " + rows + " rows x " + cols + " features, " + stored + " values)");
        }
        final BinaryFormat.Header h = new BinaryFormat.Header(layout == BinaryFormat.DENSE, rows, cols, classes,
            stored, payload);
        if (size != h.fileBytes()) {
            throw new DataException(file + ": " + size + " bytes where its header says " + h.fileBytes() + ": "
                + (size < h.fileBytes() ? "truncated" : "damaged") + "; convert it again");
        }
        return h;
    }

    @Override
    public String source() {
        return file.toString();
    }

    @Override
    public int rows() {
        return targets.length;
    }

    @Override
    public int cols() {
        return header.cols();
    }

    @Override
    public int classes() {
        return header.classes();
    }

    @Override
    public boolean isDense() {
        return header.dense();
    }

    @Override
    public float target(int row) {
        return targets[row];
    }

    @Override
    public long bytes() {
        return 8L * targets.length;
    }

    /** The file's size in bytes. */
    public long fileBytes() {
        return header.fileBytes();
    }

    @Override
    public Dataset read(int[] rows, String name) {
        return header.dense() ? readDense(rows, name) : readSparse(rows, name);
    }

    /**
     * A read costs about what copying this many bytes does: rows (in file order) closer than this are read in one
     * piece with what lies between them, so that a shard of randomly chosen rows is not read a row per system call.
     */
    private static final long GAP = 4 << 10;

    /** The most one read takes in (beyond a single row longer than this). */
    private static final long WINDOW = 8 << 20;

    private Dataset readDense(int[] rows, String name) {
        final int cols = header.cols();
        final long rowBytes = 4L * cols;
        if ((long) rows.length * cols > Integer.MAX_VALUE - 8) {
            throw new DataException(file + ": " + rows.length + " rows of " + cols + " features do not fit one array");
        }
        final float[] x = new float[rows.length * cols];
        final float[] t = new float[rows.length];
        final CRC32C crc = new CRC32C();
        final ByteBuffer target = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        final int[] order = fileOrder(rows);
        final long[] lo = new long[rows.length];
        final long[] hi = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            lo[i] = rows[i] * rowBytes;
            hi[i] = lo[i] + rowBytes;
        }
        ByteBuffer b = null;
        for (int j = 0; j < order.length; ) {
            final int e = piece(lo, hi, order, j);
            final long first = lo[order[j]];
            b = readFully(file, channel, header.rowsAt() + first, pieceEnd(hi, order, j, e) - first, b);
            for (int q = j; q < e; q++) {
                final int i = order[q];
                final int at = (int) (lo[i] - first);
                t[i] = targets[rows[i]];
                b.limit(at + (int) rowBytes).position(at);
                check(crc, target, rows[i], b);
                b.limit(at + (int) rowBytes).position(at);
                b.asFloatBuffer().get(x, i * cols, cols);
            }
            j = e;
        }
        return Dataset.dense(name, rows.length, cols, header.classes(), t, x);
    }

    private Dataset readSparse(int[] rows, String name) {
        final int[] order = fileOrder(rows);
        final long[] lo = new long[rows.length];
        final long[] hi = new long[rows.length];
        for (int i = 0; i < rows.length; i++) { // in the row starts: the row's start and the next
            lo[i] = 8L * rows[i];
            hi[i] = lo[i] + 16;
        }
        final long[] from = new long[rows.length];
        final int[] length = new int[rows.length];
        long nnz = 0;
        ByteBuffer b = null;
        for (int j = 0; j < order.length; ) {
            final int e = piece(lo, hi, order, j);
            final long first = lo[order[j]];
            b = readFully(file, channel, header.startsAt() + first, pieceEnd(hi, order, j, e) - first, b);
            for (int q = j; q < e; q++) {
                final int i = order[q];
                final int at = (int) (lo[i] - first);
                from[i] = b.getLong(at);
                final long len = b.getLong(at + 8) - from[i];
                if (from[i] < 0 || len < 0 || len > header.cols() || from[i] + len > header.stored()) {
                    throw new DataException(file + ": row " + (rows[i] + 1) + " has a bad extent: the file is"
                        + " damaged");
                }
                length[i] = (int) len;
                nnz += len;
            }
            j = e;
        }
        if (nnz > Integer.MAX_VALUE - 8) {
            throw new DataException(file + ": the " + rows.length + " rows hold " + nnz + " non-zeros, more than one"
                + " array holds: use more ranks");
        }
        final int[] start = new int[rows.length + 1];
        for (int i = 0; i < rows.length; i++) {
            start[i + 1] = start[i] + length[i];
            lo[i] = 8 * from[i]; // now in the rows section: the row's entries
            hi[i] = lo[i] + 8L * length[i];
        }
        final int[] idx = new int[(int) nnz];
        final float[] val = new float[(int) nnz];
        final float[] t = new float[rows.length];
        final CRC32C crc = new CRC32C();
        final ByteBuffer target = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        for (int j = 0; j < order.length; ) {
            final int e = piece(lo, hi, order, j);
            final long first = lo[order[j]];
            b = readFully(file, channel, header.rowsAt() + first, pieceEnd(hi, order, j, e) - first, b);
            for (int q = j; q < e; q++) {
                final int i = order[q];
                t[i] = targets[rows[i]];
                unpack(rows[i], b, (int) (lo[i] - first), length[i], idx, val, start[i], crc, target);
            }
            j = e;
        }
        return Dataset.sparse(name, rows.length, header.cols(), header.classes(), t, start, idx, val);
    }

    /**
     * The rows read in one piece from {@code order[j]} on: {@code order[j, end)}, each row's bytes
     * {@code [lo, hi)} in its section, the next row taken while it begins less than {@link #GAP} bytes after
     * the piece so far ends and the piece stays within {@link #WINDOW} (a single longer row is a piece alone).
     */
    private static int piece(long[] lo, long[] hi, int[] order, int j) {
        final long first = lo[order[j]];
        long end = hi[order[j]];
        int e = j + 1;
        while (e < order.length && lo[order[e]] - end <= GAP && hi[order[e]] - first <= WINDOW) {
            end = Math.max(end, hi[order[e]]);
            e++;
        }
        return e;
    }

    /** Where the piece {@code order[j, e)} ends: the largest {@code hi} of its rows. */
    private static long pieceEnd(long[] hi, int[] order, int j, int e) {
        long end = 0;
        for (int q = j; q < e; q++) {
            end = Math.max(end, hi[order[q]]);
        }
        return end;
    }

    /** The positions of {@code rows} in file order: {@code rows[order[j]]} ascends with {@code j}. */
    private static int[] fileOrder(int[] rows) {
        final long[] keyed = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            keyed[i] = (long) rows[i] << 32 | i;
        }
        Arrays.sort(keyed);
        final int[] order = new int[rows.length];
        for (int j = 0; j < rows.length; j++) {
            order[j] = (int) keyed[j];
        }
        return order;
    }

    /**
     * Checks one sparse row, {@code len} entries at {@code b[at]}, against its checksum and copies its indices and
     * values to {@code idx} and {@code val} from {@code to} on. (A method of its own, so that it is compiled as one,
     * not only through the caller's long-running loop.)
     */
    private void unpack(int row, ByteBuffer b, int at, int len, int[] idx, float[] val, int to, CRC32C crc,
                        ByteBuffer target) {
        b.limit(at + 8 * len).position(at);
        check(crc, target, row, b);
        final int cols = header.cols();
        int prev = -1;
        for (int q = to, e = at; q < to + len; q++, e += 8) {
            final long entry = b.getLong(e);
            final int index = (int) entry;
            if (index <= prev || index >= cols) {
                throw damaged(row);
            }
            idx[q] = index;
            val[q] = Float.intBitsToFloat((int) (entry >>> 32));
            prev = index;
        }
    }

    /** Checks the row's checksum: its target, then the bytes of {@code b} from its position to its limit. */
    private void check(CRC32C crc, ByteBuffer target, int row, ByteBuffer b) {
        crc.reset();
        target.clear();
        target.putFloat(0, targets[row]);
        crc.update(target);
        crc.update(b);
        if ((int) crc.getValue() != checksums[row]) {
            throw damaged(row);
        }
    }

    private DataException damaged(int row) {
        return new DataException(file + ": row " + (row + 1) + " does not match its checksum: the file is damaged;"
            + " convert it again");
    }

    /**
     * Reads {@code bytes} bytes at {@code at} into {@code into} (from its start), or into a new direct buffer when it
     * is null or too small (reuse the one returned); returns it with those bytes between position 0 and its limit.
     */
    private static ByteBuffer readFully(Path file, FileChannel ch, long at, long bytes, ByteBuffer into) {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a read of " + bytes + " bytes");
        }
        final ByteBuffer b = into != null && into.capacity() >= bytes ? into
            : ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.clear().limit((int) bytes);
        try {
            while (b.hasRemaining()) {
                if (ch.read(b, at + b.position()) < 0) {
                    throw new DataException(file + ": ends at byte " + (at + b.position()) + ", before its header says:"
                        + " truncated");
                }
            }
        } catch (IOException e) {
            throw new DataException(file + ": cannot read at byte " + at + ": " + e.getMessage());
        }
        return b.flip();
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // the open failed already; that message is the one to give
        }
    }

    @Override
    public String toString() {
        return file + " (" + rows() + " rows x " + cols() + " features, " + (classes() == 0 ? "regression"
            : classes() + " classes") + ", " + (isDense() ? "dense" : "sparse") + ", binary: each rank reads its rows)";
    }
}
