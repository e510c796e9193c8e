package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.collective.NeighborExchange;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.metrics.PhaseTimers.Phase;
import org.gossipmpi.model.Model;

/**
 * ECD-PSGD (Tang et al. 2018, extrapolation compression), with t+1 for the paper's t so step 0 is defined:
 * <pre>
 *   x_i^{t+1} = sum_j w_ij y_j^t - eta_t g_i
 *   z_i = (1 - (t+1)/2) x_i^t + ((t+1)/2) x_i^{t+1}       send C(z_i)
 *   y_j^{t+1} = (1 - 2/(t+1)) y_j^t + (2/(t+1)) C(z_j)    for j = i and every neighbour j
 * </pre>
 * The neighbours' estimates enter only through Y_i = sum_{j in N(i)} w_ij y_j, which is kept instead (linear
 * in the updates). Needs a static graph; y^0 = x^0 on every rank. With overlap, the next gradient (at
 * x^{t+1}, known before the exchange) is computed while C(z_i) travels.
 */
public final class Ecd extends DecentralizedSgd {
    private final boolean overlap;
    private final float[] own;
    private final float[] neighbours;
    private final float[] z;

    Ecd(Model model, MinibatchSampler sampler, LearningRate lr, LocalStep local, NeighborExchange exchange,
        PhaseTimers timers, long seed, boolean overlap) {
        super(model, sampler, lr, local, exchange, timers, seed);
        this.overlap = overlap;
        this.own = x.clone();
        this.neighbours = neighboursAtStart();
        this.z = new float[d];
    }

    @Override
    public String name() {
        return "ecd";
    }

    @Override
    public double step(long t) {
        final double loss = gradientOfThisStep();
        long t0 = System.nanoTime();
        final float self = (float) exchange.selfWeight(t);
        final float half = (t + 1) / 2f;
        // z holds x^{t+1} first, then the extrapolation; x keeps x^t until z is formed.
        for (int i = 0; i < d; i++) {
            z[i] = self * own[i] + neighbours[i];
        }
        local.apply(z, g, (float) lr.at(t));
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
        if (overlap) {
            prefetchGradient();
        }
        t0 = System.nanoTime();
        exchange.finish(t, neighbours, b);
        timers.record(Phase.EXCHANGE, t0);
        return loss;
    }

    @Override
    protected void vectors(State s) {
        s.floats("own", own);
        s.floats("neighbours", neighbours);
    }
}
