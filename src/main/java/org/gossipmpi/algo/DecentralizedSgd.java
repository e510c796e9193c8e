package org.gossipmpi.algo;

import org.gossipmpi.collective.NeighborExchange;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.metrics.PhaseTimers.Phase;
import org.gossipmpi.model.Model;

/**
 * What the decentralized algorithms share: the model x_i (identical x^0 on every rank, from the seed), the
 * minibatch gradient g_i at x_i, the step sizes, the neighbour exchange and the phase timers. Subclasses
 * implement the update rules of DESIGN.md section 7 on preallocated vectors.
 */
abstract class DecentralizedSgd implements Algorithm {
    protected final Model model;
    protected final MinibatchSampler sampler;
    protected final LearningRate lr;
    protected final LocalStep local;
    protected final NeighborExchange exchange;
    protected final PhaseTimers timers;
    protected final int d;
    protected final float[] x;
    protected final float[] g;

    DecentralizedSgd(Model model, MinibatchSampler sampler, LearningRate lr, LocalStep local,
                     NeighborExchange exchange, PhaseTimers timers, long seed) {
        this.model = model;
        this.sampler = sampler;
        this.lr = lr;
        this.local = local;
        this.exchange = exchange;
        this.timers = timers;
        this.d = model.dimension();
        this.x = new float[d];
        this.g = new float[d];
        model.initialize(x, seed);
    }

    /** g = the minibatch gradient at x; returns the minibatch loss. */
    protected final double gradient() {
        final long t0 = System.nanoTime();
        final double loss = model.lossAndGradient(x, sampler.next(), g);
        timers.record(Phase.GRADIENT, t0);
        return loss;
    }

    @Override
    public final float[] model() {
        return x;
    }

    @Override
    public final long bytesSent() {
        return exchange.bytesSent();
    }
}
