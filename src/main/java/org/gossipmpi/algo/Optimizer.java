package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.State;
import org.gossipmpi.checkpoint.Stateful;
import org.gossipmpi.collective.AllreduceAverage;
import org.gossipmpi.collective.NeighborExchange;
import org.gossipmpi.comm.Agreement;
import org.gossipmpi.comm.Communicator;
import org.gossipmpi.compress.CodecThreads;
import org.gossipmpi.compress.Compressor;
import org.gossipmpi.compress.Compressors;
import org.gossipmpi.compress.Quantizer;
import org.gossipmpi.config.SettingException;
import org.gossipmpi.kernel.DeviceChoice;
import org.gossipmpi.kernel.Devices;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.topology.Bipartition;
import org.gossipmpi.topology.Topologies;
import org.gossipmpi.topology.Topology;

/**
 * One rank's decentralized optimizer: an algorithm's exact update ({@link Update}) over the caller's model, with
 * everything it needs built once from checked {@link OptimizerSettings}: the topology, the compressor (on the
 * chosen quantizer and codec threads), the neighbour exchange or the all-reduce, the local step (plain or with
 * momentum), the phase timers and the byte counter. What the public API's {@code Decentralized} runs, and through
 * it the command line's {@code train}.
 *
 * <p>Steady-state steps allocate nothing. Used by one thread, its rank's; every rank of the communicator must make
 * its optimizer at the same point (construction checks that all ranks hold the same settings).
 */
public final class Optimizer implements Stateful, AutoCloseable {
    /** Tags of the settings agreement at construction. */
    private static final int TAG_AGREEMENT = 940;

    private final OptimizerSettings settings;
    private final Communicator comm;
    private final int d;
    private final Topology topology;
    private final Compressor compressor;
    private final CodecThreads threads;
    private final Quantizer quantizer;
    private final DeviceChoice devices;
    private final NeighborExchange exchange;
    private final AllreduceSgd allreduce;
    private final AdPsgd async;
    private final Update update;
    private final LocalStep local;
    private final PhaseTimers timers = new PhaseTimers();
    /** The gradient buffer of steps whose gradient comes from a {@link GradientSource}. */
    private final float[] ownGradient;
    private long bytesSent;
    private double paperBits;
    private long nextStep;

    private Optimizer(OptimizerSettings settings, Communicator comm, int d) {
        if (d < 1) {
            throw new SettingException("dimension", "the model's dimension must be >= 1, got " + d);
        }
        this.settings = settings;
        this.comm = comm;
        this.d = d;
        this.topology = settings.topology() != null ? Topologies.parse(settings.topology(), comm.size())
            : Topologies.fromEdges(settings.topologyName(), comm.size(), settings.edges(), settings.weights());
        this.devices = Devices.choose(settings.device());
        this.quantizer = Devices.quantizer(devices);
        this.threads = CodecThreads.of(settings.codecThreads(), "rank" + comm.rank());
        try {
            this.compressor = Compressors.parse(settings.compressor(), settings.seed(), comm.rank(), quantizer, threads);
            Algorithms.check(settings.algorithm(), topology, compressor, settings.overlap());
            final java.util.List<String[]> fields = new java.util.ArrayList<>(settings.fields());
            fields.add(new String[] {"dimension", Integer.toString(d)});
            fields.add(new String[] {"ranks", Integer.toString(comm.size())});
            fields.add(new String[] {"allreduce", settings.allreduce().id()});
            Agreement.check(comm, TAG_AGREEMENT, fields);
            this.local = new LocalStep(settings.momentumKind(), settings.momentum(), d);
            this.ownGradient = new float[d];
            final String name = settings.algorithm();
            if (name.equals("allreduce")) {
                this.exchange = null;
                this.async = null;
                this.allreduce = new AllreduceSgd(new AllreduceAverage(comm, d, settings.allreduce(), settings.overlap()),
                    local, timers, d);
                this.update = allreduce;
            } else if (name.equals("adpsgd")) {
                this.exchange = null;
                this.allreduce = null;
                this.async = new AdPsgd(comm, Bipartition.of(topology, name), compressor, local, timers, d,
                    settings.seed());
                this.update = async;
            } else {
                this.exchange = new NeighborExchange(comm, topology, compressor, d);
                this.allreduce = null;
                this.async = null;
                this.update = create(name, exchange, local, timers, d, settings);
            }
        } catch (RuntimeException | Error e) {
            threads.close();
            throw e;
        }
    }

