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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.gossipmpi.io.AtomicFiles;

/**
 * Streams rows into a {@link BinaryFormat} file, writing each byte once: the rows go straight to their place in the
 * output (under a temporary name, renamed when complete) while they come, the per-row tables (16 bytes a row) to
 * files of their own in a folder beside it, and {@link #finish} appends the tables and writes the header, so memory
 * does not grow with the rows. A thread of its own writes the output back to disk every 64 MB while rows come, so the
 * final force, which makes the file durable before it is renamed into place, waits for little.
 */
final class BinaryWriter implements RowSink, AutoCloseable {
    private final Path out;
    private final Path tmp;
    private final Path parts;
    private final boolean dense;
    private final FileChannel file;
    private final Section body;
    /** Writes the output back to disk while rows still come, so that the final force has little left to do. */
    private final ExecutorService flusher = Executors.newSingleThreadExecutor(r -> {
        final Thread t = new Thread(r, "convert-flush");
        t.setDaemon(true);
        return t;
    });
    private Future<?> flushing;
    private long flushedTo;
    private final Section targets;
    private final Section checksums;
    private final Section starts;
    private final CRC32C rowCrc = new CRC32C();
    private final CRC32C payloadCrc = new CRC32C();
    private final Labels.ClassCounter classes = new Labels.ClassCounter();
    private final ByteBuffer four = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    private long rows;
    private long stored;
    private int cols = -1;
    private int maxIndex = -1;
    private boolean finished;

