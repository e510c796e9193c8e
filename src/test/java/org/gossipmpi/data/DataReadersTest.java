package org.gossipmpi.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataReadersTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        final Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** An IDX image file of n images of 2 x 3 pixels (pixel = 10 i + j) and its labels (i mod 3). */
    private Path[] idx(int n, boolean gzip) throws IOException {
        final ByteArrayOutputStream img = new ByteArrayOutputStream();
        final DataOutputStream di = new DataOutputStream(img);
        di.writeInt(IdxReader.IMAGES_MAGIC);
        di.writeInt(n);
        di.writeInt(2);
        di.writeInt(3);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 6; j++) {
                di.writeByte(10 * i + j);
            }
        }
        final ByteArrayOutputStream lab = new ByteArrayOutputStream();
        final DataOutputStream dl = new DataOutputStream(lab);
        dl.writeInt(IdxReader.LABELS_MAGIC);
        dl.writeInt(n);
        for (int i = 0; i < n; i++) {
            dl.writeByte(i % 3);
        }
        final String suffix = gzip ? ".gz" : "";
        return new Path[] {bytes("train-images-idx3-ubyte" + suffix, img.toByteArray(), gzip),
            bytes("train-labels-idx1-ubyte" + suffix, lab.toByteArray(), gzip)};
    }

    private Path bytes(String name, byte[] data, boolean gzip) throws IOException {
        final Path p = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            out.write(data);
        }
        return p;
    }

    @Test
    void idxFilesRawAndGzipReadScaledToTheUnitInterval() throws IOException {
        for (boolean gzip : new boolean[] {false, true}) {
            final Path[] f = idx(4, gzip);
            final Dataset d = IdxReader.read(f[0], f[1]);
            assertEquals(4, d.rows());
            assertEquals(6, d.cols());
            assertEquals(3, d.classes());
            assertEquals(35 / 255f, d.denseValues()[3 * 6 + 5], 1e-7f);
            assertEquals(0f, d.target(3));
            // The images path alone finds its labels file.
            assertEquals(4, DataSources.load(f[0].toString(), null, 0).train().rows());
        }
    }

    @Test
    void badIdxFilesNameTheFileAndByteOffset() throws IOException {
        final Path[] f = idx(4, false);
        final byte[] whole = Files.readAllBytes(f[0]);
        final Path truncated = bytes("cut-images-idx3-ubyte", java.util.Arrays.copyOf(whole, 20), false);
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(truncated, f[1]));
        assertEquals(truncated + ": truncated at byte offset 20 (the header announces 40 bytes)", e.getMessage());

        final byte[] wrong = whole.clone();
        wrong[3] = 0x01;
        final Path magic = bytes("magic-images-idx3-ubyte", wrong, false);
        e = assertThrows(DataException.class, () -> IdxReader.read(magic, f[1]));
        assertTrue(e.getMessage().startsWith(magic + ": wrong magic 0x00000801 at byte offset 0"), e.getMessage());

        final Path empty = bytes("empty-images-idx3-ubyte", new byte[0], false);
        e = assertThrows(DataException.class, () -> IdxReader.read(empty, f[1]));
        assertEquals(empty + ": empty file", e.getMessage());

        e = assertThrows(DataException.class, () -> IdxReader.read(f[0], dir.resolve("missing")));
        assertTrue(e.getMessage().endsWith("missing: no such file"), e.getMessage());
    }

    @Test
    void libsvmReadsSparseRowsWithOneBasedIndices() throws IOException {
        final Path p = write("a.svm", "+1 1:0.5 3:-2 # comment\n\n-1 2:1\n+1 3:4.5 7:1\n");
        final Dataset d = TextReaders.libsvm(p, 0);
        assertFalse(d.isDense());
        assertEquals(3, d.rows());
        assertEquals(7, d.cols());
        assertArrayEquals(new int[] {0, 2, 3, 5}, d.rowStart());
        assertArrayEquals(new int[] {0, 2, 1, 2, 6}, d.colIndex());
        assertEquals(-2f, d.values()[1]);
        assertEquals(10, TextReaders.libsvm(p, 10).cols(), "--features widens");
        final Dataset binary = Labels.binary(d).apply(d);
        assertEquals(-1f, binary.target(1));
        assertEquals(1f, binary.target(2));
    }

    @Test
    void libsvmBadInputNamesFileAndLine() throws IOException {
        final String[][] cases = {
            {"+1 1:0.5\n-1 2-1\n", ":2: malformed token '2-1' (expected index:value)"},
            {"+1 0:1\n", ":1: feature index 0 in '0:1': LIBSVM indices start at 1"},
            {"+1 1:1\n+1 -3:1\n", ":2: feature index -3 in '-3:1': LIBSVM indices start at 1"},
            {"+1 1:1\n\n+1 12:1\n", ":3: feature index 12 beyond features 10"},
            {"+1 1:1\nyes 2:1\n", ":2: label 'yes' is not a number"},
            {"+1 1:1 1:2\n", ":1: feature index 1 after 1: indices must ascend"},
            {"+1 1:abc\n", ":1: value in '1:abc' 'abc' is not a number"},
            {"# only a comment\n\n", ": empty file (no data lines)"},
        };
        for (String[] c : cases) {
            final Path p = write("bad.svm", c[0]);
            final DataException e = assertThrows(DataException.class, () -> TextReaders.libsvm(p, 10), c[0]);
            assertEquals(p + c[1], e.getMessage());
        }
    }

    @Test
    void csvReadsDenseRowsAndNamesBadLines() throws IOException {
        final Dataset d = TextReaders.csv(write("a.csv", "1,0.5,2\n0,1,1\n"));
        assertTrue(d.isDense());
        assertEquals(2, d.cols());
        assertEquals(2f, d.denseValues()[1]);
        final Path ragged = write("r.csv", "1,0.5,2\n0,1\n");
        DataException e = assertThrows(DataException.class, () -> TextReaders.csv(ragged));
        assertEquals(ragged + ":2: 1 features, but line 1 had 2", e.getMessage());
        final Path label = write("l.csv", "1,2\ncat,3\n");
        e = assertThrows(DataException.class, () -> TextReaders.csv(label));
        assertEquals(label + ":2: label 'cat' is not a number", e.getMessage());
        final Path empty = write("e.csv", "");
        e = assertThrows(DataException.class, () -> TextReaders.csv(empty));
        assertEquals(empty + ": empty file (no data lines)", e.getMessage());
    }

    @Test
    void labelMappingsAreFittedOnTrainingData() throws IOException {
        final Dataset train = TextReaders.csv(write("t.csv", "3,1\n7,1\n5,1\n3,0\n"));
        final Labels classes = Labels.classes(train);
        assertEquals(3, classes.classes());
        final Dataset mapped = classes.apply(train);
        assertEquals(0f, mapped.target(0));
        assertEquals(2f, mapped.target(1));
        final Dataset test = TextReaders.csv(write("u.csv", "5,1\n4,1\n"));
        final DataException e = assertThrows(DataException.class, () -> classes.apply(test));
        assertTrue(e.getMessage().contains("row 2 has label 4.0, which the training data does not have"),
            e.getMessage());
        final DataException notBinary = assertThrows(DataException.class, () -> Labels.binary(train));
        assertTrue(notBinary.getMessage().contains("needs exactly 2 distinct labels, found 3"), notBinary.getMessage());
        final Dataset zeroOne = TextReaders.csv(write("z.csv", "0,1\n1,1\n"));
        assertEquals(-1f, Labels.binary(zeroOne).apply(zeroOne).target(0));
    }

    @Test
    void shardingSplitsEveryRowOnceAndRefusesEmptyShards() throws IOException {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            sb.append(i % 2).append(',').append(i).append('\n');
        }
        final Dataset d = TextReaders.csv(write("s.csv", sb.toString()));
        assertArrayEquals(new int[] {3, 4, 5}, Sharding.contiguous.rows(d, 1, 3, 7), "rows [r m/n, (r+1) m/n)");
        for (Sharding s : Sharding.values()) {
            final boolean[] seen = new boolean[10];
            for (int r = 0; r < 4; r++) {
                for (int row : s.rows(d, r, 4, 7)) {
                    assertFalse(seen[row], s + ": row " + row + " twice");
                    seen[row] = true;
                }
            }
            for (boolean b : seen) {
                assertTrue(b, s + ": a row was left out");
            }
        }
        // sorted: the first ranks get label 0 only.
        for (int row : Sharding.sorted.rows(d, 0, 2, 7)) {
            assertEquals(0f, d.target(row));
        }
        assertArrayEquals(Sharding.iid.rows(d, 2, 4, 7), Sharding.iid.rows(d, 2, 4, 7), "seeded");
        final DataException e = assertThrows(DataException.class, () -> Sharding.iid.rows(d, 0, 11, 7));
        assertTrue(e.getMessage().contains("rank 0 of 11 gets no rows of the 10 rows: use at most 10 ranks"),
            e.getMessage());
    }

    @Test
    void bundledFashionMnistLoadsWhenInstalled() {
        org.gossipmpi.testing.TestData.requireFashionMnist();
        final DataSources.Loaded all = DataSources.load("fashion-mnist", null, 0);
        assertEquals(60_000, all.train().rows());
        assertEquals(10_000, all.test().rows());
        assertEquals(784, all.train().cols());
        assertEquals(10, all.train().classes());
        final DataSources.Loaded binary = DataSources.load("fashion-mnist:binary", null, 0);
        assertEquals(12_000, binary.train().rows());
        assertEquals(2_000, binary.test().rows());
    }
}
