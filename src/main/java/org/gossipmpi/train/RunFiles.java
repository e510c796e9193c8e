package org.gossipmpi.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.gossipmpi.api.Decentralized;
import org.gossipmpi.io.AtomicFiles;
import org.gossipmpi.metrics.JsonIo;
import org.gossipmpi.metrics.Report;
import org.gossipmpi.metrics.RunRecord;
import org.gossipmpi.metrics.RunScan;
import org.gossipmpi.metrics.Version;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a run leaves on disk: {@code OUT/RUN/summary.json} and {@code history.csv} (rank 0), the models
 * ({@code --save-model DIR/rank-R.txt}, every rank), and the charts over every run under {@code OUT}
 * ({@link Report#charts}).
 */
public final class RunFiles {
    private RunFiles() {
    }

    /**
     * The run as the report reads it back: summary.json's object (the keys the README documents) and the
     * history's columns. {@code runDir}: where it will be written, or null.
     */
    static RunRecord record(Path runDir, TrainConfig config, int ranks, Training.Outcome o, Decentralized opt) {
        final ObjectNode s = JsonIo.object();
        s.put("algorithm", config.algorithm());
        s.put("compressor", config.compressor());
        s.put("topology", config.algorithm().equals("allreduce") ? "allreduce" : config.topology());
        if (config.algorithm().equals("allreduce")) {
            s.put("allreduce", config.allreduce().id());
        }
        s.put("ranks", ranks);
        s.put("model", config.model());
        if (config.model().equals("mlp")) {
            s.put("hidden", config.hidden());
        }
        s.put("data", config.data());
        s.put("steps", o.steps());
        JsonIo.putNumber(s, "final_train_loss", o.trainLoss());
        JsonIo.putNumber(s, "test_accuracy", o.testAccuracy());
        JsonIo.putNumber(s, "consensus_distance", o.consensus());
        s.put("bytes_sent_total", (long) o.bytesTotal());
        s.put("bytes_sent_counted", !config.algorithm().equals("allreduce"));
        s.put("paper_bits_total", (long) o.paperBitsTotal());
        JsonIo.putNumber(s, "wall_seconds", o.seconds());
        JsonIo.putNumber(s, "train_seconds", o.trainSeconds());
        JsonIo.putNumber(s, "eval_seconds", o.evalSeconds());
        s.put("train_loss_on", o.lossEstimatedOn());
        JsonIo.putNumber(s, "target_loss", config.targetLoss());
        s.put("reached_target", o.reachedTarget());
        JsonIo.putNumber(s, "seconds_to_target", o.secondsToTarget());
        s.put("gamma", config.gamma());
        s.put("lr", config.lr().toString());
        s.put("batch", config.batch());
        s.put("seed", config.seed());
        s.put("eval_every", config.evalEvery());
        final ObjectNode phases = s.putObject("phases_rank0");
        double phaseSum = 0;
        for (Decentralized.Phase p : Decentralized.Phase.values()) {
            final ObjectNode ph = phases.putObject(p.name().toLowerCase(Locale.ROOT));
            ph.put("count", opt.phaseCount(p));
            JsonIo.putNumber(ph, "p50_us", opt.phaseMicros(p, 50));
            JsonIo.putNumber(ph, "p99_us", opt.phaseMicros(p, 99));
            JsonIo.putNumber(ph, "mean_us_per_step", opt.phaseMeanMicros(p));
            phaseSum += opt.phaseMeanMicros(p);
        }
        final ObjectNode step = s.putObject("step_rank0");
        JsonIo.putNumber(step, "p50_us", opt.stepMicros(50));
        JsonIo.putNumber(step, "p99_us", opt.stepMicros(99));
        JsonIo.putNumber(step, "mean_us", opt.stepMeanMicros());
        JsonIo.putNumber(step, "in_no_phase_share", 1 - phaseSum / opt.stepMeanMicros());
        final ObjectNode memory = s.putObject("memory_mb");
        final com.fasterxml.jackson.databind.node.ArrayNode data = memory.putArray("training_rows_per_rank");
        final com.fasterxml.jackson.databind.node.ArrayNode peak = memory.putArray("peak_resident_per_rank");
        final com.fasterxml.jackson.databind.node.ArrayNode startup = s.putArray("startup_seconds_per_rank");
        final ObjectNode parts = s.putObject("startup_parts_seconds_per_rank");
        final com.fasterxml.jackson.databind.node.ArrayNode launch = parts.putArray("launch");
        final com.fasterxml.jackson.databind.node.ArrayNode reading = parts.putArray("data");
        final com.fasterxml.jackson.databind.node.ArrayNode setup = parts.putArray("model_and_optimizer");
        for (int r = 0; r < o.perRank().dataMb().length; r++) {
            final Training.PerRank pr = o.perRank();
            data.add(Math.round(pr.dataMb()[r] * 10) / 10.0);
            peak.add(Math.round(pr.peakResidentMb()[r]));
            startup.add(Math.round(pr.startupSeconds()[r] * 100) / 100.0);
            launch.add(Math.round(pr.launchSeconds()[r] * 100) / 100.0);
            reading.add(Math.round(pr.dataSeconds()[r] * 100) / 100.0);
            setup.add(Math.round(pr.modelAndOptimizerSeconds(r) * 100) / 100.0);
        }
        final com.fasterxml.jackson.databind.node.ArrayNode stepsPerRank = s.putArray("steps_per_rank");
        for (float v : o.perRank().steps()) {
            stepsPerRank.add((long) v);
        }
        final com.fasterxml.jackson.databind.node.ArrayNode stepHeap = s.putArray("step_heap_bytes_per_rank");
        for (float v : o.perRank().stepHeapBytes()) {
            stepHeap.add(v < 0 ? -1 : Math.round(v * 10) / 10.0);
        }
        final com.fasterxml.jackson.databind.node.ArrayNode heapShare =
            s.putArray("step_heap_allocating_share_per_rank");
        for (float v : o.perRank().stepHeapShare()) {
            heapShare.add(v < 0 ? -1 : Math.round(v * 1000) / 1000.0);
        }
        final com.fasterxml.jackson.databind.node.ArrayNode stepMean = s.putArray("step_mean_us_per_rank");
        for (float v : o.perRank().stepMeanMicros()) {
            stepMean.add(Math.round(v * 10) / 10.0);
        }
        final ObjectNode phaseMean = s.putObject("phase_mean_us_per_rank");
        for (Decentralized.Phase p : Decentralized.Phase.values()) {
            final com.fasterxml.jackson.databind.node.ArrayNode a = phaseMean.putArray(p.name().toLowerCase(Locale.ROOT));
            for (float v : o.perRank().phaseMeanMicros()[p.ordinal()]) {
                a.add(Math.round(v * 10) / 10.0);
            }
        }
        s.put("gossip_mpi_version", Version.get());
        final List<Training.Point> points = o.history();
        final double[][] columns = new double[RunRecord.HISTORY_COLUMNS.size()][points.size()];
        for (int i = 0; i < points.size(); i++) {
            final Training.Point p = points.get(i);
            final double[] row = {p.step(), p.trainLoss(), p.trainAccuracy(), p.testAccuracy(), p.consensus(),
                p.bytesTotal(), p.paperBitsTotal(), p.seconds(), p.trainSeconds()};
            for (int c = 0; c < row.length; c++) {
                columns[c][i] = row[c];
            }
        }
        final Map<String, double[]> history = new LinkedHashMap<>();
        for (int c = 0; c < columns.length; c++) {
            history.put(RunRecord.HISTORY_COLUMNS.get(c), columns[c]);
        }
        return new RunRecord(o.run(), runDir, s, history);
    }

    /** Writes the record's summary.json and history.csv into its directory, each whole. */
    static void write(RunRecord r) {
        final String[] formats = {"%.0f", "%.8g", "%.6f", "%.6f", "%.6g", "%.0f", "%.0f", "%.3f", "%.3f"};
        try {
            Files.createDirectories(r.dir());
            atomicWrite(r.dir().resolve("summary.json"), JsonIo.line(r.summary()) + "\n");
            final StringBuilder csv = new StringBuilder(String.join(",", RunRecord.HISTORY_COLUMNS)).append('\n');
            for (int i = 0; i < r.points(); i++) {
                for (int c = 0; c < formats.length; c++) {
                    csv.append(c == 0 ? "" : ",").append(String.format(Locale.ROOT, formats[c],
                        r.column(RunRecord.HISTORY_COLUMNS.get(c))[i]));
                }
                csv.append('\n');
            }
            atomicWrite(r.dir().resolve("history.csv"), csv.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("rank 0 cannot write the run's summary under " + r.dir() + " ({out}): "
                + AtomicFiles.reason(e) + "; what was there is kept as it was", e);
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
            throw new UncheckedIOException("rank " + rank + " cannot save its model under " + dir + " ({saveModel}): "
                + AtomicFiles.reason(e), e);
        }
    }

    /**
     * Redraws the charts over every run under {@code out} ({@link Report#charts}), so that a sweep, or several
     * commands sharing {@code --out}, end on one set of charts. Returns the files written.
     */
    public static List<Path> plot(Path out) throws IOException {
        return Report.charts(RunScan.scan(List.of(out)).runs(), out, false);
    }

    private static void atomicWrite(Path file, String text) throws IOException {
        AtomicFiles.writeString(file, text);
    }
}
