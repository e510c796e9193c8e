package org.gossipmpi.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A line plot of a CSV file with a header line: one column as x, every other column as a series, for the
 * benchmark scripts' tables (for example per-step time against ranks).
 */
public final class CsvPlot {
    private CsvPlot() {
    }

    /**
     * Reads {@code csv} and draws every column but {@code xColumn} against it into {@code png}.
     *
     * @throws IllegalArgumentException naming the file, line and column of a missing column, a ragged line or a
     *                                  value that is not a number
     */
    public static void write(Path csv, String xColumn, boolean logX, String title, String yLabel, Path png)
            throws IOException {
        final List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.size() < 2) {
            throw new IllegalArgumentException(csv + ": a header line and at least one row are needed");
        }
        final String[] header = lines.get(0).split(",", -1);
        int x = -1;
        for (int c = 0; c < header.length; c++) {
            if (header[c].trim().equals(xColumn)) {
                x = c;
            }
        }
        if (x < 0) {
            throw new IllegalArgumentException(csv + " has no column '" + xColumn + "'; its columns: "
                + String.join(", ", header));
        }
        final int rows = lines.size() - 1;
        final double[][] values = new double[header.length][rows];
        for (int r = 0; r < rows; r++) {
            final String[] f = lines.get(r + 1).split(",", -1);
            if (f.length != header.length) {
                throw new IllegalArgumentException(csv + " line " + (r + 2) + ": " + f.length + " fields, the header has "
                    + header.length);
            }
            for (int c = 0; c < f.length; c++) {
                try {
                    values[c][r] = Double.parseDouble(f[c].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(csv + " line " + (r + 2) + ", column " + header[c] + ": '" + f[c]
                        + "' is not a number");
                }
            }
        }
        final List<Series> series = new ArrayList<>();
        for (int c = 0; c < header.length; c++) {
            if (c != x) {
                series.add(new Series(header[c].trim(), values[x], values[c]));
            }
        }
        if (Charts.write(png, new Charts.Layout(title, xColumn, yLabel, logX, false), series, false).isEmpty()) {
            throw new IllegalArgumentException(csv + ": no point to draw" + (logX ? " (a log axis shows only x > 0)" : ""));
        }
    }
}
