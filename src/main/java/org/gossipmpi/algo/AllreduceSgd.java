package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.collective.AllreduceAverage;
import org.gossipmpi.comm.Communicator;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.metrics.PhaseTimers.Phase;
import org.gossipmpi.model.Model;

/**
 * The centralized baseline: g = (1/n) sum_i g_i by all-reduce, x^{t+1} = x^t - eta_t g (optionally with
 * momentum). Every rank holds the same x. With one rank this is plain minibatch SGD.
 */
public final class AllreduceSgd implements Algorithm {
    private final Model model;
    private final MinibatchSampler sampler;
    private final LearningRate lr;
    private final LocalStep local;
    private final AllreduceAverage average;
    private final float[] x;
    private final float[] g;
    private long bytesSent;

    private final PhaseTimers timers;

    public AllreduceSgd(Communicator comm, Model model, MinibatchSampler sampler, LearningRate lr, LocalStep local,
                        long seed, PhaseTimers timers) {
        this.timers = timers;
        this.model = model;
        this.sampler = sampler;
        this.lr = lr;
        this.local = local;
        this.x = new float[model.dimension()];
        this.g = new float[model.dimension()];
        this.average = new AllreduceAverage(comm, model.dimension());
        model.initialize(x, seed); // the same seed on every rank: x^0 identical everywhere
    }

    @Override
    public String name() {
        return "allreduce";
    }

    @Override
    public double step(long t) {
        long t0 = System.nanoTime();
        final double loss = model.lossAndGradient(x, sampler.next(), g);
        t0 = timers.record(Phase.GRADIENT, t0);
        try {
            average.average(g);
        } catch (org.gossipmpi.comm.CommTimeoutException e) {
            throw new org.gossipmpi.comm.CommException(Training.within(e, "all-reduce SGD's step " + t));
        }
        bytesSent += average.bytesPerCall();
        t0 = timers.record(Phase.EXCHANGE, t0);
        local.apply(x, g, (float) lr.at(t));
        timers.record(Phase.MIX, t0);
        return loss;
    }

    @Override
    public void state(State s) {
        s.floats("x", x);
        local.state(s);
        sampler.state(s);
        bytesSent = s.longValue("bytes_sent", bytesSent);
    }

    @Override
    public float[] model() {
        return x;
    }

    @Override
    public long bytesSent() {
        return bytesSent;
    }
}
