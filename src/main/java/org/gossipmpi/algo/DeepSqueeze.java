package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.collective.NeighborExchange;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.metrics.PhaseTimers.Phase;
import org.gossipmpi.model.Model;

/**
 * DeepSqueeze (Tang et al. 2019, error-compensated): with error memory delta_i,
 * <pre>
 *   v_i = x_i^t - eta_t g_i
 *   c_i = C(v_i + delta_i);  delta_i = v_i + delta_i - c_i       send c_i
 *   x_i^{t+1} = v_i + gamma sum_j (w_ij - [i = j]) c_j
 * </pre>
 */
public final class DeepSqueeze extends DecentralizedSgd {
    private final float gamma;
    private final float[] delta;

    DeepSqueeze(Model model, MinibatchSampler sampler, LearningRate lr, LocalStep local, NeighborExchange exchange,
                PhaseTimers timers, long seed, double gamma) {
        super(model, sampler, lr, local, exchange, timers, seed);
        this.gamma = (float) gamma;
        this.delta = new float[d];
    }

    @Override
    public String name() {
        return "deepsqueeze";
    }

    @Override
    public double step(long t) {
        final double loss = gradient();
        long t0 = System.nanoTime();
        local.apply(x, g, (float) lr.at(t)); // x now holds v
        for (int i = 0; i < d; i++) {
            delta[i] += x[i];
        }
        exchange.encode(t, delta);
        exchange.start(t); // the payload travels while this rank decodes its own copy
        exchange.decodeOwn(-1f, delta);
        exchange.decodeOwn((float) (gamma * (exchange.selfWeight(t) - 1)), x);
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
