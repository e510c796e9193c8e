package org.gossipmpi.algo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.gossipmpi.metrics.Json;
import org.gossipmpi.metrics.LinePlot;
import org.gossipmpi.metrics.PhaseTimers;

/**
 * What a run leaves on disk: {@code OUT/RUN/summary.json} and {@code history.csv} (rank 0), the models
 * ({@code --save-model DIR/rank-R.txt}, every rank), and the plots over every run under {@code OUT}
 * ({@code loss-vs-steps.png}, {@code loss-vs-bits.png}, {@code loss-vs-time.png}), so that a sweep, or several commands sharing
 * {@code --out}, end on one plot.
 */
public final class RunFiles {
    private RunFiles() {
    }

    static void writeSummary(Path runDir, TrainConfig config, int ranks, Training.Outcome o, PhaseTimers timers) {
        final Map<String, Object> s = new LinkedHashMap<>();
        s.put("algorithm", config.algorithm());
        s.put("compressor", Algorithms.compresses(config.algorithm()) ? config.compressor() : "none");
        s.put("topology", config.algorithm().equals("allreduce") ? "allreduce" : config.topology());
        s.put("ranks", ranks);
        s.put("model", config.model());
        s.put("data", config.data());
        s.put("steps", o.steps());
        s.put("final_train_loss", o.trainLoss());
        s.put("test_accuracy", o.testAccuracy());
        s.put("consensus_distance", o.consensus());
        s.put("bytes_sent_total", (long) o.bytesTotal());
        s.put("paper_bits_total", (long) o.paperBitsTotal());
        s.put("wall_seconds", o.seconds());
        s.put("train_seconds", o.trainSeconds());
        s.put("eval_seconds", o.evalSeconds());
        s.put("train_loss_on", o.lossEstimatedOn());
        s.put("target_loss", config.targetLoss());
        s.put("reached_target", o.reachedTarget());
        s.put("seconds_to_target", Double.isNaN(o.secondsToTarget()) ? null : o.secondsToTarget());
        s.put("gamma", config.gamma());
        s.put("lr", config.lr().toString());
        s.put("batch", config.batch());
        s.put("seed", config.seed());
        final Map<String, Object> phases = new LinkedHashMap<>();
        for (PhaseTimers.Phase p : PhaseTimers.Phase.values()) {
            final Histogram h = timers.histogram(p);
            final Map<String, Object> ph = new LinkedHashMap<>();
            ph.put("count", h.getTotalCount());
            ph.put("p50_us", h.getTotalCount() == 0 ? null : h.getValueAtPercentile(50) / 1e3);
            ph.put("p99_us", h.getTotalCount() == 0 ? null : h.getValueAtPercentile(99) / 1e3);
            phases.put(p.name().toLowerCase(Locale.ROOT), ph);
        }
        s.put("phases_rank0", phases);
        try {
            Files.createDirectories(runDir);
            atomicWrite(runDir.resolve("summary.json"), Json.object(s) + "\n");
            final StringBuilder csv = new StringBuilder("step,train_loss,train_accuracy,test_accuracy,consensus,"
                + "bytes_total,paper_bits_total,seconds,train_seconds\n");
            for (Training.Point p : o.history()) {
                csv.append(String.format(Locale.ROOT, "%d,%.8g,%.6f,%.6f,%.6g,%.0f,%.0f,%.3f,%.3f%n", p.step(),
                    p.trainLoss(), p.trainAccuracy(), p.testAccuracy(), p.consensus(), p.bytesTotal(), p.paperBitsTotal(),
                    p.seconds(), p.trainSeconds()));
            }
            atomicWrite(runDir.resolve("history.csv"), csv.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the summary under " + runDir + ": " + e.getMessage(), e);
        }
    }

    static void saveModel(Path dir, int rank, float[] x) {
        final StringBuilder sb = new StringBuilder(x.length * 12);
        for (float v : x) {
            sb.append(v).append('\n');
        }
        try {
            Files.createDirectories(dir);
            atomicWrite(dir.resolve("rank-" + rank + ".txt"), sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the model under " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Redraws OUT/loss-vs-steps.png, OUT/loss-vs-bits.png and OUT/loss-vs-time.png (against train seconds) from
     * every OUT/RUN/history.csv; a history without train seconds (an older version's) is left out of the last.
     */
    public static List<Path> plot(Path out) throws IOException {
        final List<LinePlot.Series> bySteps = new ArrayList<>();
        final List<LinePlot.Series> byBits = new ArrayList<>();
        final List<LinePlot.Series> byTime = new ArrayList<>();
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(out, Files::isDirectory)) {
            final List<Path> sorted = new ArrayList<>();
            runs.forEach(sorted::add);
            sorted.sort(null);
            for (Path run : sorted) {
                final Path csv = run.resolve("history.csv");
                if (!Files.exists(csv)) {
                    continue;
                }
                final List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
                final int n = lines.size() - 1;
                final double[] step = new double[n];
                final double[] bits = new double[n];
                final double[] loss = new double[n];
                final double[] trainSeconds = new double[n];
                final boolean timed = lines.get(0).contains(",train_seconds");
                for (int i = 0; i < n; i++) {
                    final String[] f = lines.get(i + 1).split(",");
                    step[i] = Double.parseDouble(f[0]);
                    loss[i] = Double.parseDouble(f[1]);
                    bits[i] = Double.parseDouble(f[6]);
                    trainSeconds[i] = timed ? Double.parseDouble(f[8]) : Double.NaN;
                }
                final String name = run.getFileName().toString();
                bySteps.add(new LinePlot.Series(name, step, loss));
                byBits.add(new LinePlot.Series(name, bits, loss));
                if (timed) {
                    byTime.add(new LinePlot.Series(name, trainSeconds, loss));
                }
            }
        }
        final Path a = out.resolve("loss-vs-steps.png");
        final Path b = out.resolve("loss-vs-bits.png");
        final Path c = out.resolve("loss-vs-time.png");
        LinePlot.write(a, "Training loss of the averaged model", "step", "loss", false, bySteps);
        LinePlot.write(b, "Training loss against bits sent (all ranks, as the papers count them)", "bits (log10)",
            "loss", true, byBits);
        LinePlot.write(c, "Training loss against training time (evaluation excluded)", "train seconds", "loss", false,
            byTime);
        return List.of(a, b, c);
    }

    private static void atomicWrite(Path file, String text) throws IOException {
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(text);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
