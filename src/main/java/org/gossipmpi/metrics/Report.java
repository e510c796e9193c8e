package org.gossipmpi.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The comparison over many runs: one table (text for the terminal, Markdown, or CSV), the charts over all
 * of them, and a Markdown report holding both. Times to the target are read from each run's history (the
 * first evaluation point at or below the target, in training seconds), so any target can be asked for
 * after the fact.
 */
public final class Report {
    /**
     * Checks a target loss ({@code --target-loss}): NaN (none) or a finite number >= 0.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static void checkTargetLoss(double target) {
        if (!Double.isNaN(target) && !(target >= 0 && target < Double.POSITIVE_INFINITY)) {
            throw new org.gossipmpi.config.SettingException("targetLoss", "{targetLoss} must be a finite number >= 0 (a loss is never negative),"
                + " got " + target);
        }
    }

    /** Table formats. */
    public enum Format { text, md, csv }

    /** The note every table with a modelled byte count carries. */
    public static final String MODELLED_NOTE = "* modelled, not counted: all-reduce is charged 2(n-1)/n x 4d bytes a"
        + " step per rank, what a ring all-reduce sends; MPI_Allreduce's own traffic is not visible to gossip-mpi.";

    private Report() {
    }

    /** The leading columns that hold text (left-aligned in the text format). */
    private static final int TEXT_COLUMNS = 4;

    private static final String[] HEADER = {"run", "algorithm", "compressor", "topology", "ranks", "steps",
        "final loss", "test acc", "MB sent", "bytes / all-reduce", "train s", "wall s", "s to target", "MB to target",
        "speed-up over all-reduce"};

    /**
     * The table of {@code runs}. {@code target}: the loss the "to target" columns use; NaN for each run's own
     * {@code --target-loss}.
     */
    public static String table(List<RunRecord> runs, double target, Format format) {
        final List<String[]> rows = new ArrayList<>();
        boolean modelled = false;
        for (RunRecord r : runs) {
            final RunRecord reference = allreduceReference(r, runs);
            final double t = targetOf(r, target);
            final int hit = Double.isNaN(t) ? -1 : r.firstReaching(t);
            final double seconds = secondsToTarget(r, t);
            final double refSeconds = reference == null ? Double.NaN : secondsToTarget(reference, targetOf(reference,
                target));
            final boolean counted = r.bytesCounted();
            modelled |= !counted;
            final String notReached = Double.isNaN(t) ? "-" : "not reached";
            rows.add(new String[] {r.name(), r.text("algorithm"), or(r.text("compressor"), "none"),
                or(r.text("topology"), "-"), fmt("%.0f", r.number("ranks")), fmt("%.0f", r.number("steps")),
                fmt("%.5f", r.number("final_train_loss")), fmt("%.4f", r.number("test_accuracy")),
                fmt("%.3f", r.number("bytes_sent_total") / 1e6) + (counted ? "" : "*"),
                reference == null ? "-" : fmt("%.4f", r.number("bytes_sent_total") / reference.number("bytes_sent_total")),
                fmt("%.2f", r.number("train_seconds")), fmt("%.2f", r.number("wall_seconds")),
                Double.isNaN(seconds) ? notReached : fmt("%.2f", seconds),
                hit < 0 ? notReached : fmt("%.3f", r.column("bytes_total")[hit] / 1e6) + (counted ? "" : "*"),
                Double.isNaN(seconds) || Double.isNaN(refSeconds) ? "-" : fmt("%.2fx", refSeconds / seconds)});
        }
        final StringBuilder sb = new StringBuilder();
        switch (format) {
            case csv -> {
                sb.append(String.join(",", HEADER).replace(' ', '_')).append('\n');
                for (String[] row : rows) {
                    sb.append(String.join(",", row)).append('\n');
                }
                return sb.toString();
            }
            case md -> {
                sb.append("| ").append(String.join(" | ", HEADER)).append(" |\n|");
                for (String h : HEADER) {
                    sb.append(h.equals("run") || h.equals("algorithm") || h.equals("compressor") || h.equals("topology")
                        ? "---|" : "---:|");
                }
                sb.append('\n');
                for (String[] row : rows) {
                    sb.append("| ").append(String.join(" | ", row)).append(" |\n");
                }
            }
            case text -> {
                final int[] width = new int[HEADER.length];
                for (int c = 0; c < HEADER.length; c++) {
                    width[c] = HEADER[c].length();
                    for (String[] row : rows) {
                        width[c] = Math.max(width[c], row[c].length());
                    }
                }
                appendText(sb, HEADER, width);
                for (String[] row : rows) {
                    appendText(sb, row, width);
                }
            }
        }
        if (modelled) {
            sb.append('\n').append(MODELLED_NOTE).append('\n');
        }
        return sb.toString();
    }

