package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.collective.NeighborExchange;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.metrics.PhaseTimers.Phase;

/**
 * CHOCO-SGD (Koloskova et al. 2019, Algorithm 1), and CHOCO-Gossip (the same without the gradient step).
 * Three vectors whatever the degree: x_i (the caller's), the public copy xhat_i, and s_i = sum_j w_ij xhat_j
 * (self included):
 * <pre>
 *   x^{t+1/2} = x^t - eta_t g_i                      (gossip, or mix: x^{t+1/2} = x^t)
 *   q_i = Q(x^{t+1/2} - xhat_i)                      send q_i
 *   xhat_i += q_i
 *   s_i += w_ii q_i + sum_{j in N(i)} w_ij q_j
 *   x^{t+1} = x^{t+1/2} + gamma (s_i - xhat_i)
 * </pre>
 * Initially xhat = s = 0. q_i is decoded from this rank's own payload, so xhat_i is exactly what the
 * neighbours add.
 */
final class ChocoSgd extends Update {
    private final boolean gossipOnly;
    private final float gamma;
    private final float[] xhat;
    private final float[] s;
    private final float[] diff;

    ChocoSgd(NeighborExchange exchange, LocalStep local, PhaseTimers timers, int d, double gamma, boolean gossipOnly) {
        super(exchange, local, timers, d);
        this.gossipOnly = gossipOnly;
        this.gamma = (float) gamma;
        this.xhat = new float[d];
        this.s = new float[d];
        // x - xhat written out only for a compressor that cannot read the two itself
        this.diff = exchange.compressor().encodesDifferences() ? null : new float[d];
    }

    @Override
    String name() {
        return gossipOnly ? "choco-gossip" : "choco";
    }

    @Override
    double step(long t, float[] x, float[] g, GradientSource source, float eta, boolean withLocalStep) {
        final boolean localStep = withLocalStep && !gossipOnly;
        final double loss = localStep ? gradient(x, g, source) : Double.NaN;
        long t0 = System.nanoTime();
        if (diff == null) { // the compressor reads x^{t+1/2} and xhat_i and takes their difference itself
            if (localStep) {
                local.apply(x, g, eta);
            }
            exchange.encodeDifference(t, x, xhat);
        } else {
            if (localStep) {
                local.apply(x, g, eta, xhat, diff); // x^{t+1/2} and x^{t+1/2} - xhat_i in one pass
            } else {
                for (int i = 0; i < d; i++) {
                    diff[i] = x[i] - xhat[i];
                }
            }
            exchange.encode(t, diff);
        }
        exchange.start(t); // the payload travels while this rank decodes its own copy
        exchange.decodeOwn(1f, xhat, (float) exchange.selfWeight(t), s);
        t0 = timers.record(Phase.COMPRESS, t0);
        exchange.finish(t, s, 1f);
        t0 = timers.record(Phase.EXCHANGE, t0);
        for (int i = 0; i < d; i++) {
            x[i] += gamma * (s[i] - xhat[i]);
        }
        timers.record(Phase.MIX, t0);
        return loss;
    }

    @Override
    protected void vectors(State st) {
        st.floats("xhat", xhat);
        st.floats("s", s);
    }
}
