package org.gossipmpi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

import org.gossipmpi.metrics.JsonIo;
import org.gossipmpi.metrics.Report;
import org.gossipmpi.testing.SyntheticData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code report} over directories that short in-process {@code train --out} runs made: its table holds the
 * summaries' values, a half-written run is skipped and named, the charts are PNG files of the chart size,
 * and the JSON it reads is what the runs wrote (JSONL lines included).
 */
class ReportCommandTest {
    @TempDir
    static Path dir;

    static Path sweep;
    static Path single;

    private static String[] run(String... args) {
        return MainTest.run(args);
    }

    @BeforeAll
    static void train() throws Exception {
        final Path data = SyntheticData.binaryCsv(dir);
        sweep = dir.resolve("sweep");
        single = dir.resolve("job-2");
        final String[] common = {"train", "--ranks", "4", "--data", data.toString(), "--test-data",
            data.toString(), "--batch", "8", "--lr", "0.2",
            "--steps", "60", "--eval-every", "10", "--eval-rows", "0", "--target-loss", "0.5", "--device", "java"};
        final String[] a = run(concat(common, "--algorithm", "choco,allreduce", "--compressor", "topk:0.1,sign",
            "--gamma", "0.3", "--out", sweep.toString()));
        assertEquals("0", a[0], a[2]);
        final String[] b = run(concat(common, "--algorithm", "dpsgd", "--out", single.toString()));
        assertEquals("0", b[0], b[2]);
    }

    private static String[] concat(String[] a, String... b) {
        final String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void theTableHoldsEverySummarysValues() throws Exception {
        final String[] r = run("report", sweep.toString(), single.toString(), "--format", "csv");
        assertEquals("0", r[0], r[2]);
        final String[] lines = r[1].trim().split("\n");
        final List<String> header = List.of(lines[0].split(","));
        assertEquals(5, lines.length, r[1]); // header + 4 runs
        final Map<String, String[]> rows = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            final String[] f = lines[i].split(",");
            rows.put(f[0], f);
        }
        for (String run : List.of("sweep/choco-topk_0.1-ring", "sweep/choco-sign-ring", "sweep/allreduce",
                "job-2/dpsgd-ring")) {
            final String[] f = rows.get(run);
            assertTrue(f != null, run + " missing from\n" + r[1]);
            final JsonNode s = JsonIo.read(dir.resolve(run).resolve("summary.json"));
            assertEquals(s.get("algorithm").asText(), f[header.indexOf("algorithm")], run);
            assertEquals(s.get("steps").asText(), f[header.indexOf("steps")], run);
            assertEquals(String.format(Locale.ROOT, "%.5f", s.get("final_train_loss").asDouble()),
                f[header.indexOf("final_loss")], run);
            assertEquals(String.format(Locale.ROOT, "%.4f", s.get("test_accuracy").asDouble()),
                f[header.indexOf("test_acc")], run);
            final boolean counted = s.get("bytes_sent_counted").asBoolean();
            assertEquals(!run.endsWith("allreduce"), counted, run);
            assertEquals(String.format(Locale.ROOT, "%.3f", s.get("bytes_sent_total").asDouble() / 1e6)
                + (counted ? "" : "*"), f[header.indexOf("MB_sent")], run);
            final String toTarget = f[header.indexOf("s_to_target")];
            if (s.get("reached_target").asBoolean()) {
                assertEquals(String.format(Locale.ROOT, "%.2f", s.get("seconds_to_target").asDouble()), toTarget, run);
            } else {
                assertEquals("not reached", toTarget, run);
            }
        }
        final String speedUp = rows.get("sweep/choco-sign-ring")[header.indexOf("speed-up_over_all-reduce")];
        final JsonNode choco = JsonIo.read(sweep.resolve("choco-sign-ring/summary.json"));
        final JsonNode allreduce = JsonIo.read(sweep.resolve("allreduce/summary.json"));
        if (choco.get("reached_target").asBoolean() && allreduce.get("reached_target").asBoolean()) {
            assertEquals(String.format(Locale.ROOT, "%.2fx", allreduce.get("seconds_to_target").asDouble()
                / choco.get("seconds_to_target").asDouble()), speedUp);
        }
    }

    @Test
    void aHalfWrittenRunIsNamedAndSkippedAndTheChartsArePngOfTheChartSize() throws Exception {
        final Path broken = dir.resolve("broken/run");
        Files.createDirectories(broken);
        final String whole = Files.readString(sweep.resolve("allreduce/summary.json"));
        Files.writeString(broken.resolve("summary.json"), whole.substring(0, whole.length() / 2));
        final Path out = dir.resolve("report");
        final String[] r = run("report", sweep.toString(), dir.resolve("broken").toString(), "--out", out.toString(),
            "--format", "md");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[2].contains("report: skipped " + broken + ": summary.json cannot be read"), r[2]);
        assertTrue(r[1].startsWith("| run | algorithm |"), r[1]);
        assertTrue(r[1].contains(Report.MODELLED_NOTE), r[1]);
        final String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("3 runs under") && md.contains("Skipped:") && md.contains("![loss-vs-bits](loss-vs-bits.png)"),
            md);
        for (String chart : List.of("loss-vs-steps", "loss-vs-bits", "loss-vs-time", "accuracy-vs-steps",
                "accuracy-vs-bits", "accuracy-vs-time", "consensus-vs-steps")) {
            final BufferedImage image = ImageIO.read(out.resolve(chart + ".png").toFile());
            assertTrue(image != null, chart + " is not a readable PNG");
            assertEquals(960, image.getWidth(), chart);
            assertEquals(600, image.getHeight(), chart);
        }
    }

    @Test
    void nothingToReportIsAClearFailure() throws Exception {
        final Path empty = Files.createDirectories(dir.resolve("empty"));
        final String[] r = run("report", empty.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("no runs under [" + empty + "]"), r[2]);
        final String[] missing = run("report", dir.resolve("nope").toString());
        assertEquals("1", missing[0]);
        assertTrue(missing[2].contains("nope: no such directory"), missing[2]);
        final String[] svg = run("report", sweep.toString(), "--svg");
        assertEquals("1", svg[0]);
        assertTrue(svg[2].contains("--svg writes charts, which need --out DIR"), svg[2]);
    }

    @Test
    void everyJsonlLineIsOneObjectOfTheRankAndItsStep() throws Exception {
        final List<String> lines = Files.readAllLines(sweep.resolve("choco-sign-ring/rank-2.jsonl"));
        final JsonNode summary = JsonIo.read(sweep.resolve("choco-sign-ring/summary.json"));
        assertEquals(summary.get("steps").asLong() / 10, lines.size()); // one line per evaluation, every 10 steps
        for (int i = 0; i < lines.size(); i++) {
            final JsonNode line = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(i));
            assertEquals(10L * (i + 1), line.get("step").asLong());
            assertEquals(2, line.get("rank").asInt());
            assertTrue(line.get("bytes_sent").asLong() > 0 && line.get("minibatch_loss").isNumber(), lines.get(i));
        }
    }
}
