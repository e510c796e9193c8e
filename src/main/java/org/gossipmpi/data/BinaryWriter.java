package org.gossipmpi.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.gossipmpi.io.AtomicFiles;

/**
 * Streams rows into a {@link BinaryFormat} file: each section goes to a file of its own in a folder beside the
 * output while rows come, and {@link #finish} writes the header and joins the sections into the output (under a
 * temporary name, renamed when complete), so memory does not grow with the rows.
 */
final class BinaryWriter implements RowSink, AutoCloseable {
    private final Path out;
    private final Path parts;
    private final boolean dense;
    private final Section targets;
    private final Section checksums;
    private final Section data;
    private final Section indices;
    private final Section values;
    private final CRC32C rowCrc = new CRC32C();
    private final CRC32C payloadCrc = new CRC32C();
    private final Labels.ClassCounter classes = new Labels.ClassCounter();
    private ByteBuffer row = ByteBuffer.allocate(1 << 12).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer four = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    private long rows;
    private long stored;
    private int cols = -1;
    private int maxIndex = -1;
    private boolean finished;

    BinaryWriter(Path out, boolean dense) {
        this.out = out;
        this.dense = dense;
        this.parts = out.resolveSibling(out.getFileName() + ".parts");
        try {
            Files.createDirectories(parts);
            targets = new Section(parts.resolve("targets"));
            checksums = new Section(parts.resolve("checksums"));
            data = new Section(parts.resolve("data"));
            indices = dense ? null : new Section(parts.resolve("indices"));
            values = dense ? null : new Section(parts.resolve("values"));
            if (!dense) {
                data.putLong(0);
            }
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void denseRow(float target, float[] x, int n) {
        if (cols < 0) {
            cols = n;
        }
        room(4 + 4L * n);
        row.putFloat(target);
        row.asFloatBuffer().put(x, 0, n);
        row.position(4 + 4 * n);
        try {
            data.put(row.array(), 4, 4 * n);
        } catch (IOException e) {
            throw failure(e);
        }
        stored += n;
        endRow(target);
    }

    @Override
    public void sparseRow(float target, int[] index, float[] value, int n) {
        room(4 + 8L * n);
        row.putFloat(target);
        row.asIntBuffer().put(index, 0, n); // bulk copies (the views share row's little-endian order)
        row.position(4 + 4 * n);
        row.asFloatBuffer().put(value, 0, n);
        row.position(4 + 8 * n);
        if (n > 0) {
            maxIndex = Math.max(maxIndex, index[n - 1]);
        }
        try {
            indices.put(row.array(), 4, 4 * n);
            values.put(row.array(), 4 + 4 * n, 4 * n);
            stored += n;
            data.putLong(stored);
        } catch (IOException e) {
            throw failure(e);
        }
        endRow(target);
    }

    /** The columns of a sparse file: the largest index + 1 unless more are given. */
    int sparseColumns() {
        return maxIndex + 1;
    }

    long rows() {
        return rows;
    }

    /**
     * Writes the file: the header, then the sections; returns its size.
     *
     * @param features the features per row of a sparse file (at least {@link #sparseColumns}); ignored when dense
     */
    long finish(int features) {
        if (rows == 0) {
            throw new DataException(out + ": no rows to write");
        }
        final int width = dense ? cols : Math.max(features, sparseColumns());
        final BinaryFormat.Header h = new BinaryFormat.Header(dense, rows, width, classes.classes(), stored,
            (int) payloadCrc.getValue());
        final Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try {
            for (Section s : new Section[] {targets, checksums, data, indices, values}) {
                if (s != null) {
                    s.close();
                }
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(h.encode());
                append(ch, targets.file, h.targetsAt());
                append(ch, checksums.file, h.checksumsAt());
                append(ch, data.file, h.dataAt());
                if (!dense) {
                    append(ch, indices.file, h.indicesAt());
                    append(ch, values.file, h.valuesAt());
                }
                if (ch.size() != h.fileBytes()) {
                    throw new IllegalStateException(tmp + ": wrote " + ch.size() + " bytes, the header says "
                        + h.fileBytes());
                }
                ch.force(true);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            finished = true;
            return h.fileBytes();
        } catch (IOException e) {
            throw failure(e);
        } finally {
            close();
        }
    }

    /** Removes the sections and any partial output (after {@link #finish}, only the sections). */
    @Override
    public void close() {
        try {
            for (Section s : new Section[] {targets, checksums, data, indices, values}) {
                if (s != null) {
                    s.close();
                }
            }
            if (Files.isDirectory(parts)) {
                try (Stream<Path> files = Files.walk(parts)) {
                    for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                        Files.deleteIfExists(p);
                    }
                }
            }
            if (!finished) {
                Files.deleteIfExists(out.resolveSibling(out.getFileName() + ".tmp"));
            }
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private void endRow(float target) {
        rowCrc.reset();
        rowCrc.update(row.array(), 0, row.position());
        final int crc = (int) rowCrc.getValue();
        four.clear();
        four.putInt(crc);
        payloadCrc.update(four.array(), 0, 4);
        four.clear();
        four.putFloat(target);
        try {
            targets.put(four.array(), 0, 4);
            four.clear();
            four.putInt(crc);
            checksums.put(four.array(), 0, 4);
        } catch (IOException e) {
            throw failure(e);
        }
        classes.add(target);
        rows++;
        if (rows > Integer.MAX_VALUE - 8) {
            throw new DataException(out + ": more than " + (Integer.MAX_VALUE - 8) + " rows");
        }
    }

    private void room(long bytes) {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new DataException(out + ": a row of " + bytes + " bytes");
        }
        if (row.capacity() < bytes) {
            row = ByteBuffer.allocate((int) Math.max(bytes, 2L * row.capacity())).order(ByteOrder.LITTLE_ENDIAN);
        }
        row.clear();
    }

    /** Pads {@code ch} with zeros up to {@code at}, then appends {@code file}. */
    private static void append(FileChannel ch, Path file, long at) throws IOException {
        final long pad = at - ch.size();
        if (pad < 0 || pad > 7) {
            throw new IllegalStateException("section at " + at + " after " + ch.size() + " bytes");
        }
        ch.position(ch.size());
        ch.write(ByteBuffer.allocate((int) pad));
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long done = 0;
            final long size = in.size();
            while (done < size) {
                done += in.transferTo(done, size - done, ch);
            }
        }
    }

    private DataException failure(IOException e) {
        return new DataException(out + ": cannot write: " + AtomicFiles.reason(e));
    }

    /** One section's file, written through a buffer of 1 MB. */
    private static final class Section {
        final Path file;
        final FileChannel channel;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        boolean closed;

        Section(Path file) throws IOException {
            this.file = file;
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        }

        void put(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (!buffer.hasRemaining()) {
                    drain();
                }
                final int piece = Math.min(len, buffer.remaining());
                buffer.put(b, off, piece);
                off += piece;
                len -= piece;
            }
        }

        void putLong(long v) throws IOException {
            if (buffer.remaining() < 8) {
                drain();
            }
            buffer.putLong(v);
        }

        private void drain() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }

        void close() throws IOException {
            if (!closed) {
                closed = true;
                try (channel) {
                    drain();
                }
            }
        }
    }
}
