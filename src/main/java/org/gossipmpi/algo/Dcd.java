package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.collective.NeighborExchange;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.metrics.PhaseTimers.Phase;
import org.gossipmpi.model.Model;

/**
 * DCD-PSGD (Tang et al. 2018, difference compression):
 * <pre>
 *   x^{t+1/2} = sum_j w_ij x_j^t - eta_t g_i
 *   z_i = x^{t+1/2} - x_i^t                          send C(z_i)
 *   x_j^{t+1} = x_j^t + C(z_j)   for j = i and every neighbour j
 * </pre>
 * The neighbours' replicas enter only through m_i = sum_{j in N(i)} w_ij x_j, so m_i is kept instead of the
 * replicas (the same values, linear in the updates, memory independent of the degree): m_i += sum w_ij C(z_j).
 * Needs a static graph. With overlap, the next gradient (at x^{t+1} = x^t + C(z_i), known before the
 * exchange) is computed while C(z_i) travels.
 */
public final class Dcd extends DecentralizedSgd {
    private final boolean overlap;
    private final float[] neighbours;
    private final float[] z;

    Dcd(Model model, MinibatchSampler sampler, LearningRate lr, LocalStep local, NeighborExchange exchange,
        PhaseTimers timers, long seed, boolean overlap) {
        super(model, sampler, lr, local, exchange, timers, seed);
        this.overlap = overlap;
        this.neighbours = neighboursAtStart();
        this.z = new float[d];
    }

    @Override
    public String name() {
        return "dcd";
    }

    @Override
    public double step(long t) {
        final double loss = gradientOfThisStep();
        long t0 = System.nanoTime();
        final float self = (float) exchange.selfWeight(t);
        final float eta = (float) lr.at(t);
        // z = (w_ii x + m) - eta d(g) - x, with the local step's direction d(g) (plain or momentum)
        for (int i = 0; i < d; i++) {
            z[i] = self * x[i] + neighbours[i];
        }
        local.apply(z, g, eta);
        for (int i = 0; i < d; i++) {
            z[i] -= x[i];
        }
        exchange.encode(t, z);
        exchange.start(t); // the payload travels while this rank decodes its own copy
        exchange.decodeOwn(1f, x);
        t0 = timers.record(Phase.COMPRESS, t0);
        if (overlap) {
            prefetchGradient();
        }
        t0 = System.nanoTime();
        exchange.finish(t, neighbours, 1f);
        timers.record(Phase.EXCHANGE, t0);
        return loss;
    }

    @Override
    protected void vectors(State s) {
        s.floats("neighbours", neighbours);
    }
}
