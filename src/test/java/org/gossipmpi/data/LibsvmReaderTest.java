package org.gossipmpi.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LIBSVM reader's fast path gives, bit for bit, what the JDK's parser gives on the same text (an oracle here:
 * readLine, split, Double.parseDouble, then float), over numbers of every shape (plain, signed, exponents, many
 * digits, leading zeros, trailing points), indices of up to nine digits, blank and comment lines, runs of blanks,
 * tabs, and \n, \r\n and \r endings; and its errors name the line as the general path does.
 */
class LibsvmReaderTest {

    private static String number(SplittableRandom r) {
        final double v = r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4);
        switch (r.nextInt(11)) {
            case 0: return String.format(Locale.ROOT, "%.3f", v);
            case 1: return String.format(Locale.ROOT, "%.17g", v);
            case 2: return String.format(Locale.ROOT, "%e", v);
            case 3: return Double.toString(v);
            case 4: return "+" + String.format(Locale.ROOT, "%.6f", Math.abs(v));
            case 5: return String.format(Locale.ROOT, "%.0f", v) + ".";
            case 6: return "000" + r.nextInt(1000) + "." + r.nextInt(100000);
            case 7: return Float.toString((float) v);
            case 8: return String.format(Locale.ROOT, "%.4f", r.nextDouble()); // digits, point, digits in 8 bytes
            case 9: return String.format(Locale.ROOT, "%.1f", v);
            default: return String.format(Locale.ROOT, "%.14f", v);
        }
    }

    private static String text(long seed) {
        final SplittableRandom r = new SplittableRandom(seed);
        final StringBuilder sb = new StringBuilder();
        final String[] endings = {"\n", "\r\n", "\r"};
        for (int i = 0; i < 400; i++) {
            if (r.nextInt(20) == 0) {
                sb.append(r.nextBoolean() ? "" : "# a comment").append(endings[r.nextInt(3)]);
                continue;
            }
            sb.append(r.nextInt(5) == 0 ? "  " : "").append(r.nextBoolean() ? "-1" : number(r));
            int col = 0;
            final int nnz = r.nextInt(12);
            for (int k = 0; k < nnz; k++) {
                col += 1 + r.nextInt(9) + (r.nextInt(15) == 0 ? 9_999_999 : 0); // indices of 8 and 9 digits too
                sb.append(r.nextInt(13) == 0 ? "  " : "").append(r.nextInt(7) == 0 ? '\t' : ' ')
                    .append(r.nextInt(11) == 0 ? "0" + col : col).append(':').append(number(r));
            }
            if (r.nextInt(9) == 0) {
                sb.append(" # trailing");
            }
            sb.append(r.nextInt(6) == 0 ? " " : "").append(endings[r.nextInt(3)]);
        }
        return sb.toString();
    }

    /** The oracle: what the JDK's reader and parser make of each line. */
    private static List<float[]> oracle(String text) throws IOException {
        final List<float[]> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new StringReader(text))) {
            String line;
            while ((line = in.readLine()) != null) {
                final int hash = line.indexOf('#');
                final String[] tok = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
                if (tok.length == 1 && tok[0].isEmpty()) {
                    continue;
                }
                final float[] row = new float[1 + 2 * (tok.length - 1)];
                row[0] = (float) Double.parseDouble(tok[0]);
                for (int t = 1; t < tok.length; t++) {
                    final int colon = tok[t].indexOf(':');
                    row[2 * t - 1] = Integer.parseInt(tok[t].substring(0, colon)) - 1;
                    row[2 * t] = (float) Double.parseDouble(tok[t].substring(colon + 1));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void theFastPathGivesTheJdksNumbersBitForBit(@TempDir Path dir) throws IOException {
        for (long seed = 1; seed <= 20; seed++) {
            final String text = text(seed);
            final Path f = dir.resolve("t" + seed + ".libsvm");
            Files.writeString(f, text, StandardCharsets.UTF_8);
            final List<float[]> expected = oracle(text);
            final Dataset d = TextReaders.libsvm(f, 0);
            assertEquals(expected.size(), d.rows(), "rows, seed " + seed);
            for (int i = 0; i < d.rows(); i++) {
                final float[] e = expected.get(i);
                final int from = d.rowStart()[i];
                final int n = d.rowStart()[i + 1] - from;
                final float[] got = new float[1 + 2 * n];
                got[0] = d.target(i);
                for (int k = 0; k < n; k++) {
                    got[1 + 2 * k] = d.colIndex()[from + k];
                    got[2 + 2 * k] = d.values()[from + k];
                }
                assertArrayEquals(e, got, "seed " + seed + ", row " + i);
            }
        }
    }

    @Test
    void errorsNameTheLine(@TempDir Path dir) throws IOException {
        final Path f = dir.resolve("bad.libsvm");
        Files.writeString(f, "1 1:0.5 2:0.25\r\n-1 3:1.5\r\n1 4:0.5 2:0.1\n", StandardCharsets.UTF_8);
        final DataException e = assertThrows(DataException.class, () -> TextReaders.libsvm(f, 0));
        assertTrue(e.getMessage().endsWith(":3: feature index 2 after 4: indices must ascend"), e.getMessage());
        final Path g = dir.resolve("value.libsvm");
        Files.writeString(g, "1 1:0.5\n1 2:abc\n", StandardCharsets.UTF_8);
        final DataException v = assertThrows(DataException.class, () -> TextReaders.libsvm(g, 0));
        assertTrue(v.getMessage().endsWith(":2: value in '2:abc' 'abc' is not a number"), v.getMessage());
    }

    @Test
    void aLineLongerThanTheBufferIsRead(@TempDir Path dir) throws IOException {
        final StringBuilder sb = new StringBuilder("1");
        for (int c = 1; c <= 400_000; c++) {
            sb.append(' ').append(c).append(":0.125");
        }
        final Path f = dir.resolve("long.libsvm");
        Files.writeString(f, sb.append("\n-1 7:2\n"), StandardCharsets.UTF_8);
        final Dataset d = TextReaders.libsvm(f, 0);
        assertEquals(2, d.rows());
        assertEquals(400_001, d.rowStart()[2]);
        assertEquals(0.125f, d.values()[399_999]);
    }
}
