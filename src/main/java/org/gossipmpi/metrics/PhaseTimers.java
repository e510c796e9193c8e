package org.gossipmpi.metrics;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * Latency of every phase of a training step (gradient, compress, exchange, mix) in HdrHistograms sized once
 * (1 us to 10 min, 3 significant digits), so recording allocates nothing.
 */
public final class PhaseTimers {
    /** The phases of a step. */
    public enum Phase { GRADIENT, COMPRESS, EXCHANGE, MIX }

    private static final long MAX = TimeUnit.MINUTES.toNanos(10);

    private final Histogram[] histograms = new Histogram[Phase.values().length];

    public PhaseTimers() {
        for (int i = 0; i < histograms.length; i++) {
            histograms[i] = new Histogram(1_000, MAX, 3);
        }
    }

    /** Records the time since {@code startNanos} for {@code phase}; returns now, for the next phase. */
    public long record(Phase phase, long startNanos) {
        final long now = System.nanoTime();
        histograms[phase.ordinal()].recordValue(Math.max(1_000, Math.min(MAX, now - startNanos)));
        return now;
    }

    public Histogram histogram(Phase phase) {
        return histograms[phase.ordinal()];
    }
}
