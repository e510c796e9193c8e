package org.gossipmpi.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Small seeded data files for tests that need a run but not real data. */
public final class SyntheticData {
    private SyntheticData() {
    }

    /** 400 rows of 20 Gaussian features and a 0/1 label from a fixed linear score, as CSV in {@code dir}. */
    public static Path binaryCsv(Path dir) throws IOException {
        final StringBuilder sb = new StringBuilder();
        final SplittableRandom r = new SplittableRandom(17);
        for (int i = 0; i < 400; i++) {
            double score = 0;
            final StringBuilder row = new StringBuilder();
            for (int j = 0; j < 20; j++) {
                final double a = r.nextGaussian();
                score += a * (j % 3 - 1);
                row.append(',').append((float) a);
            }
            sb.append(score > 0 ? 1 : 0).append(row).append('\n');
        }
        final Path file = dir.resolve("synthetic.csv");
        Files.writeString(file, sb);
        return file;
    }
}
