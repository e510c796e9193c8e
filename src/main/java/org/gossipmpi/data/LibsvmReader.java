package org.gossipmpi.data;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
        byte[] buf = new byte[(int) Math.max(64, Math.min(1 << 22, length)) + PAD];
        long left = length;
        int filled = 0;
        boolean eof = false;
        while (true) {
            if (!eof && filled < buf.length - PAD) {
                final int n = left == 0 ? -1
                    : ch.read(ByteBuffer.wrap(buf, filled, (int) Math.min(buf.length - PAD - filled, left)));
                if (n < 0) {
                    eof = true;
                } else {
                    filled += n;
                    left -= n;
                }
            }
            if (eof && filled > 0 && buf[filled - 1] != '\n' && buf[filled - 1] != '\r') {
                buf[filled++] = '\n'; // the last line, without an ending (the buffer keeps room for it)
            }
            // The lines that end in the buffer: up to its last ending (a \r at the very end may be half of a \r\n).
            int last = filled - 1;
            if (!eof && last >= 0 && buf[last] == '\r') {
                last--;
            }
            while (last >= 0 && buf[last] != '\n' && buf[last] != '\r') {
                last--;
            }
            if (last < 0) {
                if (eof) {
                    return;
                }
                if (filled == buf.length - PAD) {
                    buf = Arrays.copyOf(buf, 2 * buf.length); // a line longer than the buffer
                }
                continue;
            }
            int i = 0;
            while (i <= last) {
                line++;
                int end = fast(buf, i);
                if (end < 0) {
                    end = i;
                    while (buf[end] != '\n' && buf[end] != '\r') {
                        end++;
                    }
                    slow(new String(buf, i, end - i, StandardCharsets.UTF_8));
                }
                i = end + (buf[end] == '\r' && end + 1 < filled && buf[end + 1] == '\n' ? 2 : 1);
            }
            System.arraycopy(buf, i, buf, 0, filled - i);
            filled -= i;
            if (eof && filled == 0) {
                return;
            }
        }
    }

    /**
     * The fast path, one pass over the line at {@code b[from]}, which ends at a \n or \r in the buffer: the index of
     * that ending, or -1 (nothing emitted) for anything but plain, valid tokens.
     */
    private int fast(byte[] b, int from) {
        int i = from;
        byte c = b[i];
        while (c == ' ' || c == '\t') {
            c = b[++i];
        }
        if (c == '\n' || c == '\r') {
            return i; // a blank line
        }
        final double label = decimal(b, i);
        if (Double.isNaN(label)) {
            return -1;
        }
        i = at;
        c = stop;
        int n = 0;
        int prev = 0;
        final long limit = features > 0 ? features : Integer.MAX_VALUE;
        // Each token's start follows from the last one's end without reading a byte again: the usual single blank
        // and an index of up to seven digits with its colon are one eight-byte load, so the next token's loads do
        // not wait on a chain of byte reads (the parse is bound by that chain, not by arithmetic).
        while (c == ' ' || c == '\t') {
            final long t = (long) LONGS.get(b, ++i) ^ 0x3030303030303030L;
            final int k = Long.numberOfTrailingZeros(((t + 0x7676767676767676L) | t) & 0x8080808080808080L) >>> 3;
            long idx;
            if (k > 0 && k < 8 && ((t >>> (8 * k)) & 0xFF) == (':' ^ '0')) {
                idx = eight(t << (8 * (8 - k)));
                i += k;
            } else { // more blanks, the line's end, or a long index
                c = b[i];
                while (c == ' ' || c == '\t') {
                    c = b[++i];
                }
                if (c == '\n' || c == '\r') {
                    break;
                }
                final int indexFrom = i;
                int j = digits(b, i);
                idx = run;
                i += j;
                if (j == 8) { // longer indices: at most 10 digits fit an int
                    j = digits(b, i);
                    idx = idx * LONG_POW10[j] + run;
                    i += j;
                }
                if (i == indexFrom || i - indexFrom > 10 || b[i] != ':') {
                    return -1;
                }
            }
            if (idx <= prev || idx > limit) {
                return -1;
            }
            final double v = decimal(b, i + 1);
            if (Double.isNaN(v)) {
                return -1;
            }
            i = at;
            c = stop;
            if (n == index.length) {
                index = Arrays.copyOf(index, 2 * n);
                value = Arrays.copyOf(value, 2 * n);
            }
            index[n] = (int) idx - 1;
            value[n++] = (float) v;
            prev = (int) idx;
        }
        maxIndex = Math.max(maxIndex, prev);
        sink.sparseRow((float) label, index, value, n);
        return i;
    }

    /** Where the last {@link #decimal} ended, and the byte there (a blank or a line ending). */
    private int at;
    private byte stop;

    /**
     * A plain decimal ([+-]digits[.digits]) at {@code b[from]}, ended by a blank or a line ending (its index goes
     * to {@link #at}); NaN for anything else, or when its digits are not exact as a double (more than 2^53) or it
     * has more than 22 fraction digits: the general path takes those.
     */
    private double decimal(byte[] b, int from) {
        int i = from;
        final byte sign = b[i];
        if (sign == '+' || sign == '-') {
            i++;
        }
        final long t = (long) LONGS.get(b, i) ^ 0x3030303030303030L;
        final long other = ((t + 0x7676767676767676L) | t) & 0x8080808080808080L;
        final int point = Long.numberOfTrailingZeros(other) >>> 3;
        if (point > 0 && point < 7 && ((t >>> (8 * point)) & 0xFF) == ('.' ^ '0')) {
            // Digits, a point and more digits ended within these eight bytes ("0.1234"): one conversion for all.
            final int end = Long.numberOfTrailingZeros(other & ~(0x80L << (8 * point))) >>> 3;
            final byte c = (byte) (end < 8 ? (t >>> (8 * end)) ^ '0' : 0); // the byte after, from the same load
            if (end > point + 1 && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
                stop = c;
                final long below = (1L << (8 * point)) - 1;
                final int n = end - 1;
                final long packed = (t & below) | ((t >>> 8) & ~below & ((1L << (8 * n)) - 1));
                at = i + end;
                final double v = eight(packed << (8 * (8 - n))) / POW10[end - point - 1];
                return sign == '-' ? -v : v;
            }
        }
        long m = 0;
        int digits = 0;
        int k;
        do {
            k = digits(b, i);
            m = m * LONG_POW10[k] + run;
            digits += k;
            i += k;
        } while (k == 8 && digits <= 18);
        int fraction = 0;
        if (b[i] == '.') {
            i++;
            do {
                k = digits(b, i);
                m = m * LONG_POW10[k] + run;
                fraction += k;
                i += k;
            } while (k == 8 && digits + fraction <= 18);
            digits += fraction;
        }
        final byte c = b[i];
        if ((c != ' ' && c != '\t' && c != '\n' && c != '\r') || digits == 0 || digits > 18 || m > 1L << 53
            || fraction >= POW10.length) {
            return Double.NaN;
        }
        at = i;
        stop = c;
        final double v = fraction == 0 ? m : m / POW10[fraction];
        return sign == '-' ? -v : v;
    }

    /** Bytes the read buffer keeps beyond its data: an ending for the last line, and 8 for {@link #digits}. */
    private static final int PAD = 9;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);

    private static final long[] LONG_POW10 = {1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    /** The value of the last {@link #digits} run. */
    private long run;

    /**
     * How many decimal digits (0 to 8) start at {@code b[i]}, read eight bytes at a time; their value goes to
     * {@link #run}. The eight bytes may reach past the line (into the buffer's padding): only digits before the
     * first other byte count, and the line ends in one.
     */
    private int digits(byte[] b, int i) {
        final long t = (long) LONGS.get(b, i) ^ 0x3030303030303030L; // a digit byte becomes 0..9
        // A byte above 9 (or with its top bit) gets its top bit set; carries go only from such bytes upwards.
        final long other = ((t + 0x7676767676767676L) | t) & 0x8080808080808080L;
        final int k = Long.numberOfTrailingZeros(other) >>> 3;
        if (k == 0) {
            run = 0;
            return 0;
        }
        run = eight(t << (8 * (8 - k))); // the k digits to the top bytes, zeros (leading digits) below
        return k;
    }

    /** The value of eight digit bytes (0..9 each, the first in the lowest byte). */
    private static long eight(long v) {
        v = (v * 10 + (v >>> 8)) & 0x00FF00FF00FF00FFL; // pairs
        v = (v * 100 + (v >>> 16)) & 0x0000FFFF0000FFFFL; // fours
        return (v * 10000 + (v >>> 32)) & 0xFFFFFFFFL; // eight
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
