package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.collective.NeighborExchange;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.metrics.PhaseTimers.Phase;

/**
 * DeepSqueeze (Tang et al. 2019, error-compensated): with error memory delta_i,
 * <pre>
 *   v_i = x_i^t - eta_t g_i                                        (mix: v_i = x_i^t)
 *   c_i = C(v_i + delta_i);  delta_i = v_i + delta_i - c_i       send c_i
 *   x_i^{t+1} = v_i + gamma sum_j (w_ij - [i = j]) c_j
 * </pre>
 */
final class DeepSqueeze extends Update {
    private final float gamma;
    private final float[] delta;

    DeepSqueeze(NeighborExchange exchange, LocalStep local, PhaseTimers timers, int d, double gamma) {
        super(exchange, local, timers, d);
        this.gamma = (float) gamma;
        this.delta = new float[d];
    }

    @Override
    String name() {
        return "deepsqueeze";
    }

    @Override
    double step(long t, float[] x, float[] g, GradientSource source, float eta, boolean withLocalStep) {
        final double loss = withLocalStep ? gradient(x, g, source) : Double.NaN;
        long t0 = System.nanoTime();
        localStep(x, g, eta, withLocalStep); // x now holds v
        for (int i = 0; i < d; i++) {
            delta[i] += x[i];
        }
        exchange.encode(t, delta);
        exchange.start(t); // the payload travels while this rank decodes its own copy
        exchange.decodeOwn(-1f, delta, (float) (gamma * (exchange.selfWeight(t) - 1)), x);
        t0 = timers.record(Phase.COMPRESS, t0);
        exchange.finish(t, x, gamma);
        timers.record(Phase.EXCHANGE, t0);
        return loss;
    }

    @Override
    protected void vectors(State s) {
        s.floats("delta", delta);
    }
}
