package org.gossipmpi.metrics;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One finished run as the report sees it: its name, its directory (null for a run only in memory), its
 * summary (summary.json's object) and its history (history.csv's columns by name).
 */
public record RunRecord(String name, Path dir, JsonNode summary, Map<String, double[]> history) {
    /** history.csv's columns, in order. */
    public static final List<String> HISTORY_COLUMNS = List.of("step", "train_loss", "train_accuracy",
        "test_accuracy", "consensus", "bytes_total", "paper_bits_total", "seconds", "train_seconds");

    /** A summary's text value, or null when absent or null. */
    public String text(String key) {
        final JsonNode n = summary.get(key);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** A summary's number, or NaN when absent, null or not a number. */
    public double number(String key) {
        final JsonNode n = summary.get(key);
        return n == null || !n.isNumber() ? Double.NaN : n.asDouble();
    }

    /** Evaluation points in the history. */
    public int points() {
        final double[] steps = history.get("step");
        return steps == null ? 0 : steps.length;
    }

    /** A history column; all NaN when this run's history lacks it (an older version's). */
    public double[] column(String name) {
        final double[] c = history.get(name);
        if (c != null) {
            return c;
        }
        final double[] nan = new double[points()];
        Arrays.fill(nan, Double.NaN);
        return nan;
    }

    /** Whether the bytes were counted on the wire (false: modelled, as for all-reduce). */
    public boolean bytesCounted() {
        final JsonNode n = summary.get("bytes_sent_counted");
        return n != null && n.isBoolean() ? n.asBoolean() : !"allreduce".equals(text("algorithm"));
    }

    /** The first evaluation point whose training loss is at most {@code target}, or -1. */
    public int firstReaching(double target) {
        final double[] loss = column("train_loss");
        for (int i = 0; i < loss.length; i++) {
            if (loss[i] <= target) {
                return i;
            }
        }
        return -1;
    }
}
