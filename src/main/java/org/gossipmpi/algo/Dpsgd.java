package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.collective.NeighborExchange;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.metrics.PhaseTimers.Phase;

/**
 * D-PSGD (Lian et al. 2017): x_i^{t+1} = sum_j w_ij x_j^t - eta_t g_i, exchanging x exactly (fp32, or fp16).
 * The gradient at x^t does not depend on the exchange, so with overlap it is computed while x^t travels.
 */
final class Dpsgd extends Update {
    private final boolean overlap;

    Dpsgd(NeighborExchange exchange, LocalStep local, PhaseTimers timers, int d, boolean overlap) {
        super(exchange, local, timers, d);
        this.overlap = overlap;
    }

    @Override
    String name() {
        return "dpsgd";
    }

    @Override
    double step(long t, float[] x, float[] g, GradientSource source, float eta, boolean withLocalStep) {
        double loss = Double.NaN;
        if (!overlap && withLocalStep) {
            loss = gradient(x, g, source);
        }
        long t0 = System.nanoTime();
        exchange.encode(t, x);
        t0 = timers.record(Phase.COMPRESS, t0);
        exchange.start(t);
        if (overlap && withLocalStep) {
            loss = overlappedGradient(x, g, source); // while x^t travels to the neighbours
        }
        t0 = System.nanoTime();
        // x^t is in the send buffer and the gradient is done: mix in place, w_ii x_i + sum_j w_ij x_j.
        final float self = (float) exchange.selfWeight(t);
        for (int i = 0; i < d; i++) {
            x[i] *= self;
        }
        exchange.finish(t, x, 1f);
        t0 = timers.record(Phase.EXCHANGE, t0);
        localStep(x, g, eta, withLocalStep);
        timers.record(Phase.MIX, t0);
        return loss;
    }

    @Override
    protected void vectors(State s) {
        // D-PSGD keeps nothing between steps but the model (its caller's) and the momentum (the local step's)
    }
}
