package org.gossipmpi.metrics;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * Latency of every phase of a training step (gradient, compress, exchange, mix), and of whole steps, in
 * HdrHistograms sized once (1 us to 10 min, 3 significant digits), so recording allocates nothing; with each one's
 * exact total, for means that add up: the phases' means against the step's tell how much of a step no phase
 * covers.
 */
public final class PhaseTimers {
    /** The phases of a step. */
    public enum Phase { GRADIENT, COMPRESS, EXCHANGE, MIX }

    private static final long MAX = TimeUnit.MINUTES.toNanos(10);

    private final Histogram[] histograms = new Histogram[Phase.values().length];
    private final long[] totalNanos = new long[Phase.values().length];
    private final Histogram steps = new Histogram(1_000, MAX, 3);
    private long stepNanos;

    public PhaseTimers() {
        for (int i = 0; i < histograms.length; i++) {
            histograms[i] = new Histogram(1_000, MAX, 3);
        }
    }

    /** Records the time since {@code startNanos} for {@code phase}; returns now, for the next phase. */
    public long record(Phase phase, long startNanos) {
        final long now = System.nanoTime();
        histograms[phase.ordinal()].recordValue(Math.max(1_000, Math.min(MAX, now - startNanos)));
        totalNanos[phase.ordinal()] += now - startNanos;
        return now;
    }

    /** Records a whole step that began at {@code startNanos}. */
    public void recordStep(long startNanos) {
        final long took = System.nanoTime() - startNanos;
        steps.recordValue(Math.max(1_000, Math.min(MAX, took)));
        stepNanos += took;
    }

    public Histogram histogram(Phase phase) {
        return histograms[phase.ordinal()];
    }

    /** The whole steps' times. */
    public Histogram steps() {
        return steps;
    }

    /** A phase's exact total over the steps timed, divided by their number: microseconds a step, NaN before one. */
    public double meanMicrosPerStep(Phase phase) {
        return steps.getTotalCount() == 0 ? Double.NaN : totalNanos[phase.ordinal()] / 1e3 / steps.getTotalCount();
    }

    /** The steps' exact mean, microseconds; NaN before one. */
    public double stepMeanMicros() {
        return steps.getTotalCount() == 0 ? Double.NaN : stepNanos / 1e3 / steps.getTotalCount();
    }
}