    /**
     * Builds this rank's optimizer; every rank calls it with its settings (a collective: they must agree).
     *
     * @param d the model's dimension
     * @throws SettingException naming the setting at fault, when the settings do not fit together, the topology
     *                          or compressor cannot be built, or the ranks were given different settings
     */
    public static Optimizer create(OptimizerSettings settings, Communicator comm, int d) {
        return new Optimizer(settings, comm, d);
    }

    private static Update create(String name, NeighborExchange exchange, LocalStep local, PhaseTimers timers, int d,
                                 OptimizerSettings s) {
        switch (name) {
            case "dpsgd":
                return new Dpsgd(exchange, local, timers, d, s.overlap());
            case "choco":
                return new ChocoSgd(exchange, local, timers, d, s.gamma(), false);
            case "choco-gossip":
                return new ChocoSgd(exchange, local, timers, d, s.gamma(), true);
            case "dcd":
                return new Dcd(exchange, local, timers, d, s.overlap());
            case "ecd":
                return new Ecd(exchange, local, timers, d, s.overlap());
            case "deepsqueeze":
                return new DeepSqueeze(exchange, local, timers, d, s.gamma());
            default:
                throw new IllegalStateException("no update for " + name);
        }
    }

    /**
     * Step t with the gradient {@code g} at {@code x} given: {@code x} becomes x^{t+1}.
     *
     * @param x the model, modified
     * @param g its minibatch gradient, not modified
     */
    public void step(long t, float[] x, float[] g, float eta) {
        checkVectors(x, g);
        if (settings.overlap()) {
            throw new IllegalStateException("overlap computes the gradient while the exchange runs: give the step a"
                + " gradient source, not a computed gradient");
        }
        refuseGossipStep();
        run(t, x, g, null, eta, true);
    }

    /**
     * Step t, the gradient computed through {@code source} when the algorithm needs it (with overlap, while
     * messages travel). Returns the minibatch loss the source reported.
     *
     * @param x the model, modified
     */
    public double step(long t, float[] x, GradientSource source, float eta) {
        checkVectors(x, ownGradient);
        refuseGossipStep();
        return run(t, x, ownGradient, source, eta, true);
    }

    /**
     * The communication of step t after the caller's own local step (adapt, then combine): x is x^{t+1/2} and
     * becomes x^{t+1}; CHOCO-Gossip for choco and choco-gossip, exact averaging for dpsgd, the algorithm's
     * exchange and mixing for the others, model averaging for allreduce.
     */
    public void mix(long t, float[] x) {
        checkVectors(x, ownGradient);
        run(t, x, ownGradient, null, 0f, false);
    }

    /**
     * x = w_ii x + sum_j w_ij Q(x_j) over the neighbours of step t, with this optimizer's topology and compressor
     * (exact with {@code none}); an all-reduce optimizer averages over all ranks. No algorithm state changes.
     */
    public void neighborAverage(long t, float[] x) {
        checkVectors(x, ownGradient);
        if (async != null) {
            throw new SettingException("algorithm", "adpsgd averages pairs of neighbours at their own pace and has no"
                + " synchronous neighbour average: call mix, or build a dpsgd optimizer for it");
        }
        if (exchange == null) {
            final long before = allreduce.bytesSent();
            allreduce.step(t, x, ownGradient, null, 0f, false);
            count(t, allreduce.bytesSent() - before);
            return;
        }
        exchange.encode(t, x);
        count(t, exchange.start(t));
        final float self = (float) exchange.selfWeight(t);
        for (int i = 0; i < d; i++) {
            x[i] *= self;
        }
        exchange.finish(t, x, 1f);
    }