    BinaryWriter(Path out, boolean dense) {
        this.out = out;
        this.dense = dense;
        this.tmp = out.resolveSibling(out.getFileName() + ".tmp");
        this.parts = out.resolveSibling(out.getFileName() + ".parts");
        try {
            Files.createDirectories(parts);
            file = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
            file.position(BinaryFormat.HEADER_BYTES); // the header goes last, when its counts are known
            body = new Section(file);
            targets = new Section(parts.resolve("targets"));
            checksums = new Section(parts.resolve("checksums"));
            starts = dense ? null : new Section(parts.resolve("starts"));
            if (!dense) {
                starts.putLong(0);
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
        final ByteBuffer to = room(4L * n);
        final int at = to.position();
        for (int j = 0; j < n; j++) {
            to.putFloat(at + 4 * j, x[j]);
        }
        stored += n;
        endRow(target, to, at, 4 * n);
    }

    @Override
    public void sparseRow(float target, int[] index, float[] value, int n) {
        final ByteBuffer to = room(8L * n);
        final int at = to.position();
        for (int j = 0; j < n; j++) { // (index, value) entries: the index in the low half, little-endian
            to.putLong(at + 8 * j, (index[j] & 0xFFFF_FFFFL) | (long) Float.floatToRawIntBits(value[j]) << 32);
        }
        if (n > 0) {
            maxIndex = Math.max(maxIndex, index[n - 1]);
        }
        stored += n;
        try {
            starts.putLong(stored);
        } catch (IOException e) {
            throw failure(e);
        }
        endRow(target, to, at, 8 * n);
    }

    /** The output written between two write-backs started in the background. */
    private static final long FLUSH_EVERY = 64L << 20;

    /**
     * Every {@link #FLUSH_EVERY} bytes of rows, starts writing the output back to disk on the flusher thread (unless
     * the last write-back is still running): the disk works while the parser does.
     */
    private void flushBehind() {
        final long written = stored * (dense ? 4 : 8);
        if (written - flushedTo < FLUSH_EVERY || (flushing != null && !flushing.isDone())) {
            return;
        }
        awaitFlush();
        flushedTo = written;
        flushing = flusher.submit(() -> {
            file.force(false);
            return null;
        });
    }

    /** Waits for the write-back in flight, if any; its failure is the conversion's. */
    private void awaitFlush() {
        if (flushing == null) {
            return;
        }
        try {
            flushing.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? failure(io)
                : new DataException(out + ": cannot write: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException(out + ": interrupted while writing");
        } finally {
            flushing = null;
        }
    }

    /** The columns of a sparse file: the largest index + 1 unless more are given. */
    int sparseColumns() {
        return maxIndex + 1;
    }

    long rows() {
        return rows;
    }

    /**
     * Completes the file: appends the per-row tables, writes the header, forces it to disk and renames it into
     * place; returns its size.
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
        try {
            awaitFlush();
            body.flush();
            for (Section s : new Section[] {targets, checksums, starts}) {
                if (s != null) {
                    s.close();
                }
            }
            append(file, targets.file, h.targetsAt());
            append(file, checksums.file, h.checksumsAt());
            if (!dense) {
                append(file, starts.file, h.startsAt());
            }
            if (file.size() != h.fileBytes()) {
                throw new IllegalStateException(tmp + ": wrote " + file.size() + " bytes, the header says "
                    + h.fileBytes());
            }
            final ByteBuffer header = h.encode();
            while (header.hasRemaining()) {
                file.write(header, header.position());
            }
            file.force(true);
            file.close();
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            finished = true;
            return h.fileBytes();
        } catch (IOException e) {
            throw failure(e);
        } finally {
            close();
        }
    }

    /**
     * Removes the per-row tables and, unless {@link #finish} completed, the partial output. Every step is tried even
     * when one fails (a full disk fails the tables' last writes); a failure is reported only after a completed
     * file, since otherwise the error that stopped the conversion is the one to give.
     */
    @Override
    public void close() {
        flusher.shutdown(); // not interrupted: an interrupted force would close the channel under it
        try {
            flusher.awaitTermination(10, TimeUnit.MINUTES); // a write-back in flight ends before the file closes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IOException first = null;
        for (Section s : new Section[] {targets, checksums, starts}) {
            try {
                if (s != null) {
                    s.close();
                }
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        try {
            file.close();
            if (!finished) {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            first = first == null ? e : first;
        }
        if (Files.isDirectory(parts)) {
            try (Stream<Path> files = Files.walk(parts)) {
                for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null && finished) {
            throw failure(first);
        }
    }

    /**
     * Ends the row just put at {@code to[at, at + bytes)}: its checksum (of the target, then those bytes), its entries
     * in the per-row tables, and a write-back when one is due.
     */
    private void endRow(float target, ByteBuffer to, int at, int bytes) {
        four.clear();
        four.putFloat(target);
        rowCrc.reset();
        rowCrc.update(four.array(), 0, 4);
        to.limit(at + bytes);
        rowCrc.update(to); // up to the limit, which leaves the position after the row
        to.limit(to.capacity());
        final int crc = (int) rowCrc.getValue();
        try {
            targets.put(four.array(), 0, 4);
            four.clear();
            four.putInt(crc);
            checksums.put(four.array(), 0, 4);
        } catch (IOException e) {
            throw failure(e);
        }
        payloadCrc.update(four.array(), 0, 4);
        classes.add(target);
        rows++;
        if (rows > Integer.MAX_VALUE - 8) {
            throw new DataException(out + ": more than " + (Integer.MAX_VALUE - 8) + " rows");
        }
        flushBehind();
    }

    /** The output's buffer with room for a row of {@code bytes} from its position on. */
    private ByteBuffer room(long bytes) {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new DataException(out + ": a row of " + bytes + " bytes");
        }
        try {
            return body.room((int) bytes);
        } catch (IOException e) {
            throw failure(e);
        }
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

    /**
     * A section written through a buffer of 1 MB (or of its longest row): to a file of its own, or to the output at
     * its position.
     */
    private static final class Section {
        final Path file;
        final FileChannel channel;
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        boolean closed;

        Section(Path file) throws IOException {
            this.file = file;
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        }

        /** Writes to {@code output} from its position on; {@link #flush} ends it, the owner closes the channel. */
        Section(FileChannel output) {
            this.file = null;
            this.channel = output;
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

        /**
         * The buffer, with at least {@code bytes} remaining (drained first if need be, replaced by a larger one for a
         * row longer than it).
         */
        ByteBuffer room(int bytes) throws IOException {
            if (buffer.remaining() < bytes) {
                drain();
                if (buffer.capacity() < bytes) {
                    buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
                }
            }
            return buffer;
        }

        void putLong(long v) throws IOException {
            if (buffer.remaining() < 8) {
                drain();
            }
            buffer.putLong(v);
        }

        void flush() throws IOException {
            drain();
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
