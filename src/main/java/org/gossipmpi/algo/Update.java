package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.checkpoint.Stateful;
import org.gossipmpi.collective.NeighborExchange;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.metrics.PhaseTimers.Phase;
import org.gossipmpi.model.Model;

/**
 * One rank's side of an algorithm's step (README.md, Training) over vectors its caller owns: the model x_i and
 * the minibatch gradient g_i at it. A subclass holds the algorithm's own vectors (CHOCO's xhat and s, DCD's
 * neighbour sum, ...), allocated once, and what the next step depends on is its {@link #state}.
 *
 * <p>The gradient comes in one of two ways: already in {@code g} ({@code source} null), or computed by the
 * update through {@code source} into {@code g} when the rule needs it, which lets D-PSGD, DCD and ECD compute it
 * while messages travel (overlap). With {@code local} false the update skips its local step (x^{t+1/2} = x^t):
 * what a caller that ran its own optimizer before the exchange asks for ({@code mix}).
 */
abstract class Update implements Stateful {
    protected final NeighborExchange exchange;
    protected final PhaseTimers timers;
    protected final LocalStep local;
    protected final int d;
    private final Runnable progress;
    private boolean prefetched;
    private double prefetchedLoss;

    Update(NeighborExchange exchange, LocalStep local, PhaseTimers timers, int d) {
        this(exchange, exchange == null ? Model.NOTHING_BETWEEN : exchange::progress, local, timers, d);
    }

    /** With {@code progress}: what {@link #overlappedGradient} runs between the gradient's pieces. */
    Update(NeighborExchange exchange, Runnable progress, LocalStep local, PhaseTimers timers, int d) {
        this.exchange = exchange;
        this.local = local;
        this.timers = timers;
        this.d = d;
        this.progress = progress;
    }

    /**
     * Step t: {@code x} (modified) becomes x^{t+1}. Returns the minibatch loss the source reported (NaN when
     * {@code g} was given).
     *
     * @param g      the gradient at x^t when {@code source} is null (not modified), else where the source writes it
     * @param source null, or where the gradient comes from when the update needs it
     * @param eta    the learning rate eta_t of the local step
     * @param withLocalStep false: no local step (x^{t+1/2} = x^t), the caller has made its own
     */
    abstract double step(long t, float[] x, float[] g, GradientSource source, float eta, boolean withLocalStep);

    /** The name {@code algorithm} uses. */
    abstract String name();

    /** Bytes this rank has put on the wire so far. */
    long bytesSent() {
        return exchange.bytesSent();
    }

    /** The gradient of this step: the one {@link #prefetchGradient} computed during the previous step, or now. */
    protected final double gradientOfThisStep(float[] x, float[] g, GradientSource source) {
        if (prefetched) {
            prefetched = false;
            return prefetchedLoss;
        }
        return gradient(x, g, source);
    }

    /** g = the minibatch gradient at x, through the source (timed); NaN and nothing done without one. */
    protected final double gradient(float[] x, float[] g, GradientSource source) {
        if (source == null) {
            return Double.NaN;
        }
        final long t0 = System.nanoTime();
        final double loss = source.compute(x, g, Model.NOTHING_BETWEEN);
        timers.record(Phase.GRADIENT, t0);
        return loss;
    }

    /** {@link #gradient} while this step's messages are in flight: between its pieces the exchange moves them on. */
    protected final double overlappedGradient(float[] x, float[] g, GradientSource source) {
        if (source == null) {
            return Double.NaN;
        }
        final long t0 = System.nanoTime();
        final double loss = source.compute(x, g, progress);
        timers.record(Phase.GRADIENT, t0);
        return loss;
    }

    /**
     * With overlap: computes the next step's gradient now (x already holds x^{t+1}), while this step's messages
     * travel; the next {@link #gradientOfThisStep} returns it. The same numbers either way.
     */
    protected final void prefetchGradient(float[] x, float[] g, GradientSource source) {
        if (source != null) {
            prefetchedLoss = overlappedGradient(x, g, source);
            prefetched = true;
        }
    }

    /** The local step, when asked for: x -= eta d(g) (plain or with momentum). */
    protected final void localStep(float[] target, float[] g, float eta, boolean withLocalStep) {
        if (withLocalStep) {
            local.apply(target, g, eta);
        }
    }

    /** The prefetch (flag and loss; the gradient itself is the optimizer's), then the algorithm's vectors. */
    @Override
    public final void state(State s) {
        prefetched = s.flag("prefetched", prefetched);
        prefetchedLoss = s.doubleValue("prefetched_loss", prefetchedLoss);
        vectors(s);
    }

    /** The algorithm's own vectors and flags, for {@link #state}. */
    protected abstract void vectors(State s);
}