    private double run(long t, float[] x, float[] g, GradientSource source, float eta, boolean withLocalStep) {
        if (t < 0) {
            throw new IllegalArgumentException("step " + t + ": steps count from 0");
        }
        final long start = System.nanoTime();
        final long before = update.bytesSent();
        final double loss = update.step(t, x, g, source, eta, withLocalStep);
        count(t, update.bytesSent() - before);
        timers.recordStep(start);
        return loss;
    }

    /** Counts step t's bytes, and its bits as the papers count them; the next step is t + 1. */
    private void count(long t, long bytes) {
        bytesSent += bytes;
        paperBits += exchange == null ? 8.0 * bytes
            : (double) topology.step(t).sendTo(comm.rank()).length * compressor.paperBits(d);
        nextStep = t + 1;
    }

    private void refuseGossipStep() {
        if (settings.algorithm().equals("choco-gossip")) {
            throw new SettingException("algorithm", "choco-gossip averages without a gradient step: mix every step"
                + " instead of stepping, or use {algorithm} choco");
        }
    }

    private void checkVectors(float[] x, float[] g) {
        if (x.length != d || g.length != d) {
            throw new IllegalArgumentException("rank " + comm.rank() + ": the optimizer was built for " + d
                + " parameters, but got vectors of " + x.length + (g == ownGradient ? "" : " and " + g.length));
        }
    }

    /**
     * Whether the algorithm is asynchronous (adpsgd): ranks step at their own pace, and collectives wait for
     * {@link #pause(float[])}.
     */
    public boolean asynchronous() {
        return async != null;
    }

    /**
     * Ends this rank's asynchronous exchanges so far: when every rank has paused, no message is in flight and x is
     * this rank's own, so ranks may evaluate, checkpoint and call collectives; the next step resumes. Every rank
     * calls it the same number of times. Nothing to do for a synchronous algorithm.
     *
     * @param x the model, the array the steps are given
     */
    public void pause(float[] x) {
        checkVectors(x, ownGradient);
        if (async != null) {
            async.pause(x);
        }
    }

    /** The averagings an asynchronous passive rank has answered and applied so far (0 otherwise): for tests. */
    long averagingsAnswered() {
        return async == null ? 0 : async.answered();
    }

    /** The settings it was built from. */
    public OptimizerSettings settings() {
        return settings;
    }

    /** The model's dimension. */
    public int dimension() {
        return d;
    }

    /** The topology (for all-reduce: the one given, unused). */
    public Topology topology() {
        return topology;
    }

    /** The compressor (for all-reduce and exact D-PSGD: none or fp16). */
    public Compressor compressor() {
        return compressor;
    }

    /** Where the quantizers run, and why. */
    public DeviceChoice devices() {
        return devices;
    }

    /** The quantizer path of the codecs. */
    public Quantizer quantizer() {
        return quantizer;
    }

    /** The codec threads. */
    public int codecThreads() {
        return threads.threads();
    }

    /** The phase timers: gradient (through a source), compress, exchange, mix. */
    public PhaseTimers timers() {
        return timers;
    }

    /** Bytes this rank has put on the wire so far (all-reduce: 2 (n-1)/n of the vector a step, modelled). */
    public long bytesSent() {
        return bytesSent;
    }

    /** Bits sent so far as the papers count them (32 per exact float, each compressor's own count otherwise). */
    public double paperBitsSent() {
        return paperBits;
    }

    /** The step after the last one taken (0 before the first). */
    public long nextStep() {
        return nextStep;
    }

    /** The gradient buffer of source-driven steps: the gradient of the last one (or the prefetched next). */
    public float[] gradient() {
        return ownGradient;
    }

    /**
     * Visits the optimizer's state: the step, the byte counter, the gradient buffer (a prefetched gradient lives
     * there), the momentum, then the algorithm's own vectors.
     */
    @Override
    public void state(State s) {
        nextStep = s.longValue("next_step", nextStep);
        bytesSent = s.longValue("bytes_sent", bytesSent);
        paperBits = s.doubleValue("paper_bits", paperBits);
        s.floats("g", ownGradient);
        local.state(s);
        update.state(s);
    }

    /** Stops the codec threads, and an asynchronous algorithm's responder. */
    @Override
    public void close() {
        try {
            if (async != null) {
                async.close();
            }
        } finally {
            threads.close();
        }
    }
}
