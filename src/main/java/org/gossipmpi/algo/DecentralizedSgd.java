package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.State;
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
        this.progress = exchange::progress;
    }

    /** Moves the messages in flight along between the pieces of an overlapped gradient. */
    private final Runnable progress;
    private boolean prefetched;
    private double prefetchedLoss;

    /**
     * The gradient of this step: the one {@link #prefetchGradient} computed during the previous step's
     * exchange, or computed now.
     */
    protected final double gradientOfThisStep() {
        if (prefetched) {
            prefetched = false;
            return prefetchedLoss;
        }
        return gradient();
    }

    /**
     * With overlap: computes the next step's gradient now (x already holds x^{t+1}), while this step's
     * messages travel; the next {@link #gradientOfThisStep} returns it. The same numbers either way.
     */
    protected final void prefetchGradient() {
        prefetchedLoss = overlappedGradient();
        prefetched = true;
    }

    /** The weighted sum of the neighbours' initial models, sum_{j != i} w_ij x_j^0 = (1 - w_ii) x^0. */
    protected final float[] neighboursAtStart() {
        final float[] m = new float[d];
        final float others = (float) (1 - exchange.selfWeight(0)); // x_j^0 = x_i^0 on every rank
        for (int i = 0; i < d; i++) {
            m[i] = others * x[i];
        }
        return m;
    }

    /** g = the minibatch gradient at x; returns the minibatch loss. */
    protected final double gradient() {
        final long t0 = System.nanoTime();
        final double loss = model.lossAndGradient(x, sampler.next(), g);
        timers.record(Phase.GRADIENT, t0);
        return loss;
    }

    /**
     * {@link #gradient()} while this step's messages are in flight: between its matrix products it lets the
     * exchange move them along ({@link NeighborExchange#progress}). The same numbers as {@link #gradient()}.
     */
    protected final double overlappedGradient() {
        final long t0 = System.nanoTime();
        final double loss = model.lossAndGradient(x, sampler.next(), g, progress);
        timers.record(Phase.GRADIENT, t0);
        return loss;
    }

    /**
     * The model, the gradient (a prefetched one is the next step's), the local step's momentum, the sampler,
     * the byte counter, then the algorithm's own vectors ({@link #vectors}).
     */
    @Override
    public final void state(State s) {
        s.floats("x", x);
        s.floats("g", g);
        prefetched = s.flag("prefetched", prefetched);
        prefetchedLoss = s.doubleValue("prefetched_loss", prefetchedLoss);
        local.state(s);
        sampler.state(s);
        exchange.restoreBytesSent(s.longValue("bytes_sent", exchange.bytesSent()));
        vectors(s);
    }

    /** The algorithm's own vectors, for {@link #state}. */
    protected abstract void vectors(State s);

    @Override
    public final float[] model() {
        return x;
    }

    @Override
    public final long bytesSent() {
        return exchange.bytesSent();
    }
}
