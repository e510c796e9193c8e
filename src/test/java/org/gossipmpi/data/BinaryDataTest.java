package org.gossipmpi.data;

import static org.gossipmpi.data.DatasetAssertions.assertSameRows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import org.gossipmpi.comm.local.LocalWorld;
import org.gossipmpi.kernel.Devices;
import org.gossipmpi.train.TrainConfig;
import org.gossipmpi.train.Training;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * gossip-mpi's binary data files: converted from LIBSVM and CSV they hold the same rows, read back in any order and
 * any selection; damaged, truncated, foreign and newer files are refused, naming what is wrong; and a run on the
 * binary file ends with the models of the run on the text file, bit for bit, for every sharding.
 */
class BinaryDataTest {
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    /** A LIBSVM file of {@code rows} rows, labels 1..3, up to 8 of 40 features per row (some rows empty). */
    static Path libsvm(Path dir, int rows) throws IOException {
        final SplittableRandom r = new SplittableRandom(3);
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            sb.append(1 + r.nextInt(3));
            int col = 0;
            final int nnz = i % 17 == 0 ? 0 : 1 + r.nextInt(8);
            for (int k = 0; k < nnz && col < 40; k++) {
                col += 1 + r.nextInt(5);
                if (col <= 40) {
                    sb.append(' ').append(col).append(':').append(String.format(Locale.ROOT, "%.6g", r.nextGaussian()));
                }
            }
            sb.append('\n');
        }
        final Path f = dir.resolve("data.libsvm");
        Files.writeString(f, sb, StandardCharsets.UTF_8);
        return f;
    }

    /** A CSV file of {@code rows} rows of 12 features, labels 0/1. */
    static Path csv(Path dir, int rows) throws IOException {
        final SplittableRandom r = new SplittableRandom(4);
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            sb.append(r.nextInt(2));
            for (int j = 0; j < 12; j++) {
                sb.append(',').append(String.format(Locale.ROOT, "%.5f", r.nextDouble() * 3 - 1));
            }
            sb.append('\n');
        }
        final Path f = dir.resolve("data.csv");
        Files.writeString(f, sb, StandardCharsets.UTF_8);
        return f;
    }

    private static int[] shuffled(int n, long seed) {
        final int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        final SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            final int j = r.nextInt(i + 1);
            final int t = rows[i];
            rows[i] = rows[j];
            rows[j] = t;
        }
        return java.util.Arrays.copyOf(rows, n / 2 + 3);
    }

    @Test
    void sparseRowsReadBackInAnyOrder(@TempDir Path dir) throws IOException {
        final Path text = libsvm(dir, 500);
        final Path bin = dir.resolve("data.gmd");
        final Convert.Result r = Convert.run(text, bin, 0);
        assertEquals(500, r.rows());
        final Dataset all = TextReaders.libsvm(text, 0);
        final BinaryData b = BinaryData.open(bin);
        assertEquals(all.cols(), b.cols());
        assertEquals(3, b.classes());
        final int[] rows = shuffled(500, 1);
        assertSameRows(all.subset(rows, "x"), b.read(rows, "x"));
        final int[] every = new int[500];
        for (int i = 0; i < every.length; i++) {
            every[i] = i;
        }
        assertSameRows(all, b.read(every, "x"));
        assertEquals(45, Convert.run(text, dir.resolve("wide.gmd"), 45).cols(), "--features widens a sparse file");
    }

    @Test
    void denseRowsReadBackInAnyOrder(@TempDir Path dir) throws IOException {
        final Path text = csv(dir, 300);
        final Path bin = dir.resolve("data.gmd");
        Convert.run(text, bin, 0);
        final Dataset all = TextReaders.csv(text);
        final BinaryData b = BinaryData.open(bin);
        final int[] rows = shuffled(300, 2);
        assertSameRows(all.subset(rows, "x"), b.read(rows, "x"));
        assertSameRows(all, DataSources.load(bin.toString(), null, 0).train());
    }

    @Test
    void rowsFarApartAreReadInPiecesAndComeBackInTheOrderAsked(@TempDir Path dir) throws IOException {
        // Rows more than 4 KB apart in the file are read apart, nearer ones together; either way each lands at
        // its place in the order asked (repeated rows too).
        final int[] rows = {1999, 0, 1000, 1001, 5, 1500, 3, 1000};
        final Path sparse = libsvm(dir, 2000);
        final Path sparseBin = dir.resolve("sparse.gmd");
        Convert.run(sparse, sparseBin, 0);
        assertSameRows(TextReaders.libsvm(sparse, 0).subset(rows, "x"), BinaryData.open(sparseBin).read(rows, "x"));
        final Path dense = csv(dir, 2000);
        final Path denseBin = dir.resolve("dense.gmd");
        Convert.run(dense, denseBin, 0);
        assertSameRows(TextReaders.csv(dense).subset(rows, "x"), BinaryData.open(denseBin).read(rows, "x"));
    }

    @Test
    void aDamagedRowIsRefusedByNumberAndTheOthersRead(@TempDir Path dir) throws IOException {
        final Path bin = dir.resolve("data.gmd");
        Convert.run(csv(dir, 50), bin, 0);
        flip(bin, BinaryFormat.HEADER_BYTES + 7 * 12 * 4 + 5); // a byte of row 8 (1-based): rows come first
        final BinaryData b = BinaryData.open(bin);
        final DataException e = assertThrows(DataException.class, () -> b.read(new int[] {3, 7}, "x"));
        assertTrue(e.getMessage().contains("row 8 does not match its checksum"), e.getMessage());
        assertEquals(2, b.read(new int[] {3, 6}, "x").rows());
    }

    @Test
    void aDamagedSparseEntryIsRefusedByItsRowWhetherIndexOrValue(@TempDir Path dir) throws IOException {
        final Path text = libsvm(dir, 60);
        final Dataset all = TextReaders.libsvm(text, 0);
        final int row = 5; // 0-based; its entries follow those of the rows before it
        assertTrue(all.rowStart()[row + 1] > all.rowStart()[row]);
        final long before = all.rowStart()[row];
        for (int half = 0; half < 2; half++) { // the index's bytes, then the value's
            final Path bin = dir.resolve("sparse" + half + ".gmd");
            Convert.run(text, bin, 0);
            flip(bin, BinaryFormat.HEADER_BYTES + 8 * before + 4 * half + 1);
            final BinaryData b = BinaryData.open(bin);
            final DataException e = assertThrows(DataException.class, () -> b.read(new int[] {row}, "x"));
            assertTrue(e.getMessage().contains("row " + (row + 1) + " does not match its checksum"), e.getMessage());
            assertSameRows(all.subset(new int[] {row - 1, row + 1}, "x"), b.read(new int[] {row - 1, row + 1}, "x"));
        }
    }

    @Test
    void foreignTruncatedDamagedAndNewerFilesAreRefused(@TempDir Path dir) throws IOException {
        final Path text = csv(dir, 20);
        final Path foreign = dir.resolve("foreign.gmd");
        Files.copy(text, foreign);
        assertRefused(foreign, "not a gossip-mpi data file");
        final Path bin = dir.resolve("data.gmd");
        Convert.run(text, bin, 0);
        final Path truncated = dir.resolve("truncated.gmd");
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(bin), (int) Files.size(bin) - 10));
        assertRefused(truncated, "truncated");
        final Path header = dir.resolve("header.gmd");
        Files.copy(bin, header);
        flip(header, 17);
        assertRefused(header, "header's checksum does not match");
        for (int version : new int[] {BinaryFormat.VERSION - 1, BinaryFormat.VERSION + 1}) {
            final Path other = dir.resolve("version" + version + ".gmd");
            Files.copy(bin, other);
            try (RandomAccessFile f = new RandomAccessFile(other.toFile(), "rw")) {
                final byte[] h = new byte[52];
                f.readFully(h);
                ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putInt(8, version);
                final CRC32C crc = new CRC32C();
                crc.update(h);
                f.seek(0);
                f.write(h);
                f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).array());
            }
            assertRefused(other, "format version " + version + ", this gossip-mpi reads version "
                + BinaryFormat.VERSION + ": convert the data again");
        }
        final Path table = dir.resolve("table.gmd");
        Files.copy(bin, table);
        flip(table, new BinaryFormat.Header(true, 20, 12, 0, 20 * 12, 0).checksumsAt() + 9);
        assertRefused(table, "row checksums do not match the header's");
        final DataException e = assertThrows(DataException.class, () -> Convert.run(text, dir.resolve("x.bin"), 0));
        assertTrue(e.getMessage().contains("must end in .gmd"), e.getMessage());
    }

    private static void assertRefused(Path file, String words) {
        final DataException e = assertThrows(DataException.class, () -> BinaryData.open(file));
        assertTrue(e.getMessage().contains(words), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    private static void flip(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            final int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5A);
        }
    }

    /** Text and binary input, 4 in-process ranks, CHOCO: the same models bit for bit, for every sharding. */
    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"iid, libsvm", "sorted, libsvm", "contiguous, libsvm", "iid, csv", "sorted, csv", "contiguous, csv"})
    void aRunOnTheBinaryFileEndsWithTheTextRunsModels(String sharding, String format, @TempDir Path dir)
            throws IOException {
        final Path text = format.equals("csv") ? csv(dir, 400) : libsvm(dir, 400);
        final Path bin = dir.resolve("data.gmd");
        Convert.run(text, bin, 0);
        final float[][] a = run(text, sharding, format.equals("csv") ? "logistic" : "softmax");
        final float[][] b = run(bin, sharding, format.equals("csv") ? "logistic" : "softmax");
        for (int r = 0; r < 4; r++) {
            assertArrayEquals(a[r], b[r], "rank " + r);
        }
    }

    private static float[][] run(Path data, String sharding, String model) {
        final TrainConfig config = TrainConfig.builder().algorithm("choco").compressor("topk:0.3").gamma(0.4)
            .model(model).data(data.toString()).batch(8).steps(40).evalEvery(20).evalRows(100).seed(9)
            .shard(Sharding.valueOf(sharding)).device(Devices.Kind.java).build();
        final float[][] models = new float[4][];
        LocalWorld.run(4, MINUTE, comm -> models[comm.rank()] = new Training(config, comm,
            new PrintWriter(new StringWriter())).run().model());
        return models;
    }
}
