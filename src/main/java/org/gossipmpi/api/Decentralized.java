package org.gossipmpi.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

import org.HdrHistogram.Histogram;
import org.gossipmpi.algo.GradientSource;
import org.gossipmpi.algo.LocalStep;
import org.gossipmpi.algo.Optimizer;
import org.gossipmpi.algo.OptimizerSettings;
import org.gossipmpi.checkpoint.CheckpointException;
import org.gossipmpi.checkpoint.CheckpointFile;
import org.gossipmpi.config.SettingException;
import org.gossipmpi.kernel.Devices;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.topology.MixingStep;

/**
 * A decentralized optimizer on one rank: an algorithm's exact update (the papers', listed in the README's "The
 * algorithms, exactly") over the caller's own model vector, with compressed messages to the rank's neighbours in a
 * communication graph. Built once per rank, collectively (every rank with the same settings), then called every
 * step, in one of two ways:
 * <ul>
 *   <li>{@link #step(long, float[], float[], double)}: the algorithm's whole step, local SGD step included, on the
 *       gradient the caller computed (D-PSGD, CHOCO-SGD, DCD-PSGD, ECD-PSGD, DeepSqueeze, or all-reduce SGD);</li>
 *   <li>{@link #mix(long, float[])} after the caller's own optimizer (Adam, momentum, anything): only the
 *       communication and mixing of the step (adapt, then combine), CHOCO-Gossip with a compressor or exact
 *       averaging with D-PSGD.</li>
 * </ul>
 * <pre>{@code
 * GossipWorld.run(args, world -> {
 *     Decentralized opt = Decentralized.builder(world).algorithm("choco").compressor("topk:0.01")
 *         .topology("ring").gamma(0.05).build(x.length);
 *     world.broadcast(x, 0);                                  // identical start
 *     for (long t = 0; t < steps; t++) {
 *         model.lossAndGradient(x, nextBatch(), g);           // the caller's model
 *         opt.step(t, x, g, lr);                              // x becomes x^{t+1}
 *     }
 *     float[] average = world.average(x);                     // x_bar, for evaluation
 * });
 * }</pre>
 *
 * <p>Costs: a step sends one message to each neighbour of the step (the compressed payload, encoded once) and
 * receives one from each, and allocates nothing once built (buffers and requests are made by {@code build}).
 * Every rank must call step (or mix) with the same t, in order, from 0; a neighbour that does not send within the
 * world's deadline makes the step throw {@link org.gossipmpi.comm.CommException CommException} naming the rank,
 * the neighbour and the step. Used by one thread, its rank's. The asynchronous algorithm ({@code adpsgd}) differs:
 * each rank counts its own steps at its own pace, a passive rank answers its neighbours from a thread of the
 * optimizer's own, and {@link #pause(float[])} is where the ranks meet ({@link #asynchronous()}).
 */
public final class Decentralized implements AutoCloseable {
    /** The phases a step's time is split into. */
    public enum Phase {
        /** The gradient, when the optimizer computes it through a {@link Gradient}. */
        GRADIENT,
        /**
         * Forming and encoding this rank's message, and decoding its own copy; for CHOCO-SGD also its local step,
         * made in the same pass that forms the message.
         */
        COMPRESS,
        /** Sending to and receiving from the neighbours (or the all-reduce), and adding their messages. */
        EXCHANGE,
        /** The mixing and local update after the exchange. */
        MIX
    }

    private final Optimizer impl;
    private final int rank;
    private final int ranks;
    /** The caller's {@link Gradient} of the step in progress, seen by the optimizer as its source. */
    private Gradient current;
    private final GradientSource source = (x, g, progress) -> current.compute(x, g, progress);

    private Decentralized(Optimizer impl, int rank, int ranks) {
        this.impl = impl;
        this.rank = rank;
        this.ranks = ranks;
    }

    /**
     * A builder of this rank's optimizer, with the defaults the builder's methods list.
     *
     * @param world the job the optimizer's messages go through
     * @return a new builder
     */
    public static Builder builder(GossipWorld world) {
        return new Builder(world);
    }

