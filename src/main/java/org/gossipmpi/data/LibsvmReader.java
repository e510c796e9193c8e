package org.gossipmpi.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads LIBSVM text row by row from bytes: a well-formed line of plain decimals is parsed where it lies in the read
 * buffer, with no string made; any other line (a comment, an exponent, a long number, an error) goes through the
 * general path, which gives the same values (the JDK's {@code Double.parseDouble}, then rounding to float) and
 * names what is wrong. The fast path's numbers are the same: a decimal of at most 15 significant digits and at
 * most 22 fraction digits is exact as a double, and so is a power of ten up to 10^22, so their quotient is the
 * correctly rounded double the JDK gives (Clinger's fast path). Lines end at \n, \r or \r\n, as
 * {@code BufferedReader.readLine} ends them.
 */
final class LibsvmReader {
    private static final double[] POW10 = new double[23];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private final Path file;
    private final int features;
    private final RowSink sink;
    private int[] index = new int[64];
    private float[] value = new float[64];
    private int maxIndex;
    private long line;

    private LibsvmReader(Path file, int features, RowSink sink, long firstLine) {
        this.file = file;
        this.features = features;
        this.sink = sink;
        this.line = firstLine - 1;
    }

    /** Reads {@code file} into {@code sink}; returns the largest 1-based feature index, 0 for none. */
    static int read(Path file, int features, RowSink sink) {
        return read(file, features, sink, 0, Long.MAX_VALUE, 1);
    }

    /**
     * Reads the lines in bytes {@code [from, to)} of {@code file} into {@code sink}; {@code from} is a line start,
     * {@code to} one or the file's size, {@code firstLine} the 1-based number of the line at {@code from} (for
     * messages). Returns the largest 1-based feature index, 0 for none.
     */
    static int read(Path file, int features, RowSink sink, long from, long to, long firstLine) {
        final LibsvmReader r = new LibsvmReader(file, features, sink, firstLine);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(from);
            r.run(ch, to - from);
        } catch (IOException e) {
            throw TextReaders.failure(file, e);
        }
        return r.maxIndex;
    }

    private void run(FileChannel ch, long length) throws IOException {
        byte[] buf = new byte[(int) Math.max(64, Math.min(1 << 22, length))];
        long left = length;
        int filled = 0;
        boolean eof = false;
        while (true) {
            if (!eof && filled < buf.length) {
                final int n = left == 0 ? -1
                    : ch.read(ByteBuffer.wrap(buf, filled, (int) Math.min(buf.length - filled, left)));
                if (n < 0) {
                    eof = true;
                } else {
                    filled += n;
                    left -= n;
                }
            }
            int start = 0;
            int i = 0;
            while (i < filled) {
                final byte c = buf[i];
                if (c != '\n' && c != '\r') {
                    i++;
                    continue;
                }
                if (c == '\r' && i + 1 == filled && !eof) {
                    break; // a \r\n may straddle the buffer's end
                }
                parse(buf, start, i);
                i += c == '\r' && i + 1 < filled && buf[i + 1] == '\n' ? 2 : 1;
                start = i;
            }
            if (eof && start == filled) {
                return;
            }
            if (eof && i >= filled) {
                parse(buf, start, filled); // the last line, without an ending
                return;
            }
            if (start == 0 && filled == buf.length) {
                buf = Arrays.copyOf(buf, 2 * buf.length); // a line longer than the buffer
                continue;
            }
            System.arraycopy(buf, start, buf, 0, filled - start);
            filled -= start;
        }
    }

    /** One line, {@code b[from, to)}, without its ending. */
    private void parse(byte[] b, int from, int to) {
        line++;
        if (!fast(b, from, to)) {
            slow(new String(b, from, to - from, StandardCharsets.UTF_8));
        }
    }

    /** The fast path: false (nothing emitted) for anything but plain, valid tokens. */
    private boolean fast(byte[] b, int from, int to) {
        int i = skipBlanks(b, from, to);
        if (i < 0) {
            return false;
        }
        if (i == to) {
            return true; // a blank line
        }
        int end = tokenEnd(b, i, to);
        if (end < 0) {
            return false;
        }
        final double label = decimal(b, i, end);
        if (Double.isNaN(label)) {
            return false;
        }
        int n = 0;
        int prev = 0;
        i = end;
        while (true) {
            i = skipBlanks(b, i, to);
            if (i < 0) {
                return false;
            }
            if (i == to) {
                break;
            }
            end = tokenEnd(b, i, to);
            if (end < 0) {
                return false;
            }
            int k = i;
            long idx = 0;
            while (k < end && b[k] >= '0' && b[k] <= '9' && idx <= Integer.MAX_VALUE) {
                idx = idx * 10 + (b[k++] - '0');
            }
            if (k == i || k >= end - 1 || b[k] != ':' || idx <= prev || idx > Integer.MAX_VALUE
                || (features > 0 && idx > features)) {
                return false;
            }
            final double v = decimal(b, k + 1, end);
            if (Double.isNaN(v)) {
                return false;
            }
            if (n == index.length) {
                index = Arrays.copyOf(index, 2 * n);
                value = Arrays.copyOf(value, 2 * n);
            }
            index[n] = (int) idx - 1;
            value[n++] = (float) v;
            prev = (int) idx;
            i = end;
        }
        maxIndex = Math.max(maxIndex, prev);
        sink.sparseRow((float) label, index, value, n);
        return true;
    }

    /** The first byte at or after {@code i} that is not a space or tab; -1 at a byte the fast path leaves alone. */
    private static int skipBlanks(byte[] b, int i, int to) {
        while (i < to && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i < to && (b[i] < 0x21 || b[i] == '#') ? -1 : i;
    }

    /** The end of the token at {@code i}; -1 at a byte the fast path leaves alone (control, non-ASCII, '#'). */
    private static int tokenEnd(byte[] b, int i, int to) {
        while (i < to && b[i] != ' ' && b[i] != '\t') {
            if (b[i] < 0x21 || b[i] == '#') {
                return -1;
            }
            i++;
        }
        return i;
    }

    /** A plain decimal ([+-]digits[.digits], at most 15 significant digits) in {@code b[from, to)}, else NaN. */
    private static double decimal(byte[] b, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (b[i] == '+' || b[i] == '-')) {
            negative = b[i++] == '-';
        }
        long m = 0;
        int significant = 0;
        int fraction = 0;
        int digits = 0;
        boolean point = false;
        for (; i < to; i++) {
            final int c = b[i];
            if (c == '.' && !point) {
                point = true;
                continue;
            }
            if (c < '0' || c > '9') {
                return Double.NaN;
            }
            digits++;
            if (point) {
                fraction++;
            }
            if (m != 0 || c != '0') {
                if (++significant > 15) {
                    return Double.NaN;
                }
            }
            m = m * 10 + (c - '0');
        }
        if (digits == 0 || fraction >= POW10.length) {
            return Double.NaN;
        }
        final double d = fraction == 0 ? m : m / POW10[fraction];
        return negative ? -d : d;
    }

    /** The general path: one line as a string, the JDK's numbers, every error named with the file and line. */
    private void slow(String text) {
        final int hash = text.indexOf('#');
        final String[] tok = (hash >= 0 ? text.substring(0, hash) : text).trim().split("\\s+");
        if (tok.length == 1 && tok[0].isEmpty()) {
            return;
        }
        final String where = file + ":" + line + ": ";
        final float target = (float) TextReaders.number(tok[0], where, "label");
        int n = 0;
        int prev = 0;
        for (int t = 1; t < tok.length; t++) {
            final int colon = tok[t].indexOf(':');
            if (colon <= 0 || colon == tok[t].length() - 1) {
                throw new DataException(where + "malformed token '" + tok[t] + "' (expected index:value)");
            }
            final int index1;
            try {
                index1 = Integer.parseInt(tok[t].substring(0, colon));
            } catch (NumberFormatException e) {
                throw new DataException(where + "malformed index in '" + tok[t] + "'");
            }
            if (index1 <= 0) {
                throw new DataException(where + "feature index " + index1 + " in '" + tok[t]
                    + "': LIBSVM indices start at 1");
            }
            if (features > 0 && index1 > features) {
                throw new DataException(where + "feature index " + index1 + " beyond {features} " + features);
            }
            if (index1 <= prev) {
                throw new DataException(where + "feature index " + index1 + " after " + prev
                    + ": indices must ascend");
            }
            prev = index1;
            maxIndex = Math.max(maxIndex, index1);
            if (n == index.length) {
                index = Arrays.copyOf(index, 2 * n);
                value = Arrays.copyOf(value, 2 * n);
            }
            index[n] = index1 - 1;
            value[n++] = (float) TextReaders.number(tok[t].substring(colon + 1), where, "value in '" + tok[t] + "'");
        }
        sink.sparseRow(target, index, value, n);
    }
}
