package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.collective.NeighborExchange;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.metrics.PhaseTimers.Phase;

/**
 * ECD-PSGD (Tang et al. 2018, extrapolation compression), with t+1 for the paper's t so step 0 is defined:
 * <pre>
 *   x_i^{t+1} = sum_j w_ij y_j^t - eta_t g_i
 *   z_i = (1 - (t+1)/2) x_i^t + ((t+1)/2) x_i^{t+1}       send C(z_i)
 *   y_j^{t+1} = (1 - 2/(t+1)) y_j^t + (2/(t+1)) C(z_j)    for j = i and every neighbour j
 * </pre>
 * The neighbours' estimates enter only through Y_i = sum_{j in N(i)} w_ij y_j, which is kept instead (linear
 * in the updates). Needs a static graph; y^0 = x^0 on every rank, taken at the first step. With overlap, the
 * next gradient (at x^{t+1}, known before the exchange) is computed while C(z_i) travels.
 */
final class Ecd extends Update {
    private final boolean overlap;
    private final float[] own;
    private final float[] neighbours;
    private final float[] z;
    private boolean started;

    Ecd(NeighborExchange exchange, LocalStep local, PhaseTimers timers, int d, boolean overlap) {
        super(exchange, local, timers, d);
        this.overlap = overlap;
        this.own = new float[d];
        this.neighbours = new float[d];
        this.z = new float[d];
    }

    @Override
    String name() {
        return "ecd";
    }

    @Override
    double step(long t, float[] x, float[] g, GradientSource source, float eta, boolean withLocalStep) {
        if (!started) {
            System.arraycopy(x, 0, own, 0, d);
            Starts.neighbours(x, exchange.selfWeight(0), neighbours);
            started = true;
        }
        final double loss = withLocalStep ? gradientOfThisStep(x, g, source) : Double.NaN;
        long t0 = System.nanoTime();
        final float self = (float) exchange.selfWeight(t);
        final float half = (t + 1) / 2f;
        // z holds x^{t+1} first, then the extrapolation; x keeps x^t until z is formed.
        for (int i = 0; i < d; i++) {
            z[i] = self * own[i] + neighbours[i];
        }
        localStep(z, g, eta, withLocalStep);
        for (int i = 0; i < d; i++) {
            final float next = z[i];
            z[i] = (1 - half) * x[i] + half * next;
            x[i] = next;
        }
        exchange.encode(t, z);
        exchange.start(t); // the payload travels while this rank decodes its own copy
        final float b = 2f / (t + 1);
        final float a = 1 - b;
        for (int i = 0; i < d; i++) {
            own[i] *= a;
            neighbours[i] *= a;
        }
        exchange.decodeOwn(b, own);
        t0 = timers.record(Phase.COMPRESS, t0);
        if (overlap && withLocalStep) {
            prefetchGradient(x, g, source);
        }
        t0 = System.nanoTime();
        exchange.finish(t, neighbours, b);
        timers.record(Phase.EXCHANGE, t0);
        return loss;
    }

    @Override
    protected void vectors(State s) {
        started = s.flag("started", started);
        s.floats("own", own);
        s.floats("neighbours", neighbours);
    }
}
