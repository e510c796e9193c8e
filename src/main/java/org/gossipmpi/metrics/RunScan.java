package org.gossipmpi.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Finds the runs under directories ({@code train --out} directories, sweeps, SLURM job directories: every
 * directory below holding a summary.json) and reads them back. A run that cannot be read (half-written,
 * from an older version, not JSON) is skipped with the reason, never fatal.
 */
public final class RunScan {
    /** How deep below a given directory runs are looked for. */
    private static final int DEPTH = 4;

    /** Keys a summary must have for the report. */
    private static final List<String> REQUIRED = List.of("algorithm", "steps", "final_train_loss", "ranks");

    /** The runs read, in path order, and one line per directory skipped. */
    public record Result(List<RunRecord> runs, List<String> skipped) {
    }

    private RunScan() {
    }

    /**
     * Reads every run under {@code dirs}. A run's name is its path below the given directory, prefixed with
     * that directory's name when several are given.
     *
     * @throws IllegalArgumentException if a given path does not exist or is not a directory
     */
    public static Result scan(List<Path> dirs) throws IOException {
        final List<RunRecord> runs = new ArrayList<>();
        final List<String> skipped = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory"));
            }
            final List<Path> summaries;
            try (Stream<Path> files = Files.find(dir, DEPTH + 1,
                    (p, a) -> a.isRegularFile() && p.getFileName().toString().equals("summary.json")
                        && !hidden(dir.relativize(p)))) {
                summaries = new ArrayList<>(files.toList());
            }
            summaries.sort(null);
            for (Path summary : summaries) {
                final Path runDir = summary.getParent();
                final String below = dir.relativize(runDir).toString();
                final String name = dirs.size() == 1 ? (below.isEmpty() ? runDir.getFileName().toString() : below)
                    : dir.getFileName() + (below.isEmpty() ? "" : "/" + below);
                final String why = read(runDir, name, runs);
                if (why != null) {
                    skipped.add(runDir + ": " + why);
                }
            }
        }
        return new Result(runs, skipped);
    }

    /**
     * Whether a path below a given directory passes through a hidden directory (".RUN.replaced": an earlier run
     * that train --overwrite set aside; temporary files): not a run to report.
     */
    private static boolean hidden(Path below) {
        for (Path part : below) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** Reads one run into {@code runs}; returns why it was skipped, or null. */
    private static String read(Path runDir, String name, List<RunRecord> runs) {
        final JsonNode summary;
        try {
            summary = JsonIo.read(runDir.resolve("summary.json"));
        } catch (IOException e) {
            return "summary.json cannot be read (half-written, or not JSON): " + e.getMessage().split("\n")[0];
        }
        if (summary == null || !summary.isObject()) {
            return "summary.json holds no JSON object";
        }
        for (String key : REQUIRED) {
            if (!summary.hasNonNull(key)) {
                return "summary.json has no " + key + " (written by an older version, or incomplete)";
            }
        }
        final Path csv = runDir.resolve("history.csv");
        final Map<String, double[]> history;
        try {
            history = Files.exists(csv) ? history(csv) : Map.of();
        } catch (IOException | IllegalArgumentException e) {
            return "history.csv cannot be read: " + e.getMessage();
        }
        runs.add(new RunRecord(name, runDir, summary, history));
        return null;
    }

    /** history.csv's columns by their header names. */
    static Map<String, double[]> history(Path csv) throws IOException {
        final List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("empty file");
        }
        final String[] header = lines.get(0).split(",", -1);
        final int rows = lines.size() - 1;
        final double[][] values = new double[header.length][rows];
        for (int r = 0; r < rows; r++) {
            final String[] f = lines.get(r + 1).split(",", -1);
            if (f.length != header.length) {
                throw new IllegalArgumentException("line " + (r + 2) + " has " + f.length + " fields, the header "
                    + header.length + " (half-written?)");
            }
            for (int c = 0; c < f.length; c++) {
                try {
                    values[c][r] = Double.parseDouble(f[c]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + (r + 2) + ", column " + header[c] + ": '" + f[c]
                        + "' is not a number");
                }
            }
        }
        final Map<String, double[]> columns = new LinkedHashMap<>();
        for (int c = 0; c < header.length; c++) {
            columns.put(header[c].trim(), values[c]);
        }
        return columns;
    }
}
