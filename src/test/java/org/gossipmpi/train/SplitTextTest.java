package org.gossipmpi.train;

import static org.gossipmpi.data.DatasetAssertions.assertSameRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.gossipmpi.comm.local.LocalWorld;
import org.gossipmpi.data.DataException;
import org.gossipmpi.data.Dataset;
import org.gossipmpi.data.TextReaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ranks that each parse a part of a text file, then ask one another for rows, get exactly the rows one process
 * reading the whole file gets (values, indices, targets, width, classes), for any number of ranks, including more
 * ranks than lines; lines end in \n, \r\n or \r, blank and comment lines and lines of the general path included.
 * A bad line stops every rank with the file's own line number; CSV parts of different widths name the line.
 */
class SplitTextTest {
    private static final long DEADLINE = TimeUnit.SECONDS.toNanos(60);

    @TempDir
    Path dir;

    private Path libsvm(int lines, long seed) throws IOException {
        final SplittableRandom r = new SplittableRandom(seed);
        final StringBuilder s = new StringBuilder();
        final String[] endings = {"\n", "\r\n", "\r"};
        for (int i = 0; i < lines; i++) {
            switch (r.nextInt(12)) {
                case 0 -> s.append("# a comment");
                case 1 -> s.append("   ");
                default -> {
                    s.append(r.nextInt(4));
                    int index = 0;
                    final int nnz = r.nextInt(9);
                    for (int k = 0; k < nnz; k++) {
                        index += 1 + r.nextInt(30);
                        s.append(' ').append(index).append(':').append(r.nextInt(5) == 0
                            ? String.format(Locale.ROOT, "%e", r.nextGaussian())
                            : String.format(Locale.ROOT, "%.4f", r.nextGaussian()));
                    }
                }
            }
            s.append(endings[r.nextInt(endings.length)]);
        }
        final Path file = dir.resolve("rows-" + seed + ".libsvm");
        Files.writeString(file, s, StandardCharsets.UTF_8);
        return file;
    }

    /** Every rank asks for rows of every part, in a seeded order of its own, some twice. */
    private static int[] wanted(int rows, int rank) {
        final SplittableRandom r = new SplittableRandom(77 + rank);
        final int[] want = new int[rows / 2 + 3];
        for (int i = 0; i < want.length; i++) {
            want[i] = r.nextInt(rows);
        }
        return want;
    }

    private void check(Path file, Dataset whole, int ranks, int features) {
        LocalWorld.run(ranks, DEADLINE, comm -> {
            final SplitText split = SplitText.read(comm, file.toString(), features, 980);
            assertEquals(whole.rows(), split.rows());
            assertEquals(whole.cols(), split.cols());
            assertEquals(whole.classes(), split.classes());
            final int[] want = wanted(whole.rows(), comm.rank());
            assertSameRows(whole.subset(want, "x"), split.read(want, "x"));
            final int[] all = new int[whole.rows()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            final int[] asked = comm.rank() == 1 ? new int[0] : all; // one rank asks for nothing
            assertSameRows(whole.subset(asked, "all"), split.read(asked, "all"));
            split.drop();
        });
    }

    @Test
    void libsvmPartsGiveTheRowsOfTheWholeFile() throws IOException {
        final Path file = libsvm(3000, 1);
        final Dataset whole = TextReaders.libsvm(file, 0);
        for (int ranks : new int[] {1, 2, 3, 5, 8}) {
            check(file, whole, ranks, 0);
        }
        check(file, TextReaders.libsvm(file, 500), 4, 500);
    }

    @Test
    void moreRanksThanLines() throws IOException {
        final Path file = libsvm(5, 3);
        check(file, TextReaders.libsvm(file, 0), 7, 0);
    }

    @Test
    void partsThatStartExactlyAtALine() throws IOException {
        final Path file = dir.resolve("even.libsvm");
        Files.writeString(file, "1 1:0.5\n2 2:0.5\n3 3:0.5\n4 4:0.5\n1 5:0.5\r\n2 6:0.5\r3 7:0.5\n4 8:0.5\n");
        check(file, TextReaders.libsvm(file, 0), 8, 0);
        check(file, TextReaders.libsvm(file, 0), 4, 0);
    }

    @Test
    void csvPartsGiveTheRowsOfTheWholeFile() throws IOException {
        final SplittableRandom r = new SplittableRandom(5);
        final StringBuilder s = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            s.append(r.nextInt(3));
            for (int j = 0; j < 6; j++) {
                s.append(',').append(String.format(Locale.ROOT, "%.5f", r.nextGaussian()));
            }
            s.append(i % 3 == 0 ? "\r\n" : "\n");
        }
        final Path file = dir.resolve("rows.csv");
        Files.writeString(file, s);
        final Dataset whole = TextReaders.csv(file);
        for (int ranks : new int[] {2, 3, 6}) {
            check(file, whole, ranks, 0);
        }
    }

    @Test
    void aBadLineInAnotherPartStopsEveryRankWithItsLineNumber() throws IOException {
        final Path good = libsvm(2000, 9);
        final java.util.List<String> lines = Files.readAllLines(good); // \r alone ends a line here too
        lines.set(1500, "1 3:0.5 2:0.25");
        final Path bad = dir.resolve("bad.libsvm");
        Files.write(bad, lines);
        final DataException single = assertThrows(DataException.class, () -> TextReaders.libsvm(bad, 0));
        assertEquals(bad + ":1501: feature index 2 after 3: indices must ascend", single.getMessage());
        final DataException split = assertThrows(DataException.class, () ->
            LocalWorld.run(4, DEADLINE, comm -> SplitText.read(comm, bad.toString(), 0, 980)));
        assertEquals(single.getMessage(), split.getMessage());
        assertEquals(3, split.getSuppressed().length, "every rank stops");
    }

    @Test
    void csvPartsOfAnotherWidthNameTheLine() throws IOException {
        // 50 lines of 6 bytes, then 30 of 10: the second part starts at line 51 and is of one width itself.
        final StringBuilder s = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            s.append(i < 50 ? "1,2,3\n" : "1,2,3,4,5\n");
        }
        final Path file = dir.resolve("widths.csv");
        Files.writeString(file, s);
        final DataException single = assertThrows(DataException.class, () -> TextReaders.csv(file));
        assertEquals(file + ":51: 4 features, but line 1 had 2", single.getMessage());
        final DataException e = assertThrows(DataException.class, () ->
            LocalWorld.run(2, DEADLINE, comm -> SplitText.read(comm, file.toString(), 0, 980)));
        assertEquals(single.getMessage(), e.getMessage());
    }
}
