package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.collective.AllreduceAverage;
import org.gossipmpi.comm.CommException;
import org.gossipmpi.comm.CommTimeoutException;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.metrics.PhaseTimers.Phase;
import org.gossipmpi.model.GradientParts;

/**
 * The centralized baseline: g = (1/n) sum_i g_i by all-reduce, x^{t+1} = x^t - eta_t g (optionally with
 * momentum). Every rank holds the same x. With one rank this is plain minibatch SGD. Its mix (a caller's own
 * optimizer before it) averages the models instead: x^{t+1} = (1/n) sum_i x_i.
 *
 * <p>With overlap (on gossip-mpi's ring, {@link AllreduceAverage} with buckets) the gradient is summed in buckets
 * while it is computed, as DDP does: a model that reports its gradient's parts ({@link GradientParts}: the MLP does)
 * has each bucket summed as soon as its floats are final, and every call between the model's pieces moves the
 * buckets in flight along; the rest start when the gradient is complete. The same update, the sums cut otherwise.
 */
final class AllreduceSgd extends Update {
    private final AllreduceAverage average;
    private final float[] mean;
    /** With overlap: what the model reports its parts to; null without. */
    private final Parts parts;
    private long bytesSent;

    AllreduceSgd(AllreduceAverage average, LocalStep local, PhaseTimers timers, int d) {
        super(null, local, timers, d);
        this.average = average;
        this.mean = new float[d];
        this.parts = average.buckets() > 0 ? new Parts() : null;
    }

    @Override
    String name() {
        return "allreduce";
    }

    @Override
    double step(long t, float[] x, float[] g, GradientSource source, float eta, boolean withLocalStep) {
        final boolean overlapped = parts != null && withLocalStep && source != null;
        final double loss = !withLocalStep ? Double.NaN : overlapped ? partsOfGradient(x, g, source)
            : gradient(x, g, source);
        long t0 = System.nanoTime();
        try {
            if (overlapped) {
                average.finish(g, mean);
            } else {
                average.average(withLocalStep ? g : x, withLocalStep ? mean : x);
            }
        } catch (CommTimeoutException e) {
            throw new CommException(e.within("all-reduce SGD's step " + t));
        }
        t0 = timers.record(Phase.EXCHANGE, t0);
        bytesSent += average.bytesPerCall();
        localStep(x, mean, eta, withLocalStep);
        timers.record(Phase.MIX, t0);
        return loss;
    }

    /** The gradient through the source, its parts' buckets started as the model reports them (timed as the gradient). */
    private double partsOfGradient(float[] x, float[] g, GradientSource source) {
        final long t0 = System.nanoTime();
        parts.g = g;
        final double loss;
        try {
            loss = source.compute(x, g, parts);
        } finally {
            parts.g = null;
        }
        timers.record(Phase.GRADIENT, t0);
        return loss;
    }

    /** Takes the model's parts of the gradient into the average's buckets, and moves the started ones along. */
    private final class Parts implements GradientParts {
        /** The gradient being computed. */
        float[] g;

        @Override
        public void ready(int from, int to) {
            average.ready(g, from, to);
        }

        @Override
        public void run() {
            average.advance();
        }
    }

    /** Bytes of a bandwidth-optimal all-reduce, 2 (n-1)/n of the vector a step (modelled, not counted). */
    @Override
    long bytesSent() {
        return bytesSent;
    }

    @Override
    protected void vectors(State s) {
        // every rank holds the same model (its caller's) and the momentum (the local step's): nothing else
    }
}
