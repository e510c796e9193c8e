package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.collective.AllreduceAverage;
import org.gossipmpi.comm.CommException;
import org.gossipmpi.comm.CommTimeoutException;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.metrics.PhaseTimers.Phase;

/**
 * The centralized baseline: g = (1/n) sum_i g_i by all-reduce, x^{t+1} = x^t - eta_t g (optionally with
 * momentum). Every rank holds the same x. With one rank this is plain minibatch SGD. Its mix (a caller's own
 * optimizer before it) averages the models instead: x^{t+1} = (1/n) sum_i x_i.
 */
final class AllreduceSgd extends Update {
    private final AllreduceAverage average;
    private final float[] mean;
    private long bytesSent;

    AllreduceSgd(AllreduceAverage average, LocalStep local, PhaseTimers timers, int d) {
        super(null, local, timers, d);
        this.average = average;
        this.mean = new float[d];
    }

    @Override
    String name() {
        return "allreduce";
    }

    @Override
    double step(long t, float[] x, float[] g, GradientSource source, float eta, boolean withLocalStep) {
        final double loss = withLocalStep ? gradient(x, g, source) : Double.NaN;
        long t0 = System.nanoTime();
        try {
            average.average(withLocalStep ? g : x, withLocalStep ? mean : x);
        } catch (CommTimeoutException e) {
            throw new CommException(e.within("all-reduce SGD's step " + t));
        }
        t0 = timers.record(Phase.EXCHANGE, t0);
        bytesSent += average.bytesPerCall();
        localStep(x, mean, eta, withLocalStep);
        timers.record(Phase.MIX, t0);
        return loss;
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
