package org.gossipmpi.data;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One of {@code parts} pieces of a LIBSVM or CSV file, cut by bytes at line starts: part p holds the lines whose
 * first byte lies in {@code [size p / parts, size (p + 1) / parts)}. The parts hold every line once, in file order,
 * so processes that each parse one part read the text once in total. Messages name the file's own line numbers
 * (counted only when a part fails).
 */
public final class TextPart {
    private final Dataset rows;
    private final long from;

    private TextPart(Dataset rows, long from) {
        this.rows = rows;
        this.from = from;
    }

    /** The part's rows, in file order. */
    public Dataset rows() {
        return rows;
    }

    /** The byte at which the part's first line starts. */
    public long from() {
        return from;
    }

    /** Whether {@code spec} is a text file that parts can be read of (LIBSVM or CSV). */
    public static boolean splits(String spec) {
        final String s = spec.trim();
        return DataSources.takesFeatures(s) || s.endsWith(".csv");
    }

    /**
     * Reads part {@code part} of {@code parts} of the LIBSVM or CSV file {@code spec}: its rows in file order, possibly
     * none. A LIBSVM part is {@code features} wide when that is given, else as wide as its own largest index; a CSV
     * part with no rows has no columns.
     *
     * @throws DataException naming the file and line of the first bad line of this part
     */
    public static TextPart read(String spec, int features, int part, int parts) {
        final Path file = Path.of(spec.trim());
        TextReaders.checkText(file);
        final long from;
        final long to;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            final long size = ch.size();
            from = lineStart(ch, size / parts * part + size % parts * part / parts);
            to = part + 1 == parts ? size : lineStart(ch, size / parts * (part + 1) + size % parts * (part + 1) / parts);
        } catch (IOException e) {
            throw TextReaders.failure(file, e);
        }
        final String name = file + " part " + part;
        try {
            return new TextPart(parse(file, name, features, from, to, 1), from);
        } catch (DataException e) {
            parse(file, name, features, from, to, linesBefore(file, from) + 1); // the same error, with its line
            throw e;
        }
    }

    /** The 1-based number of the line at byte {@code offset}, a line start (for messages). */
    public static long lineAt(String spec, long offset) {
        return linesBefore(Path.of(spec.trim()), offset) + 1;
    }

    private static Dataset parse(Path file, String name, int features, long from, long to, long firstLine) {
        if (!file.getFileName().toString().endsWith(".csv")) {
            final TextReaders.GrowingRows rows = new TextReaders.GrowingRows();
            final int maxIndex = LibsvmReader.read(file, features, rows, from, to, firstLine);
            return rows.dataset(name, features > 0 ? features : maxIndex);
        }
        final TextReaders.DenseRows rows = new TextReaders.DenseRows();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(from);
            final BufferedReader in = new BufferedReader(new InputStreamReader(bounded(Channels.newInputStream(ch),
                to - from), StandardCharsets.UTF_8));
            TextReaders.csv(file, in, firstLine, rows);
        } catch (IOException e) {
            throw TextReaders.failure(file, e);
        }
        return rows.dataset(name);
    }

    /** The first line start at or after {@code pos} (the size when none is left). */
    static long lineStart(FileChannel ch, long pos) throws IOException {
        final long size = ch.size();
        if (pos <= 0 || pos >= size) {
            return Math.min(Math.max(pos, 0), size);
        }
        final ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long at = pos - 1; // the byte before pos: a line ending there makes pos a line start
        while (at < size) {
            buf.clear();
            final int n = ch.read(buf, at);
            if (n <= 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                final byte c = buf.get(i);
                if (c == '\n') {
                    return at + i + 1;
                }
                if (c == '\r') {
                    if (at + i + 1 >= size) {
                        return size;
                    }
                    final byte next = i + 1 < n ? buf.get(i + 1) : peek(ch, at + i + 1);
                    return at + i + (next == '\n' ? 2 : 1);
                }
            }
            at += n;
        }
        return size;
    }

    private static byte peek(FileChannel ch, long pos) throws IOException {
        final ByteBuffer one = ByteBuffer.allocate(1);
        return ch.read(one, pos) == 1 ? one.get(0) : 0;
    }

    /** The lines that end before {@code offset}: \n, \r and \r\n each end one. */
    private static long linesBefore(Path file, long offset) {
        long lines = 0;
        try (InputStream in = bounded(Files.newInputStream(file), offset)) {
            final byte[] buf = new byte[1 << 16];
            boolean cr = false;
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    final byte c = buf[i];
                    if (c == '\r' || (c == '\n' && !cr)) {
                        lines++;
                    }
                    cr = c == '\r';
                }
            }
        } catch (IOException e) {
            throw TextReaders.failure(file, e);
        }
        return lines;
    }

    /** At most {@code length} bytes of {@code in}. */
    private static InputStream bounded(InputStream in, long length) {
        return new FilterInputStream(in) {
            private long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                final int c = super.read();
                left -= c < 0 ? 0 : 1;
                return c;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                final int n = super.read(b, off, (int) Math.min(len, left));
                left -= Math.max(n, 0);
                return n;
            }

            @Override
            public int available() throws IOException {
                return (int) Math.min(super.available(), left);
            }
        };
    }
}
