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
        final int maxIndex = libsvm(file, features, rows);
        if (rows.rows == 0) {
            throw new DataException(file + ": empty file (no data lines)");
        }
        return rows.dataset(file.toString(), features > 0 ? features : maxIndex);
    }

    /**
     * Reads a LIBSVM file row by row into {@code sink}, holding one row at a time; returns the largest feature
     * index (1-based), 0 for none.
     */
    static int libsvm(Path file, int features, RowSink sink) {
        checkText(file);
        return LibsvmReader.read(file, features, sink);
    }

    /** Reads a CSV file: every line {@code label,x1,...,xD} with the same D. */
    public static Dataset csv(Path file) {
        final DenseRows rows = new DenseRows();
        csv(file, rows);
        if (rows.rows == 0) {
            throw new DataException(file + ": empty file (no data lines)");
        }
        return rows.dataset(file.toString());
    }

    /** Reads a CSV file row by row into {@code sink}, holding one row at a time. */
    static void csv(Path file, RowSink sink) {
        try (BufferedReader in = open(file)) {
            csv(file, in, 1, sink);
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    /** Reads CSV lines from {@code in} into {@code sink}; {@code firstLine} numbers the first for messages. */
    static void csv(Path file, BufferedReader in, long firstLine, RowSink sink) {
        float[] row = new float[0];
        int cols = -1;
        try {
            String line;
            long ln = firstLine - 1;
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
                    row = new float[cols];
                } else if (tok.length - 1 != cols) {
                    throw new DataException(where + (tok.length - 1) + " features, but line 1 had " + cols);
                }
                final float target = (float) number(tok[0].trim(), where, "label");
                for (int j = 0; j < cols; j++) {
                    row[j] = (float) number(tok[j + 1].trim(), where, "feature " + (j + 1));
                }
                sink.denseRow(target, row, cols);
            }
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    /** Checks that {@code file} exists and is plain text (not compressed, no zero byte in its first 4 KB). */
    static void checkText(Path file) {
        try {
            open(file).close();
        } catch (IOException e) {
            throw failure(file, e);
        }
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

    static double number(String token, String where, String what) {
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

    static DataException failure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new DataException(file + ": no such file");
        }
        return new DataException(file + ": cannot read: " + e.getMessage());
    }

    /** CSR rows under construction. */
    static final class GrowingRows implements RowSink {
        int rows;
        int nnz;
        float[] targets = new float[64];
        int[] rowStart = new int[65];
        int[] index = new int[256];
        float[] value = new float[256];

        /** The rows read, {@code cols} wide. */
        Dataset dataset(String name, int cols) {
            final float[] t = Arrays.copyOf(targets, rows);
            return Dataset.sparse(name, rows, cols, Labels.integerClasses(t), t, Arrays.copyOf(rowStart, rows + 1),
                Arrays.copyOf(index, nnz), Arrays.copyOf(value, nnz));
        }

        @Override
        public void denseRow(float target, float[] x, int cols) {
            throw new UnsupportedOperationException("LIBSVM rows are sparse");
        }

        @Override
        public void sparseRow(float target, int[] idx, float[] val, int n) {
            if (rows == targets.length) {
                targets = Arrays.copyOf(targets, 2 * rows);
                rowStart = Arrays.copyOf(rowStart, 2 * rows + 1);
            }
            if ((long) nnz + n > Integer.MAX_VALUE - 8) {
                throw new DataException("more than " + (Integer.MAX_VALUE - 8) + " non-zeros: convert the file"
                    + " (gossip-mpi data convert) and let each rank read its rows");
            }
            while (nnz + n > index.length) {
                index = Arrays.copyOf(index, (int) Math.min(Integer.MAX_VALUE - 8, 2L * index.length));
                value = Arrays.copyOf(value, index.length);
            }
            targets[rows] = target;
            System.arraycopy(idx, 0, index, nnz, n);
            System.arraycopy(val, 0, value, nnz, n);
            nnz += n;
            rows++;
            rowStart[rows] = nnz;
        }
    }

    /** Dense rows under construction. */
    static final class DenseRows implements RowSink {
        int rows;
        int cols;
        float[] targets = new float[64];
        float[] x = new float[1024];

        /** The rows read. */
        Dataset dataset(String name) {
            final float[] t = Arrays.copyOf(targets, rows);
            return Dataset.dense(name, rows, cols, Labels.integerClasses(t), t, Arrays.copyOf(x, rows * cols));
        }

        @Override
        public void denseRow(float target, float[] row, int n) {
            cols = n;
            if (rows == targets.length) {
                targets = Arrays.copyOf(targets, 2 * rows);
            }
            targets[rows] = target;
            if ((long) (rows + 1) * cols > x.length) {
                x = Arrays.copyOf(x, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(2L * x.length,
                    (long) (rows + 1) * cols)));
            }
            System.arraycopy(row, 0, x, rows * cols, cols);
            rows++;
        }

        @Override
        public void sparseRow(float target, int[] index, float[] value, int n) {
            throw new UnsupportedOperationException("CSV rows are dense");
        }
    }
}