    private static void appendText(StringBuilder sb, String[] row, int[] width) {
        for (int c = 0; c < row.length; c++) {
            if (c > 0) {
                sb.append("  ");
            }
            final String pad = " ".repeat(width[c] - row[c].length());
            sb.append(c < TEXT_COLUMNS ? row[c] + pad : pad + row[c]);
        }
        sb.append('\n');
    }

    /** The target the to-target columns of {@code run} use. */
    static double targetOf(RunRecord run, double target) {
        return Double.isNaN(target) ? run.number("target_loss") : target;
    }

    /**
     * Training seconds at the first evaluation at or below {@code target}, or NaN: the run's own measurement
     * when {@code target} is its {@code --target-loss}, else read from its history (rounded to milliseconds).
     */
    public static double secondsToTarget(RunRecord run, double target) {
        if (Double.isNaN(target)) {
            return Double.NaN;
        }
        if (target == run.number("target_loss") && run.summary().has("reached_target")) {
            return run.summary().path("reached_target").asBoolean() ? run.number("seconds_to_target") : Double.NaN;
        }
        final int hit = run.firstReaching(target);
        return hit < 0 ? Double.NaN : run.column("train_seconds")[hit];
    }

    /**
     * The all-reduce run {@code run} is compared with: the one in the same directory (one sweep), else the
     * only one among {@code runs}; null if none (or {@code run} is all-reduce itself).
     */
    static RunRecord allreduceReference(RunRecord run, List<RunRecord> runs) {
        if ("allreduce".equals(run.text("algorithm"))) {
            return null;
        }
        RunRecord only = null;
        int count = 0;
        for (RunRecord r : runs) {
            if (!"allreduce".equals(r.text("algorithm"))) {
                continue;
            }
            if (r.dir() != null && run.dir() != null && r.dir().getParent().equals(run.dir().getParent())) {
                return r;
            }
            only = r;
            count++;
        }
        return count == 1 ? only : null;
    }

    /**
     * Draws the charts over {@code runs} into {@code dir}: training loss and test accuracy against steps, bits
     * sent (log axis) and training seconds, and the consensus distance against steps (log axis); SVG too when
     * asked. Returns the files written.
     */
    public static List<Path> charts(List<RunRecord> runs, Path dir, boolean svg) throws IOException {
        Files.createDirectories(dir);
        final String about = about(runs);
        final List<Path> files = new ArrayList<>();
        final String bits = "bits sent (all ranks, as the papers count them)";
        for (String[] y : new String[][] {{"train_loss", "loss", "Training loss of the averaged model"},
                {"test_accuracy", "accuracy", "Test accuracy of the averaged model"}}) {
            files.addAll(chart(runs, dir.resolve(y[1] + "-vs-steps.png"), new Charts.Layout(y[2] + about, "step",
                y[1], false, false), "step", y[0], svg));
            files.addAll(chart(runs, dir.resolve(y[1] + "-vs-bits.png"), new Charts.Layout(y[2] + about, bits,
                y[1], true, false), "paper_bits_total", y[0], svg));
            files.addAll(chart(runs, dir.resolve(y[1] + "-vs-time.png"), new Charts.Layout(y[2] + about,
                "training seconds (evaluation excluded)", y[1], false, false), "train_seconds", y[0], svg));
        }
        files.addAll(chart(runs, dir.resolve("consensus-vs-steps.png"), new Charts.Layout(
            "Consensus distance (1/n) sum ||x_i - x_bar||^2" + about, "step", "consensus distance", false, true),
            "step", "consensus", svg));
        return files;
    }