    /**
     * Step t of the algorithm, on the gradient the caller computed: {@code x} becomes x^{t+1}. For D-PSGD,
     * x^{t+1} = sum_j w_ij x_j^t - lr g; for CHOCO-SGD, x^{t+1/2} = x^t - lr g then the compressed gossip; for
     * all-reduce SGD, x^{t+1} = x^t - lr (1/n) sum_i g_i; and so on (each with momentum when built with it).
     *
     * @param t  the step, from 0, the same on every rank
     * @param x  this rank's model, modified
     * @param g  the minibatch gradient at x, not modified
     * @param lr the learning rate of this step
     * @throws IllegalStateException for an optimizer built with {@code overlap} (it needs a {@link Gradient})
     */
    public void step(long t, float[] x, float[] g, double lr) {
        impl.step(t, x, g, (float) lr);
    }

    /**
     * Step t of the algorithm, the gradient computed by {@code gradient} when the algorithm needs it: with
     * {@code overlap}, D-PSGD computes it while x^t travels, DCD and ECD compute the next step's while this step's
     * messages travel, all-reduce SGD sums its buckets while the gradient is computed. The numbers are the same as {@link #step(long, float[], float[], double)}'s on the same
     * gradients.
     *
     * @param t        the step, from 0, the same on every rank
     * @param x        this rank's model, modified
     * @param gradient computes the minibatch gradient at x when the algorithm needs it (once per step)
     * @param lr       the learning rate of this step
     * @return the minibatch loss the gradient reported
     */
    public double step(long t, float[] x, Gradient gradient, double lr) {
        current = gradient;
        try {
            return impl.step(t, x, source, (float) lr);
        } finally {
            current = null;
        }
    }

    /**
     * Whether the algorithm is asynchronous ({@code adpsgd}): each rank steps at its own pace (t counts the rank's
     * own steps), and between {@link #pause(float[])}s a passive rank's x changes under the caller as its
     * neighbours average with it.
     *
     * @return true for adpsgd
     */
    public boolean asynchronous() {
        return impl.asynchronous();
    }

    /**
     * Ends this rank's asynchronous exchanges so far. Once every rank has paused, no message is in flight and every
     * x is its rank's own: the ranks may read x, evaluate, save and call collectives ({@link GossipWorld#average},
     * barriers), and the next step resumes the exchanges. Every rank calls it the same number of times, before
     * anything collective; it returns when this rank's neighbours have paused too. Does nothing for a synchronous
     * algorithm.
     *
     * @param x this rank's model, the array its steps are given
     */
    public void pause(float[] x) {
        impl.pause(x);
    }

    /**
     * The communication of step t after the caller's own local step (adapt, then combine): {@code x}, which the
     * caller has already updated (x^{t+1/2}), becomes x^{t+1}. CHOCO-Gossip for {@code choco} and
     * {@code choco-gossip} (the compressed gossip that converges to the average), exact averaging
     * sum_j w_ij x_j for {@code dpsgd}, the algorithm's exchange and mixing for the others, the average over all
     * ranks for {@code allreduce}.
     *
     * @param t the step, from 0, the same on every rank
     * @param x this rank's model, modified
     */
    public void mix(long t, float[] x) {
        impl.mix(t, x);
    }

    /**
     * {@code x} = w_ii x + sum_j w_ij Q(x_j), the neighbours of step t weighted by the topology, each rank's x
     * through the compressor (exact with {@code none}; a lossy compressor without memory, unlike {@link #mix});
     * with {@code allreduce}, the average over all ranks. The algorithm's own state does not change.
     *
     * @param t the step, which selects the neighbours of a time-varying topology
     * @param x this rank's vector, modified
     */
    public void neighborAverage(long t, float[] x) {
        impl.neighborAverage(t, x);
    }

    /**
     * The ranks this rank receives from at step t, ascending.
     *
     * @param t the step
     * @return a new array of the neighbours' ranks
     */
    public int[] neighbours(long t) {
        return impl.topology().step(t).recvFrom(rank).clone();
    }

