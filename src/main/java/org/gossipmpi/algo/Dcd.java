package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.collective.NeighborExchange;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.metrics.PhaseTimers.Phase;

/**
 * DCD-PSGD (Tang et al. 2018, difference compression):
 * <pre>
 *   x^{t+1/2} = sum_j w_ij x_j^t - eta_t g_i
 *   z_i = x^{t+1/2} - x_i^t                          send C(z_i)
 *   x_j^{t+1} = x_j^t + C(z_j)   for j = i and every neighbour j
 * </pre>
 * The neighbours' replicas enter only through m_i = sum_{j in N(i)} w_ij x_j, so m_i is kept instead of the
 * replicas (the same values, linear in the updates, memory independent of the degree): m_i += sum w_ij C(z_j).
 * m_i starts as (1 - w_ii) x^0 at the first step (every rank starts from the same x^0). Needs a static graph.
 * With overlap, the next gradient (at x^{t+1} = x^t + C(z_i), known before the exchange) is computed while
 * C(z_i) travels.
 */
final class Dcd extends Update {
    private final boolean overlap;
    private final float[] neighbours;
    private final float[] z;
    private boolean started;

    Dcd(NeighborExchange exchange, LocalStep local, PhaseTimers timers, int d, boolean overlap) {
        super(exchange, local, timers, d);
        this.overlap = overlap;
        this.neighbours = new float[d];
        this.z = new float[d];
    }

    @Override
    String name() {
        return "dcd";
    }

    @Override
    double step(long t, float[] x, float[] g, GradientSource source, float eta, boolean withLocalStep) {
        if (!started) {
            Starts.neighbours(x, exchange.selfWeight(0), neighbours);
            started = true;
        }
        final double loss = withLocalStep ? gradientOfThisStep(x, g, source) : Double.NaN;
        long t0 = System.nanoTime();
        final float self = (float) exchange.selfWeight(t);
        // z = (w_ii x + m) - eta d(g) - x, with the local step's direction d(g) (plain or momentum)
        for (int i = 0; i < d; i++) {
            z[i] = self * x[i] + neighbours[i];
        }
        localStep(z, g, eta, withLocalStep);
        for (int i = 0; i < d; i++) {
            z[i] -= x[i];
        }
        exchange.encode(t, z);
        exchange.start(t); // the payload travels while this rank decodes its own copy
        exchange.decodeOwn(1f, x);
        t0 = timers.record(Phase.COMPRESS, t0);
        if (overlap && withLocalStep) {
            prefetchGradient(x, g, source);
        }
        t0 = System.nanoTime();
        exchange.finish(t, neighbours, 1f);
        timers.record(Phase.EXCHANGE, t0);
        return loss;
    }

    @Override
    protected void vectors(State s) {
        started = s.flag("started", started);
        s.floats("neighbours", neighbours);
    }
}
