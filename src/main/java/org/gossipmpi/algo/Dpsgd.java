package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.collective.NeighborExchange;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.metrics.PhaseTimers.Phase;
import org.gossipmpi.model.Model;

/**
 * D-PSGD (Lian et al. 2017): x_i^{t+1} = sum_j w_ij x_j^t - eta_t g_i, exchanging x exactly (fp32).
 * The gradient at x^t does not depend on the exchange, so with overlap it is computed while x^t travels.
 */
public final class Dpsgd extends DecentralizedSgd {
    private final boolean overlap;

    Dpsgd(Model model, MinibatchSampler sampler, LearningRate lr, LocalStep local, NeighborExchange exchange,
          PhaseTimers timers, long seed, boolean overlap) {
        super(model, sampler, lr, local, exchange, timers, seed);
        this.overlap = overlap;
    }

    @Override
    public String name() {
        return "dpsgd";
    }

    @Override
    public double step(long t) {
        long t0 = System.nanoTime();
        double loss = 0;
        if (!overlap) {
            loss = gradient();
            t0 = System.nanoTime();
        }
        exchange.encode(t, x);
        t0 = timers.record(Phase.COMPRESS, t0);
        exchange.start(t);
        if (overlap) {
            loss = overlappedGradient(); // while x^t travels to the neighbours
        }
        t0 = System.nanoTime();
        // x^t is in the send buffer and the gradient is done: mix in place, w_ii x_i + sum_j w_ij x_j.
        final float self = (float) exchange.selfWeight(t);
        for (int i = 0; i < d; i++) {
            x[i] *= self;
        }
        exchange.finish(t, x, 1f);
        t0 = timers.record(Phase.EXCHANGE, t0);
        local.apply(x, g, (float) lr.at(t));
        timers.record(Phase.MIX, t0);
        return loss;
    }

    @Override
    protected void vectors(State s) {
        // x and the momentum, in the base class: D-PSGD keeps nothing else between steps
    }
}
