package org.gossipmpi.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The text formats: LIBSVM ({@code label index:value ...}, 1-based ascending indices, sparse) and CSV
 * (label first, then the features; dense). Targets are kept as read; {@link Labels} maps them for a model.
 * Every error names the file and line.
 */
public final class TextReaders {
    private TextReaders() {
    }

    /**
     * Reads a LIBSVM file.
     *
     * @param features the number of features, or 0 to take the largest index found
     */
    public static Dataset libsvm(Path file, int features) {
        final GrowingRows rows = new GrowingRows();
        int maxIndex = 0;
        try (BufferedReader in = open(file)) {
            String line;
            int ln = 0;
            while ((line = in.readLine()) != null) {
                ln++;
                final int hash = line.indexOf('#');
                if (hash >= 0) {
                    line = line.substring(0, hash);
                }
                final String[] tok = line.trim().split("\\s+");
                if (tok.length == 1 && tok[0].isEmpty()) {
                    continue;
                }
                final String where = file + ":" + ln + ": ";
                rows.startRow(number(tok[0], where, "label"));
                int prev = 0;
                for (int t = 1; t < tok.length; t++) {
                    final int colon = tok[t].indexOf(':');
                    if (colon <= 0 || colon == tok[t].length() - 1) {
                        throw new DataException(where + "malformed token '" + tok[t] + "' (expected index:value)");
                    }
                    final int index;
                    try {
                        index = Integer.parseInt(tok[t].substring(0, colon));
                    } catch (NumberFormatException e) {
                        throw new DataException(where + "malformed index in '" + tok[t] + "'");
                    }
                    if (index <= 0) {
                        throw new DataException(where + "feature index " + index + " in '" + tok[t]
                            + "': LIBSVM indices start at 1");
                    }
                    if (features > 0 && index > features) {
                        throw new DataException(where + "feature index " + index + " beyond {features} " + features);
                    }
                    if (index <= prev) {
                        throw new DataException(where + "feature index " + index + " after " + prev
                            + ": indices must ascend");
                    }
                    prev = index;
                    maxIndex = Math.max(maxIndex, index);
                    rows.add(index - 1, (float) number(tok[t].substring(colon + 1), where, "value in '" + tok[t] + "'"));
                }
            }
        } catch (IOException e) {
            throw failure(file, e);
        }
        if (rows.rows == 0) {
            throw new DataException(file + ": empty file (no data lines)");
        }
        final int cols = features > 0 ? features : maxIndex;
        final float[] targets = Arrays.copyOf(rows.targets, rows.rows);
        return Dataset.sparse(file.toString(), rows.rows, cols, Labels.integerClasses(targets), targets,
            Arrays.copyOf(rows.rowStart, rows.rows + 1), Arrays.copyOf(rows.index, rows.nnz),
            Arrays.copyOf(rows.value, rows.nnz));
    }

    /** Reads a CSV file: every line {@code label,x1,...,xD} with the same D. */
    public static Dataset csv(Path file) {
        float[] x = new float[1024];
        float[] targets = new float[64];
        int rows = 0;
        int cols = -1;
        try (BufferedReader in = open(file)) {
            String line;
            int ln = 0;
            while ((line = in.readLine()) != null) {
                ln++;
                if (line.isBlank()) {
                    continue;
                }
                final String where = file + ":" + ln + ": ";
                final String[] tok = line.split(",", -1);
                if (cols < 0) {
                    cols = tok.length - 1;
                    if (cols < 1) {
                        throw new DataException(where + "expected a label and at least one feature");
                    }
                } else if (tok.length - 1 != cols) {
                    throw new DataException(where + (tok.length - 1) + " features, but line 1 had " + cols);
                }
                if (rows == targets.length) {
                    targets = Arrays.copyOf(targets, 2 * rows);
                }
                targets[rows] = (float) number(tok[0].trim(), where, "label");
                if ((long) (rows + 1) * cols > x.length) {
                    x = Arrays.copyOf(x, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(2L * x.length,
                        (long) (rows + 1) * cols)));
                }
                for (int j = 0; j < cols; j++) {
                    x[rows * cols + j] = (float) number(tok[j + 1].trim(), where, "feature " + (j + 1));
                }
                rows++;
            }
        } catch (IOException e) {
            throw failure(file, e);
        }
        if (rows == 0) {
            throw new DataException(file + ": empty file (no data lines)");
        }
        final float[] t = Arrays.copyOf(targets, rows);
        return Dataset.dense(file.toString(), rows, cols, Labels.integerClasses(t), t, Arrays.copyOf(x, rows * cols));
    }

    private static BufferedReader open(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        final byte[] head = new byte[4096];
        int n;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 2 && (head[0] & 0xFF) == 0x1f && (head[1] & 0xFF) == 0x8b) {
            throw new DataException(file + ": gzip-compressed: decompress it first (gunzip -k " + file + ")");
        }
        for (int i = 0; i < n; i++) {
            if (head[i] == 0) {
                throw new DataException(file + ": a binary file (a zero byte at offset " + i + "), not LIBSVM or CSV"
                    + " text" + (i < 4 ? "; IDX files are read by name (*-images-idx3-ubyte[.gz])" : ""));
            }
        }
        return Files.newBufferedReader(file, StandardCharsets.UTF_8);
    }

    private static double number(String token, String where, String what) {
        final double v;
        try {
            v = Double.parseDouble(token);
        } catch (NumberFormatException e) {
            throw new DataException(where + what + " '" + token + "' is not a number");
        }
        if (!Double.isFinite(v)) {
            throw new DataException(where + what + " '" + token + "' is not finite");
        }
        if (Math.abs(v) > Float.MAX_VALUE) {
            throw new DataException(where + what + " '" + token + "' overflows float (the largest is "
                + Float.MAX_VALUE + "): rescale the data");
        }
        return v;
    }

    private static DataException failure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DataException(file + ": no such file");
        }
        return new DataException(file + ": cannot read: " + e.getMessage());
    }

    /** CSR rows under construction. */
    private static final class GrowingRows {
        int rows;
        int nnz;
        float[] targets = new float[64];
        int[] rowStart = new int[65];
        int[] index = new int[256];
        float[] value = new float[256];

        void startRow(double target) {
            if (rows == targets.length) {
                targets = Arrays.copyOf(targets, 2 * rows);
                rowStart = Arrays.copyOf(rowStart, 2 * rows + 1);
            }
            targets[rows] = (float) target;
            rows++;
            rowStart[rows] = nnz;
        }

        void add(int col, float v) {
            if (nnz == index.length) {
                index = Arrays.copyOf(index, 2 * nnz);
                value = Arrays.copyOf(value, 2 * nnz);
            }
            index[nnz] = col;
            value[nnz] = v;
            nnz++;
            rowStart[rows] = nnz;
        }
    }
}