    /**
     * The mixing weights w_ij of {@link #neighbours(long)}, in the same order.
     *
     * @param t the step
     * @return a new array of the weights
     */
    public double[] neighbourWeights(long t) {
        return impl.topology().step(t).recvWeights(rank).clone();
    }

    /**
     * This rank's own mixing weight.
     *
     * @param t the step
     * @return w_ii at step t
     */
    public double selfWeight(long t) {
        final MixingStep w = impl.topology().step(t);
        return w.selfWeight(rank);
    }

    /**
     * Bytes this rank has sent so far.
     *
     * @return the payloads' bytes, headers included (all-reduce: 2 (n-1)/n x 4d a step, modelled)
     */
    public long bytesSent() {
        return impl.bytesSent();
    }

    /**
     * Bits this rank has sent so far, counted as the papers count them.
     *
     * @return 32 per float sent exactly, each compressor's own count otherwise (top-k: k (32 + ceil(log2 d))),
     *         without headers
     */
    public double paperBitsSent() {
        return impl.paperBitsSent();
    }

    /**
     * The step after the last one taken.
     *
     * @return 0 before the first step, t + 1 after step t (and as restored)
     */
    public long nextStep() {
        return impl.nextStep();
    }

    /**
     * The model's dimension.
     *
     * @return the number of parameters it was built for
     */
    public int dimension() {
        return impl.dimension();
    }

    /**
     * How many times a phase was timed.
     *
     * @param phase the phase
     * @return the number of times
     */
    public long phaseCount(Phase phase) {
        return histogram(phase).getTotalCount();
    }

    /**
     * A percentile of a phase's times.
     *
     * @param phase      the phase
     * @param percentile from 0 to 100
     * @return microseconds, NaN before the phase was timed
     */
    public double phaseMicros(Phase phase, double percentile) {
        final Histogram h = histogram(phase);
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e3;
    }

    /**
     * A phase's mean time per step: its exact total over the steps taken, divided by their number (a phase that
     * some steps skip counts as zero in those).
     *
     * @param phase the phase
     * @return microseconds a step, NaN before the first step
     */
    public double phaseMeanMicros(Phase phase) {
        return impl.timers().meanMicrosPerStep(PhaseTimers.Phase.valueOf(phase.name()));
    }

    /**
     * A percentile of the whole steps' times (of {@code step} and {@code mix} calls), the phases and what lies
     * between them.
     *
     * @param percentile from 0 to 100
     * @return microseconds, NaN before the first step
     */
    public double stepMicros(double percentile) {
        final Histogram h = impl.timers().steps();
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e3;
    }

    /**
     * The whole steps' exact mean time: against the sum of the {@link #phaseMeanMicros phases' means}, how much of
     * a step no phase covers.
     *
     * @return microseconds, NaN before the first step
     */
    public double stepMeanMicros() {
        return impl.timers().stepMeanMicros();
    }

    private Histogram histogram(Phase phase) {
        return impl.timers().histogram(PhaseTimers.Phase.valueOf(phase.name()));
    }