    private static List<Path> chart(List<RunRecord> runs, Path png, Charts.Layout layout, String x, String y,
                                    boolean svg) throws IOException {
        final List<Series> series = new ArrayList<>();
        for (RunRecord r : runs) {
            series.add(new Series(r.name(), r.column(x), r.column(y)));
        }
        return Charts.write(png, layout, series, svg);
    }

    /** ": MODEL on DATA, N ranks, TOPOLOGY", naming what all runs share (all-reduce runs have no topology). */
    static String about(List<RunRecord> runs) {
        final Set<String> models = new LinkedHashSet<>();
        final Set<String> data = new LinkedHashSet<>();
        final Set<String> ranks = new LinkedHashSet<>();
        final Set<String> topologies = new LinkedHashSet<>();
        for (RunRecord r : runs) {
            models.add(or(r.text("model"), "?"));
            data.add(or(r.text("data"), "?"));
            ranks.add(fmt("%.0f", r.number("ranks")));
            if (!"allreduce".equals(r.text("algorithm"))) {
                topologies.add(or(r.text("topology"), "?"));
            }
        }
        return ": " + (models.size() == 1 ? models.iterator().next() : "several models") + " on "
            + (data.size() == 1 ? data.iterator().next() : "several data sets") + ", "
            + (ranks.size() == 1 ? ranks.iterator().next() + " ranks" : "several rank counts")
            + (topologies.isEmpty() ? "" : topologies.size() == 1 ? ", " + topologies.iterator().next()
                : ", several topologies");
    }

    /**
     * Writes {@code dir/report.md}: what was read, the table, what was skipped and why, and the charts
     * (paths relative to {@code dir}). Returns the file.
     */
    public static Path markdown(List<Path> inputs, RunScan.Result scanned, double target, List<Path> charts,
                                Path dir, String version) throws IOException {
        final StringBuilder sb = new StringBuilder("# gossip-mpi report\n\n");
        sb.append(scanned.runs().size()).append(" runs under ");
        for (int i = 0; i < inputs.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append('`').append(inputs.get(i)).append('`');
        }
        sb.append(", read by gossip-mpi ").append(version).append(".\n");
        sb.append(Double.isNaN(target) ? "Times and bytes to the target use each run's own --target-loss.\n"
            : "Target loss: " + target + " (times and bytes to it from each run's history).\n");
        sb.append('\n').append(table(scanned.runs(), target, Format.md));
        if (!scanned.skipped().isEmpty()) {
            sb.append("\nSkipped:\n\n");
            for (String s : scanned.skipped()) {
                sb.append("- ").append(s).append('\n');
            }
        }
        sb.append("\n## Charts\n\n");
        for (Path c : charts) {
            if (c.toString().endsWith(".png")) {
                final String name = c.getFileName().toString();
                sb.append("![").append(name, 0, name.length() - 4).append("](")
                    .append(dir.toAbsolutePath().relativize(c.toAbsolutePath())).append(")\n\n");
            }
        }
        final Path file = dir.resolve("report.md");
        org.gossipmpi.io.AtomicFiles.writeString(file, sb);
        return file;
    }

    private static String fmt(String pattern, double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, pattern, v);
    }

    private static String or(String s, String otherwise) {
        return s == null ? otherwise : s;
    }
}