    /**
     * Writes this rank's optimizer state (the algorithm's vectors, the momentum, the counters, the step) and its
     * model {@code x} to {@code file}, whole or not at all (a temporary file forced to disk, then renamed), with
     * the settings it was built under and a checksum. Each rank writes its own file. An asynchronous optimizer saves
     * after {@link #pause(float[])} (before it, a neighbour may be averaging with x).
     *
     * @param file where (replaced whole when it exists)
     * @param x    this rank's model, not modified
     * @throws UncheckedIOException naming the file when it cannot be written
     * @throws IllegalStateException for an asynchronous optimizer that has stepped since its last pause
     */
    public void save(Path file, float[] x) {
        checkModel(x);
        try {
            CheckpointFile.write(file, new CheckpointFile.Header(rank, ranks, impl.nextStep(), fingerprint()), s -> {
                s.floats("x", x);
                impl.state(s);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("rank " + rank + " cannot save its optimizer state: " + e.getMessage(), e);
        }
    }

    /**
     * Restores what {@link #save} wrote into this optimizer and {@code x}. The optimizer goes on as if it had not
     * stopped: the same steps give the same bits.
     *
     * @param file what this rank's {@link #save} wrote
     * @param x    this rank's model, overwritten
     * @return the next step to take
     * @throws IllegalArgumentException naming the file and the difference, when it was saved by another rank,
     *                                  for another rank count or dimension, or under other settings, and when it
     *                                  is damaged
     * @throws IllegalStateException    for an asynchronous optimizer that has stepped since its last pause
     */
    public long restore(Path file, float[] x) {
        checkModel(x);
        final CheckpointFile.Loaded loaded;
        try {
            loaded = CheckpointFile.read(file);
        } catch (CheckpointException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        final CheckpointFile.Header h = loaded.header();
        if (h.rank() != rank || h.ranks() != ranks) {
            throw new IllegalArgumentException(file + " holds the state of rank " + h.rank() + " of " + h.ranks()
                + "; this is rank " + rank + " of " + ranks);
        }
        final String ours = fingerprint();
        if (!h.fingerprint().equals(ours)) {
            throw new IllegalArgumentException(file + " was saved "
                + org.gossipmpi.checkpoint.Checkpoints.difference(h.fingerprint(), ours, "this optimizer")
                    .replace("{", "").replace("}", ""));
        }
        try {
            final float[] restored = new float[x.length];
            loaded.state().floats("x", restored);
            impl.state(loaded.state());
            loaded.finish();
            System.arraycopy(restored, 0, x, 0, x.length);
        } catch (CheckpointException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return impl.nextStep();
    }

    private void checkModel(float[] x) {
        if (x.length != impl.dimension()) {
            throw new IllegalArgumentException("the optimizer was built for " + impl.dimension() + " parameters, not "
                + x.length);
        }
    }

    /** The settings it runs under, one "name=value" line each (what a saved state must match). */
    private String fingerprint() {
        final StringBuilder sb = new StringBuilder();
        for (String[] f : impl.settings().fields()) {
            sb.append(f[0]).append('=').append(f[1]).append('\n');
        }
        return sb.append("dimension=").append(impl.dimension()).append('\n').toString();
    }

    /**
     * The algorithm, compressor and topology, in words.
     *
     * @return for example {@code choco topk:0.01 on ring}
     */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s on %s", impl.settings().algorithm(), impl.settings().compressor(),
            impl.settings().topologyName());
    }

    /** Stops the codec threads, if any. The optimizer cannot be used afterwards. */
    @Override
    public void close() {
        impl.close();
    }

    /**
     * The settings of an optimizer, each checked by {@link #build(int)} with the rules {@code train} applies
     * (an invalid value, or a combination that breaks the algorithm's assumptions, is refused with one message
     * naming the setting).
     */
    public static final class Builder {
        private final GossipWorld world;
        private String algorithm = "choco";
        private String compressor;
        private String topology = "ring";
        private int[][] edges;
        private double[] weights;
        private Double gamma;
        private long seed = 1;
        private double momentum;
        private boolean nesterov;
        private boolean overlap;
        private int codecThreads = 1;
        private String device;
        private String allreduce;

        private Builder(GossipWorld world) {
            this.world = world;
        }

        /**
         * The algorithm: {@code dpsgd}, {@code choco}, {@code choco-gossip} (mix only), {@code dcd}, {@code ecd},
         * {@code deepsqueeze}, {@code adpsgd} (asynchronous: see {@link Decentralized#pause}) or {@code allreduce}
         * (default {@code choco}).
         *
         * @param name the algorithm
         * @return this builder
         */
        public Builder algorithm(String name) {
            this.algorithm = name;
            return this;
        }

        /**
         * The compressor of the messages: {@code none}, {@code fp16}, {@code topk:F}, {@code randk:F},
         * {@code randk:F:unbiased}, {@code qsgd:S}, {@code qsgd:S:biased}, {@code natural}, {@code natdither:S},
         * {@code sign}, {@code topk-natdither:F:S} (default: {@code none}; CHOCO-SGD and DeepSqueeze need a biased,
         * contractive one such as {@code topk:0.01} or {@code sign}, DCD and ECD an unbiased one).
         *
         * @param spec the compressor
         * @return this builder
         */
        public Builder compressor(String spec) {
            this.compressor = spec;
            return this;
        }

        /**
         * The communication graph: {@code ring} (default), {@code torus}, {@code torus:RxC}, {@code exponential},
         * {@code onepeer-exp} (time-varying), {@code complete}, or {@code file:PATH} (an edge list).
         *
         * @param spec the topology
         * @return this builder
         */
        public Builder topology(String spec) {
            this.topology = spec;
            this.edges = null;
            this.weights = null;
            return this;
        }

        /**
         * The caller's own graph: undirected edges {i, j} between ranks (from 0), with the mixing weight of each
         * ({@code weights} null: Metropolis-Hastings weights 1 / (1 + max(deg i, deg j))); an edge {i, i} with a
         * weight sets w_ii. The matrix must be symmetric and doubly stochastic, and the graph connected (checked).
         * The arrays are copied.
         *
         * @param edges   pairs of ranks
         * @param weights the weight of each edge, or null
         * @return this builder
         */
        public Builder topology(int[][] edges, double[] weights) {
            final int[][] copy = new int[edges.length][];
            for (int k = 0; k < edges.length; k++) {
                copy[k] = edges[k] == null ? null : edges[k].clone();
            }
            this.edges = copy;
            this.weights = weights == null ? null : weights.clone();
            this.topology = null;
            return this;
        }

        /**
         * The consensus step of CHOCO and DeepSqueeze, in (0, 1] (default 1, right for exact messages; compressed
         * ones need less: 0.05 for {@code topk:0.01} and 0.5 for {@code sign} are stable starting points on a
         * ring, where the theory's value is far too small). Refused for the algorithms without one.
         *
         * @param gamma the consensus step
         * @return this builder
         */
        public Builder gamma(double gamma) {
            this.gamma = gamma;
            return this;
        }

        /**
         * The seed of every random choice of the compressors (default 1); every rank must give the same.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Heavy-ball momentum mu in (0, 1) on the local step (default 0: none); {@code choco-gossip}, which takes
         * no gradient step, refuses it.
         *
         * @param mu the momentum, 0 for none
         * @return this builder
         */
        public Builder momentum(double mu) {
            this.momentum = mu;
            return this;
        }

        /**
         * Nesterov's momentum instead of heavy ball (needs {@link #momentum}).
         *
         * @param nesterov whether the momentum is Nesterov's
         * @return this builder
         */
        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        /**
         * For D-PSGD, DCD and ECD: compute the gradient while messages travel, through
         * {@link Decentralized#step(long, float[], Gradient, double)} (the same numbers as without). For all-reduce
         * SGD on gossip-mpi's ring ({@code allreduce("ring")}; refused with the MPI library's): sum the gradient in
         * buckets of about 1 MiB while it is computed, as PyTorch's DDP does, each bucket as soon as gossip-mpi's own
         * models report its floats final and the calls to {@code progress} between their pieces moving the sums
         * along; a caller's gradient reports no parts, so its buckets are summed once it returns. The same update;
         * the sums are cut otherwise, so their bits differ from the ring's without overlap.
         *
         * @param overlap whether to overlap
         * @return this builder
         */
        public Builder overlap(boolean overlap) {
            this.overlap = overlap;
            return this;
        }

        /**
         * Threads the codecs split their passes over, 1 up to the cores (default 1; the bytes are the same);
         * {@code allreduce}, which encodes nothing, refuses more than 1.
         *
         * @param threads 1 or more
         * @return this builder
         */
        public Builder codecThreads(int threads) {
            this.codecThreads = threads;
            return this;
        }

        /**
         * Where the quantizers run: {@code java} or {@code opencl} (default: OpenCL on a GPU or accelerator, Java
         * where the only OpenCL device is a CPU or there is none).
         *
         * @param kind java or opencl
         * @return this builder
         */
        public Builder device(String kind) {
            this.device = kind;
            return this;
        }

        /**
         * Whose all-reduce the {@code allreduce} algorithm sums with: {@code mpi} (default: the MPI library's
         * {@code MPI_Allreduce}, tuned by the site), or {@code ring}, gossip-mpi's pipelined ring over
         * point-to-point messages (bandwidth-optimal, as gloo's and NCCL's; on an emulated 1 Gbit/s TCP link it
         * moved 1e7 floats at 0.83-0.88 of the link rate where Open MPI 4.1's all-reduce reached 0.70: README). The sums' bits differ between the two, not their arithmetic.
         * Refused with the other algorithms, either kind: they sum by no all-reduce.
         *
         * @param kind mpi or ring
         * @return this builder
         */
        public Builder allreduce(String kind) {
            this.allreduce = kind;
            return this;
        }

        /** The all-reduce given, refused for an algorithm that has none; MPI's when none is given. */
        private org.gossipmpi.collective.AllreduceAverage.Kind allreduceKind() {
            if (allreduce == null) {
                return org.gossipmpi.collective.AllreduceAverage.Kind.MPI;
            }
            final org.gossipmpi.collective.AllreduceAverage.Kind k =
                org.gossipmpi.collective.AllreduceAverage.Kind.parse(allreduce);
            org.gossipmpi.collective.AllreduceAverage.Kind.checkUsed(k, algorithm);
            return k;
        }

        /**
         * Checks the settings and builds this rank's optimizer for models of {@code dimension} floats. A
         * collective: every rank calls it, and all must give the same settings and dimension.
         *
         * @param dimension the number of parameters of the model
         * @return this rank's optimizer
         * @throws IllegalArgumentException naming the setting at fault (the same refusals as {@code train}), or
         *                                  the first setting that differs across ranks
         */
        public Decentralized build(int dimension) {
            org.gossipmpi.algo.Algorithms.checkKnown(algorithm);
            if (gamma != null && !org.gossipmpi.algo.Algorithms.takesGamma(algorithm)) {
                throw new SettingException("gamma", algorithm + " has no consensus step: drop {gamma}");
            }
            if (!org.gossipmpi.algo.Algorithms.encodes(algorithm) && codecThreads > 1) {
                throw new SettingException("codecThreads", "{codecThreads} " + codecThreads + ": " + algorithm
                    + " encodes nothing (it sums exact vectors): drop {codecThreads}");
            }
            if (!org.gossipmpi.algo.Algorithms.takesGradientStep(algorithm) && (momentum != 0 || nesterov)) {
                final String setting = momentum != 0 ? "momentum" : "nesterov";
                throw new SettingException(setting, "{" + setting + "}: " + algorithm + " takes no gradient step (it"
                    + " only mixes): drop {" + setting + "}");
            }
            final Devices.Kind kind;
            try {
                kind = device == null ? null : Devices.Kind.valueOf(device);
            } catch (IllegalArgumentException e) {
                throw new SettingException("device", "unknown {device} '" + device + "'; valid: java, opencl");
            }
            final LocalStep.Kind momentumKind = momentum == 0 && !nesterov ? LocalStep.Kind.NONE
                : nesterov ? LocalStep.Kind.NESTEROV : LocalStep.Kind.HEAVY_BALL;
            final OptimizerSettings settings = new OptimizerSettings(algorithm, compressor == null ? "none" : compressor,
                topology, edges, weights, gamma == null ? 1 : gamma, seed, momentumKind, momentum, overlap,
                codecThreads, kind, allreduceKind());
            return new Decentralized(Optimizer.create(settings, world.communicator(), dimension), world.rank(),
                world.size());
        }
    }
}
