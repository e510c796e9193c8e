package org.gossipmpi.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.gossipmpi.algo.Algorithms;
import org.gossipmpi.algo.LocalStep;
import org.gossipmpi.api.Decentralized;
import org.gossipmpi.api.GossipWorld;
import org.gossipmpi.api.Gradient;
import org.gossipmpi.checkpoint.Checkpoints;
import org.gossipmpi.checkpoint.State;
import org.gossipmpi.checkpoint.Stateful;
import org.gossipmpi.collective.AllreduceAverage;
import org.gossipmpi.comm.CommException;
import org.gossipmpi.comm.CommTimeoutException;
import org.gossipmpi.comm.Communicator;
import org.gossipmpi.compress.Compressor;
import org.gossipmpi.compress.Compressors;
import org.gossipmpi.compress.Quantizer;
import org.gossipmpi.compress.Quantizers;
import org.gossipmpi.config.SettingException;
import org.gossipmpi.data.DataSources;
import org.gossipmpi.data.Dataset;
import org.gossipmpi.data.Labels;
import org.gossipmpi.data.Rows;
import org.gossipmpi.data.TextPart;
import org.gossipmpi.io.AtomicFiles;
import org.gossipmpi.kernel.DeviceChoice;
import org.gossipmpi.kernel.Devices;
import org.gossipmpi.kernel.Gemm;
import org.gossipmpi.metrics.JsonIo;
import org.gossipmpi.metrics.MemoryUse;
import org.gossipmpi.metrics.Progress;
import org.gossipmpi.metrics.RunRecord;
import org.gossipmpi.model.Batch;
import org.gossipmpi.model.LinearModel;
import org.gossipmpi.model.Mlp;
import org.gossipmpi.model.Model;
import org.gossipmpi.model.Models;
import org.gossipmpi.model.SoftmaxRegression;
import org.gossipmpi.topology.Spectrum;
import org.gossipmpi.topology.Topologies;
import org.gossipmpi.topology.Topology;

/**
 * A training run on one rank (SPMD), the command line's {@code train}, built on the public API: load and shard
 * the data, build the model and the {@link Decentralized} optimizer (which checks the settings and that every
 * rank holds the same), run its steps on the model's gradients, and evaluate the averaged model x_bar every
 * {@code evalEvery} steps. Rank 0 prints progress; with {@code out}, every rank writes JSONL metrics and rank 0
 * the summary and history; with {@code saveModel}, every rank writes its model; with checkpoints, every rank
 * saves the optimizer (through the API's {@code save}) and the loop's own state.
 */
public final class Training {
    private final TrainConfig config;
    private final Communicator comm;
    private final PrintWriter out;
    private final int codecThreads;
    private final java.util.function.UnaryOperator<String> names;
    /** Seconds from the JVM's start to {@link #run}'s, and of reading the data: the first parts of the start-up. */
    private double launchSeconds;
    private double dataSeconds;

    /**
     * Every rank's footprint and pace at the end of a run: the training rows it keeps in MB (its shard and its part
     * of the loss sample), its process's peak resident set in MB (VmHWM; -1 where the kernel does not say), the
     * seconds from its JVM's start to its first step (loading the data, building the model) and their split
     * ({@code launchSeconds}: from the JVM's start to the run's start, which holds the MPI library's start;
     * {@code dataSeconds}: reading this rank's rows; the rest, the devices, model, optimizer and evaluation sample),
     * its mean step in microseconds, its number of steps (the same on every rank but in an asynchronous run), the
     * heap bytes a step of the run's second half allocated on the rank's thread, as a mean ({@code stepHeapBytes};
     * -1 where no step was counted or the JVM does not count allocation: a hot path that allocates shows here), the
     * share of those steps that allocated anything ({@code stepHeapShare}, 0 to 1, -1 likewise: a per-step
     * allocation shows in about every step, occasional work such as a deoptimized method running its vector code
     * uncompiled in few), and each phase's mean microseconds per step
     * ({@code phaseMeanMicros[phase.ordinal()][rank]}, the phases of {@link Decentralized.Phase}): where a slow rank
     * computes and the others wait for it. In-process ranks share one process, its peak and its start.
     */
    public record PerRank(float[] dataMb, float[] peakResidentMb, float[] startupSeconds, float[] launchSeconds,
                          float[] dataSeconds, float[] stepMeanMicros, float[] steps, float[] stepHeapBytes,
                          float[] stepHeapShare, float[][] phaseMeanMicros) {
        /** The rest of rank {@code r}'s start-up after its launch and its data: devices, model, optimizer. */
        public float modelAndOptimizerSeconds(int r) {
            return startupSeconds[r] - launchSeconds[r] - dataSeconds[r];
        }

        /** The largest of {@link #stepHeapBytes} over the ranks; -1 where no rank counted. */
        public float maxStepHeapBytes() {
            return stepHeapBytes[maxStepHeapRank()];
        }

        /** The rank of {@link #maxStepHeapBytes} (the first of equals). */
        public int maxStepHeapRank() {
            int m = 0;
            for (int r = 1; r < stepHeapBytes.length; r++) {
                if (stepHeapBytes[r] > stepHeapBytes[m]) {
                    m = r;
                }
            }
            return m;
        }

        /** The largest peak over the ranks. */
        public float maxPeakResidentMb() {
            float m = -1;
            for (float v : peakResidentMb) {
                m = Math.max(m, v);
            }
            return m;
        }
    }

    /** One evaluation of the averaged model. */
    public record Point(long step, double trainLoss, double trainAccuracy, double testAccuracy, double consensus,
                        double bytesTotal, double paperBitsTotal, double seconds, double trainSeconds) {
    }

    /**
     * What a run ends with (the history is rank 0's; every rank gets the same values).
     *
     * @param seconds          wall time of the step loop, evaluations included
     * @param trainSeconds     the time of the steps alone
     * @param evalSeconds      the time of the evaluations (averaging, loss and accuracy)
     * @param secondsToTarget  train seconds when the averaged model's loss first was at most the target, NaN if
     *                         it never was (or no target was given)
     * @param lossEstimatedOn  what the training loss is computed on, in words ("all 60000 training rows", "a
     *                         seeded sample of 10000 training rows")
     */
    public record Outcome(String run, long steps, double trainLoss, double testAccuracy, double consensus,
                          double bytesTotal, double paperBitsTotal, double seconds, double trainSeconds,
                          double evalSeconds, double secondsToTarget, String lossEstimatedOn, boolean reachedTarget,
                          float[] model, List<Point> history, PerRank perRank, RunRecord record) {
        /** The same outcome with its record (summary and history as the report reads them). */
        Outcome withRecord(RunRecord r) {
            return new Outcome(run, steps, trainLoss, testAccuracy, consensus, bytesTotal, paperBitsTotal, seconds,
                trainSeconds, evalSeconds, secondsToTarget, lossEstimatedOn, reachedTarget, model, history, perRank, r);
        }
    }

    public Training(TrainConfig config, Communicator comm, PrintWriter out) {
        this(config, comm, out, 1, name -> name);
    }

    /**
     * @param codecThreads the threads this rank's codec passes split over ({@code codecThreads}); they do not
     *                     change the payloads, so they are not part of the configuration the ranks agree on
     * @param names        how what it prints names settings (the command line's flags)
     */
    public Training(TrainConfig config, Communicator comm, PrintWriter out, int codecThreads,
                    java.util.function.UnaryOperator<String> names) {
        this.names = names;
        this.config = config;
        this.comm = comm;
        this.out = out;
        this.codecThreads = codecThreads;
    }

    /**
     * The data a run trains and evaluates on: the labelled training set, this rank's shard, its part of the test
     * set and of the training-loss sample (null: the loss is taken on the shards).
     */
    private record Data(Rows train, Dataset shard, Dataset test, Labels labels, Dataset lossSample) {
    }

    /** Tags of the collective reading of text files ({@link SplitText}): four for the training file, four for the test. */
    private static final int TAG_TEXT = 980;

    public Outcome run() {
        launchSeconds = MemoryUse.uptimeSeconds();
        final Data data = loadData();
        dataSeconds = MemoryUse.uptimeSeconds() - launchSeconds;
        final DeviceChoice devices = Devices.choose(config.device());
        final Gemm gemm = Devices.gemm(devices);
        try (Model model = model(data.train(), data.labels(), gemm)) {
            return run(data, devices, gemm, model);
        }
    }

    private Outcome run(Data data, DeviceChoice devices, Gemm gemm, Model model) {
        final int d = model.dimension();
        final MinibatchSampler sampler = new MinibatchSampler(data.shard(), config.batch(), config.seed(), comm.rank());
        final long steps = config.steps() > 0 ? config.steps()
            : (long) Math.ceil(config.epochs() * data.train().rows() / ((double) comm.size() * sampler.batchSize()));
        ConfigAgreement.check(comm, List.of(config));
        final Topology topology = Topologies.parse(config.topology(), comm.size());
        final Compressor compressor = Compressors.parse(config.compressor(), config.seed(), comm.rank());
        checkMemory(d, compressor, topology);
        try (Decentralized opt = optimizer(GossipWorld.of(comm), d)) {
            final float[] x = new float[d];
            initialize(model, x);
            if (comm.rank() == 0) {
                header(opt, model, data.train(), data.shard(), sampler, steps, topology, compressor, gemm, devices);
            }
            return loop(opt, model, x, data, sampler, steps);
        }
    }

    /** The optimizer of this run through the public API: the same builder and checks a user's program has. */
    private Decentralized optimizer(GossipWorld world, int d) {
        // In a sweep, the gradient step's momentum is for the runs that take one, the codec threads for those that
        // encode: the builder refuses them elsewhere.
        final boolean gradientStep = Algorithms.takesGradientStep(config.algorithm());
        final Decentralized.Builder b = Decentralized.builder(world).algorithm(config.algorithm())
            .compressor(config.compressor()).topology(config.topology()).seed(config.seed())
            .momentum(config.momentumKind() == LocalStep.Kind.NONE || !gradientStep ? 0 : config.momentum())
            .nesterov(gradientStep && config.momentumKind() == LocalStep.Kind.NESTEROV).overlap(config.overlap())
            .codecThreads(Algorithms.encodes(config.algorithm()) ? codecThreads : 1);
        if (config.algorithm().equals("allreduce")) {
            b.allreduce(config.allreduce().id());
        }
        if (Algorithms.takesGamma(config.algorithm())) {
            b.gamma(config.gamma());
        }
        if (config.device() != null) {
            b.device(config.device().name());
        }
        return b.build(d);
    }

    /** The step loop, its evaluations and checkpoints, then the run's outcome. */
    private Outcome loop(Decentralized opt, Model model, float[] x, Data data, MinibatchSampler sampler, long steps) {
        final Evaluator evaluator = new Evaluator(model, data);
        final Tally tally = new Tally();
        final float[] buffers = new float[model.bufferLength()];
        final PauseSchedule pauses = opt.asynchronous() ? new PauseSchedule(comm, steps, config.evalEvery()) : null;
        final Stateful state = s -> {
            tally.state(s);
            sampler.state(s);
            if (pauses != null) {
                pauses.state(s);
            }
            if (buffers.length > 0) {
                if (!s.restoring()) {
                    model.readBuffers(buffers);
                }
                s.floats("model_buffers", buffers);
                if (s.restoring()) {
                    model.writeBuffers(buffers);
                }
            }
        };
        final Checkpoints checkpoints = config.checkpoint().enabled()
            ? new Checkpoints(config.checkpoint(), config.runName(), comm, config.trajectoryFingerprint(),
                new Checkpoints.Part("optimizer", file -> opt.save(file, x), file -> opt.restore(file, x)))
            : null;
        if (checkpoints != null && config.checkpoint().resume()) {
            resume(checkpoints, state, tally, steps);
        }
        final Path runDir = config.out() == null ? null : config.out().resolve(config.runName());
        final boolean gossipOnly = config.algorithm().equals("choco-gossip");
        final Gradient gradient = (w, g, progress) -> model.lossAndGradient(w, sampler.next(), g, progress);
        tally.start = System.nanoTime();
        tally.startupSeconds = MemoryUse.uptimeSeconds();
        tally.heapFrom = MemoryUse.threadAllocatedBytes() < 0 ? Long.MAX_VALUE : steps / 2;
        final JsonIo.Lines jsonl = openJsonl(runDir, tally.at);
        final Progress progress = comm.rank() == 0 ? Progress.of(config.runName(), steps, out) : Progress.NONE;
        if (pauses != null) {
            pauses.restart();
        }
        try {
            while ((pauses == null ? tally.t < steps : !pauses.finished()) && !tally.reached) {
                // an asynchronous rank whose quota for this interval is no step goes straight to the pause
                final boolean idle = pauses != null && pauses.due(tally.t);
                if (!idle) {
                    step(opt, x, gradient, gossipOnly, tally);
                }
                final boolean last;
                final boolean evaluate;
                final long before = tally.at;
                if (pauses == null) {
                    tally.at = tally.t;
                    last = tally.t == steps;
                    evaluate = tally.t % config.evalEvery() == 0 || last;
                    progress.step(tally.t);
                } else {
                    if (!idle && !pauses.due(tally.t)) {
                        continue;
                    }
                    final long pauseStart = System.nanoTime();
                    opt.pause(x);
                    pauses.agree(tally.t);
                    tally.trainNanos += System.nanoTime() - pauseStart; // the wait at the cut is training time
                    tally.at = pauses.step();
                    last = pauses.finished();
                    evaluate = pauses.evaluationDue();
                    progress.step(tally.at);
                }
                if (evaluate) {
                    final Point p = evaluator.evaluate(x, opt, tally);
                    writeJsonl(jsonl, tally.at, tally.lastLocalLoss, opt.bytesSent(), opt.paperBitsSent());
                    progress.evaluated(tally.at, steps, p.trainLoss(), p.testAccuracy(), p.consensus(),
                        p.bytesTotal() / 1e6, tally.at / p.trainSeconds(),
                        Math.max(0, steps - tally.at) * p.seconds() / tally.at);
                }
                if (checkpoints != null && checkpoints.due(before, tally.at, last || tally.reached)) {
                    final long c0 = System.nanoTime();
                    checkpoints.save(tally.at, state);
                    tally.checkpointNanos += System.nanoTime() - c0;
                }
                if (pauses != null) {
                    pauses.restart();
                }
            }
        } finally {
            progress.close();
            closeQuietly(jsonl);
        }
        return finish(tally, x, opt, runDir, evaluator.lossEstimatedOn, checkpoints != null,
            perRank(data.shard().bytes() + evaluator.lossSampleBytes(), tally, opt), model,
            tally.at * (double) comm.size() * sampler.batchSize() / data.train().rows());
    }

    /** One step of this rank (or one mixing, for choco-gossip), counted in the tally; refuses a loss not finite. */
    private void step(Decentralized opt, float[] x, Gradient gradient, boolean gossipOnly, Tally tally) {
        final long stepStart = System.nanoTime();
        final long t = tally.t;
        final boolean counted = tally.at >= tally.heapFrom; // the run's step (an asynchronous run's: its mean)
        final long heapBefore = counted ? MemoryUse.threadAllocatedBytes() : 0;
        if (gossipOnly) {
            opt.mix(t, x);
            tally.lastLocalLoss = 0;
        } else {
            tally.lastLocalLoss = opt.step(t, x, gradient, config.lr().at(t));
        }
        if (!Double.isFinite(tally.lastLocalLoss)) {
            throw new IllegalStateException("rank " + comm.rank() + ": the loss is " + tally.lastLocalLoss
                + " at step " + t + ": the run diverged (lower {lr}"
                + (consensusStepCanDiverge(config) ? " or {gamma}" : "") + ")");
        }
        if (counted) {
            final long bytes = MemoryUse.threadAllocatedBytes() - heapBefore;
            tally.heapBytes += bytes;
            tally.heapSteps++;
            if (bytes > 0) {
                tally.heapAllocatingSteps++;
            }
        }
        tally.t = t + 1;
        tally.trainNanos += System.nanoTime() - stepStart;
    }

    /** x^0: the model's seeded initialisation, the same on every rank; for choco-gossip, each rank's own vector. */
    private void initialize(Model model, float[] x) {
        if (!config.algorithm().equals("choco-gossip")) {
            model.initialize(x, config.seed());
            return;
        }
        final SplittableRandom r = new SplittableRandom(config.seed() * 7919 + comm.rank());
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
    }

    /**
     * Refuses, before anything is allocated, a run whose vectors cannot fit this JVM: every rank in the process
     * holds the algorithm's vectors ({@link Algorithms#vectors}), the momentum, and x_bar for evaluations on the
     * heap, and the payload and all-reduce buffers in direct memory (limited to the heap's size by default).
     */
    private void checkMemory(int d, Compressor compressor, Topology topology) {
        final Runtime rt = Runtime.getRuntime();
        final long ranksHere = comm.backend().startsWith("local") ? comm.size() : 1;
        final int vectors = Algorithms.vectors(config.algorithm()) + 1
            + (config.momentumKind() == LocalStep.Kind.NONE ? 0 : 1);
        final long heap = ranksHere * vectors * 4L * d;
        final long direct = ranksHere * (8L * d + (config.algorithm().equals("allreduce") ? 0
            : (1L + topology.maxInDegree()) * compressor.maxEncodedBytes(d)));
        final long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (heap + direct > free) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the run needs about %d MB of memory: %d"
                + " rank%s in this process x %d vectors of %d floats (the model, its gradient, the algorithm's own"
                + " and x_bar), and %d MB of message buffers, beside the data already loaded; this JVM may use %d MB"
                + " (%d MB free): give it more with GOSSIP_MPI_JAVA_OPTS=-Xmx<size> (for example -Xmx%dm), or run"
                + " fewer ranks per process", (heap + direct) >> 20, ranksHere, ranksHere == 1 ? "" : "s", vectors, d,
                direct >> 20, rt.maxMemory() >> 20, free >> 20,
                Math.max(1024, ((rt.maxMemory() - free + heap + direct) >> 20) * 5 / 4)));
        }
    }

    /** Rows of every rank's shard that the initial model's loss is estimated on ({@link DivergenceWatch}). */
    private static final int INITIAL_LOSS_ROWS = 256;

    /**
     * Whether a diverging run may owe it to the consensus step ({@code gamma}): an algorithm that compresses, with a
     * compressor that loses something. With exact messages ({@code none}) CHOCO's consensus step is plain gossip
     * averaging, stable for every gamma in (0, 1], so only the learning rate is to blame.
     */
    private static boolean consensusStepCanDiverge(TrainConfig config) {
        return Algorithms.compresses(config.algorithm()) && !config.compressor().equals("none");
    }

    private static double normSquared(float[] v) {
        double s = 0;
        for (float a : v) {
            s += (double) a * a;
        }
        return s;
    }

    /** Loads the data, labels it for the model, and cuts this rank's shard. */
    private Data loadData() {
        final DataSources.Opened loaded;
        try {
            loaded = openData();
        } catch (OutOfMemoryError e) {
            final long max = Runtime.getRuntime().maxMemory() >> 20;
            final long need = DataSources.heapBytesEstimate(config.data(), config.testData()) >> 20;
            throw new IllegalStateException("out of Java heap while reading " + config.data() + ": its rows take about "
                + need + " MB of heap as floats, and this JVM may use at most " + max + " MB; give it more with"
                + " GOSSIP_MPI_JAVA_OPTS=-Xmx<size> (for example -Xmx" + Math.max(1024, 2 * (need + max) + 256)
                + "m)", e);
        }
        final boolean binary = config.model().equals("logistic");
        final boolean regression = config.model().equals("leastsquares");
        final Labels labels = regression ? null : binary ? Labels.binary(loaded.train()) : Labels.classes(loaded.train());
        final Rows train = loaded.train();
        final Rows testRows = loaded.test();
        if (testRows != null && testRows.cols() != train.cols()) {
            throw new IllegalArgumentException(testRows.source() + " has " + testRows.cols() + " features, the training data "
                + train.cols() + ": " + (config.testData() != null && DataSources.takesFeatures(config.data()) && DataSources.takesFeatures(
                    config.testData()) ? "give both LIBSVM files the same width with --features"
                    : "give test data with the training data's features"));
        }
        // Sharding orders by the stored targets; Labels maps them in the same order, so the shards are those of
        // the mapped targets.
        final int[] mine = config.shard().rows(train, comm.rank(), comm.size(), config.seed());
        // The test set is evaluated in contiguous parts, one a rank: each rank keeps only its part.
        final Dataset test = testRows == null ? null : labeled(labels, testRows.read(part(testRows.rows()),
            testRows.source() + " part " + comm.rank()));
        final Dataset shard = labeled(labels, train.read(mine, train.source() + " shard " + comm.rank()));
        final Dataset lossSample = lossSample(train, labels);
        for (Rows rows : new Rows[] {train, testRows}) {
            if (rows instanceof SplitText split) {
                split.drop(); // read everything it will: its part of the text goes
            }
        }
        return new Data(train, shard, test, labels, lossSample);
    }

    /**
     * The training and test rows. With one rank per process, a LIBSVM or CSV file is parsed by all ranks together,
     * a part each ({@link SplitText}), so the text is read once in total; otherwise as {@link DataSources#open}.
     */
    private DataSources.Opened openData() {
        final boolean split = comm.size() > 1 && !comm.backend().startsWith("local");
        if (!split || !TextPart.splits(config.data())) {
            return DataSources.open(config.data(), config.testData(), config.features());
        }
        final Rows train = SplitText.read(comm, config.data(), config.features(), TAG_TEXT);
        if (config.testData() == null) {
            return new DataSources.Opened(train, null);
        }
        final int width = config.features() > 0 ? config.features() : train.isDense() ? 0 : train.cols();
        return new DataSources.Opened(train, TextPart.splits(config.testData())
            ? SplitText.read(comm, config.testData(), width, TAG_TEXT + 4)
            : DataSources.open(config.testData(), null, width).train());
    }

    /** This rank's contiguous part of {@code n} rows: [n r / size, n (r + 1) / size). */
    private int[] part(int n) {
        final int from = (int) ((long) n * comm.rank() / comm.size());
        final int to = (int) ((long) n * (comm.rank() + 1) / comm.size());
        final int[] rows = new int[to - from];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = from + i;
        }
        return rows;
    }

    /** {@code d} with its targets mapped by {@code labels} (as stored when null: regression). */
    private static Dataset labeled(Labels labels, Dataset d) {
        return labels == null ? d : labels.apply(d);
    }

    /**
     * Evaluations of the averaged model x_bar (the same on every rank: the values are all-reduced): its
     * training loss on all rows or the --eval-rows sample, its test accuracy, the consensus distance
     * (1/n) sum_i ||x_i - x_bar||^2, and the bytes and bits sent by all ranks. Buffers are made once.
     */
    private final class Evaluator {
        private final Data data;
        private final Evaluation eval;
        private final AllreduceAverage average;
        private final FloatBuffer sums = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder()).asFloatBuffer();
        private final float[] xbar;
        private final Dataset lossSample;
        private final Batch lossBatch;
        private final Batch testBatch;
        private final DivergenceWatch watch;
        private final Model model;
        /** The model's own buffers (this rank's) and their average over the ranks, when it has any. */
        private final float[] ownBuffers;
        private final float[] averageBuffers;
        private final AllreduceAverage averageOfBuffers;
        final String lossEstimatedOn;

        /** The bytes of this rank's part of the loss sample (0 when the loss is taken on the shards). */
        long lossSampleBytes() {
            return lossSample == null ? 0 : lossSample.bytes();
        }

        Evaluator(Model model, Data data) {
            this.data = data;
            this.model = model;
            this.ownBuffers = new float[model.bufferLength()];
            this.averageBuffers = new float[model.bufferLength()];
            this.averageOfBuffers = ownBuffers.length == 0 ? null : new AllreduceAverage(comm, ownBuffers.length);
            this.eval = new Evaluation(comm, model);
            this.average = new AllreduceAverage(comm, model.dimension());
            this.xbar = new float[model.dimension()];
            this.lossSample = data.lossSample();
            this.lossEstimatedOn = lossSample == null ? "all " + data.train().rows() + " training rows"
                : "a seeded sample of " + evalRows(data.train().rows()) + " of the " + data.train().rows()
                + " training rows";
            this.lossBatch = new Batch(lossSample == null ? data.shard() : lossSample);
            this.testBatch = data.test() == null ? null : new Batch(data.test());
            this.watch = new DivergenceWatch(config.algorithm(), consensusStepCanDiverge(config),
                initialLoss(model), config.lr().toString(), config.gamma());
        }

        /**
         * The initial model's training loss, estimated on the first {@value #INITIAL_LOSS_ROWS} rows of every
         * rank's shard (all ranks start from the same x^0); NaN for gossip alone, whose ranks start apart.
         */
        private double initialLoss(Model model) {
            if (config.algorithm().equals("choco-gossip")) {
                return Double.NaN;
            }
            model.initialize(xbar, config.seed());
            return eval.evaluateHead(xbar, data.shard(), lossBatch, INITIAL_LOSS_ROWS).loss();
        }

        /** Evaluates at the run's step {@code tally.at}, adds the point to the history, and checks for divergence. */
        Point evaluate(float[] x, Decentralized opt, Tally tally) {
            final long evalStart = System.nanoTime();
            System.arraycopy(x, 0, xbar, 0, xbar.length);
            averageForEvaluation(average, xbar, tally.at);
            double dist = 0;
            for (int i = 0; i < xbar.length; i++) {
                final double e = x[i] - xbar[i];
                dist += e * e;
            }
            sums.put(0, (float) dist);
            sums.put(1, (float) opt.bytesSent());
            sums.put(2, (float) opt.paperBitsSent());
            comm.allreduceSum(sums, 3);
            if (averageOfBuffers != null) {
                model.readBuffers(ownBuffers);
                averageOfBuffers.average(ownBuffers, averageBuffers);
                model.writeBuffers(averageBuffers);
            }
            final Evaluation.Result tr = lossSample == null ? eval.evaluate(xbar, data.shard(), lossBatch, false)
                : eval.evaluate(xbar, lossSample, lossBatch, false);
            final double testAccuracy = data.test() == null ? Double.NaN
                : eval.evaluate(xbar, data.test(), testBatch, false).accuracy();
            if (averageOfBuffers != null) {
                model.writeBuffers(ownBuffers);
            }
            tally.evalNanos += System.nanoTime() - evalStart;
            final double trainSeconds = tally.trainNanos / 1e9;
            final Point p = new Point(tally.at, tr.loss(), tr.accuracy(), testAccuracy, sums.get(0) / comm.size(),
                sums.get(1), sums.get(2), tally.seconds(), trainSeconds);
            tally.history.add(p);
            final String diverged = watch.check(p.step(), p.trainLoss(), p.consensus(), normSquared(xbar));
            if (diverged != null) {
                throw new IllegalStateException("rank " + comm.rank() + ": " + diverged + "; no model is saved");
            }
            tally.reached = !Double.isNaN(config.targetLoss()) && p.trainLoss() <= config.targetLoss();
            if (tally.reached) {
                tally.secondsToTarget = trainSeconds;
            }
            return p;
        }
    }

    /** Every rank's footprint and pace, gathered (a collective: every rank calls it). */
    private PerRank perRank(long dataBytes, Tally tally, Decentralized opt) {
        final int n = comm.size();
        final Decentralized.Phase[] phases = Decentralized.Phase.values();
        final int fields = 9 + phases.length;
        final FloatBuffer all = ByteBuffer.allocateDirect(4 * fields * n).order(ByteOrder.nativeOrder())
            .asFloatBuffer();
        final long peak = MemoryUse.peakResidentBytes();
        final int r = comm.rank();
        all.put(r, (float) (dataBytes / 1e6));
        all.put(n + r, peak < 0 ? -1f : (float) (peak / 1e6));
        all.put(2 * n + r, (float) tally.startupSeconds);
        all.put(3 * n + r, (float) launchSeconds);
        all.put(4 * n + r, (float) dataSeconds);
        all.put(5 * n + r, (float) opt.stepMeanMicros());
        all.put(6 * n + r, (float) tally.t);
        all.put(7 * n + r, tally.heapSteps == 0 ? -1f : (float) ((double) tally.heapBytes / tally.heapSteps));
        all.put(8 * n + r, tally.heapSteps == 0 ? -1f : (float) ((double) tally.heapAllocatingSteps / tally.heapSteps));
        for (Decentralized.Phase p : phases) {
            all.put((9 + p.ordinal()) * n + r, (float) opt.phaseMeanMicros(p));
        }
        comm.allreduceSum(all, fields * n);
        final float[][] field = new float[fields][n];
        for (int f = 0; f < fields; f++) {
            all.get(f * n, field[f], 0, n);
        }
        return new PerRank(field[0], field[1], field[2], field[3], field[4], field[5], field[6], field[7], field[8],
            java.util.Arrays.copyOfRange(field, 9, fields));
    }

    /** The last line, the outcome, the summary and history files (rank 0) and the saved models. */
    private Outcome finish(Tally tally, float[] x, Decentralized opt, Path runDir, String lossEstimatedOn,
                           boolean checkpointed, PerRank memory, Model model, double epochs) {
        final Point last = tally.history.get(tally.history.size() - 1);
        final double seconds = tally.seconds();
        final long t = tally.at;
        if (comm.rank() == 0) {
            out.printf(Locale.ROOT, "final: train loss %.5f (on %s), test accuracy %.4f, consensus %.2e after %d steps"
                    + " (%.2f epochs) in %.1f s (training %.1f s, evaluation %.1f s%s), %.3f MB sent%s%n",
                last.trainLoss(), lossEstimatedOn, last.testAccuracy(), last.consensus(), t, epochs, seconds,
                tally.trainNanos / 1e9, tally.evalNanos / 1e9, checkpointed ? String.format(Locale.ROOT,
                    ", checkpoints %.1f s", tally.checkpointNanos / 1e9) : "", last.bytesTotal() / 1e6,
                Double.isNaN(config.targetLoss()) ? "" : tally.reached ? String.format(Locale.ROOT,
                    ", target reached after %.1f s of training", tally.secondsToTarget) : ", target not reached");
            out.printf(Locale.ROOT, "memory: rank 0 keeps %.1f MB of training rows and started its steps %.1f s after"
                    + " its JVM (launch %.1f s, data %.1f s, model and optimizer %.1f s); peak resident set %s%n",
                memory.dataMb()[0], memory.startupSeconds()[0], memory.launchSeconds()[0], memory.dataSeconds()[0],
                memory.modelAndOptimizerSeconds(0),
                memory.maxPeakResidentMb() < 0 ? "not known (no /proc)"
                    : String.format(Locale.ROOT, "%.0f MB (the largest over the ranks%s)", memory.maxPeakResidentMb(),
                    comm.backend().startsWith("local") ? ", which share this process" : ""));
            final float heap = memory.maxStepHeapBytes();
            if (heap >= 0) {
                final float share = memory.stepHeapShare()[memory.maxStepHeapRank()];
                out.printf(Locale.ROOT, "heap: a step, its gradient included, allocates %.0f bytes on its rank's"
                    + " thread (the mean over the second half of the steps, the largest rank's)%s%s%n", heap,
                    heap > 0 && share < 0.5f ? String.format(Locale.ROOT, ", in %s of them: occasional work (such as"
                        + " a method the JIT deoptimized running its vector code uncompiled until recompiled), not a"
                        + " cost of every step", share < 0.01f ? "under 1%" : Math.round(100 * share) + "%") : "",
                    heap > 0 && comm.backend().startsWith("openmpi-java") ? "; Open MPI's Java bindings make a"
                        + " Status object for every message received and a Request for every collective (--backend"
                        + " native makes none)" : "");
            }
            out.flush();
        }
        final Outcome measured = new Outcome(config.runName(), t, last.trainLoss(), last.testAccuracy(),
            last.consensus(), last.bytesTotal(), last.paperBitsTotal(), seconds, tally.trainNanos / 1e9,
            tally.evalNanos / 1e9, tally.secondsToTarget, lossEstimatedOn, tally.reached, x, tally.history, memory,
            null);
        final Outcome outcome = measured.withRecord(RunFiles.record(runDir, config, comm.size(), measured, opt));
        if (runDir != null && comm.rank() == 0) {
            RunFiles.write(outcome.record());
        }
        if (config.saveModel() != null) {
            RunFiles.saveModel(config.saveModel(), comm.rank(), x);
            model.saveNative(config.saveModel(), comm.rank(), x);
        }
        return outcome;
    }

    /**
     * Where the step loop stands: what a checkpoint holds besides the optimizer and the model (the step, the times
     * so far, the evaluations), so a resumed run reports as if it had not stopped.
     */
    private static final class Tally implements Stateful {
        /** This rank's steps. */
        long t;
        /** The run's step: t, or an asynchronous run's mean steps at its last pause. */
        long at;
        double lastLocalLoss = Double.NaN;
        long trainNanos;
        long evalNanos;
        long checkpointNanos;
        /** Wall time of earlier attempts (from the checkpoint), and this attempt's start. */
        long elapsedNanos;
        long start = System.nanoTime();
        boolean reached;
        double secondsToTarget = Double.NaN;
        /** From the JVM's start to this attempt's first step. */
        double startupSeconds;
        /**
         * The run's step from which this rank's steps count their heap allocation (the run's second half: the first
         * leaves the JIT its time and the buffers that grow once their growth), and the steps and bytes counted in
         * this attempt.
         */
        long heapFrom = Long.MAX_VALUE;
        long heapSteps;
        long heapBytes;
        /** The steps counted that allocated anything. */
        long heapAllocatingSteps;
        final List<Point> history = new ArrayList<>();

        double seconds() {
            return (elapsedNanos + System.nanoTime() - start) / 1e9;
        }

        @Override
        public void state(State s) {
            t = s.longValue("step", t);
            at = s.longValue("run_step", at);
            lastLocalLoss = s.doubleValue("minibatch_loss", lastLocalLoss);
            trainNanos = s.longValue("train_nanos", trainNanos);
            evalNanos = s.longValue("eval_nanos", evalNanos);
            checkpointNanos = s.longValue("checkpoint_nanos", checkpointNanos);
            final long wall = s.longValue("wall_nanos", elapsedNanos + System.nanoTime() - start);
            reached = s.flag("target_reached", reached);
            secondsToTarget = s.doubleValue("seconds_to_target", secondsToTarget);
            final int fields = 9;
            final double[] points = new double[fields * (int) s.longValue("evaluations", history.size())];
            for (int i = 0; !s.restoring() && i < history.size(); i++) {
                final Point p = history.get(i);
                System.arraycopy(new double[] {p.step(), p.trainLoss(), p.trainAccuracy(), p.testAccuracy(),
                    p.consensus(), p.bytesTotal(), p.paperBitsTotal(), p.seconds(), p.trainSeconds()}, 0, points,
                    fields * i, fields);
            }
            s.doubles("evaluations", points);
            if (s.restoring()) {
                elapsedNanos = wall;
                start = System.nanoTime();
                history.clear();
                for (int i = 0; i < points.length; i += fields) {
                    history.add(new Point((long) points[i], points[i + 1], points[i + 2], points[i + 3], points[i + 4],
                        points[i + 5], points[i + 6], points[i + 7], points[i + 8]));
                }
            }
        }
    }

    /**
     * The all-reduce that starts an evaluation; when its deadline passes, the message says which evaluation, and
     * which ranks had not reached it.
     */
    private void averageForEvaluation(AllreduceAverage average, float[] xbar, long step) {
        try {
            average.average(xbar);
        } catch (CommTimeoutException e) {
            throw new CommException(e.within("the evaluation after step " + step));
        }
    }

    /** resume: the latest checkpoint complete on every rank, or step 0 when there is none. */
    private void resume(Checkpoints checkpoints, Stateful state, Tally tally, long steps) {
        final long step = checkpoints.resume(state);
        if (step > steps) {
            throw new SettingException("steps", "{resume}: the checkpoint under " + checkpoints.dir() + " is at step "
                + step + ", beyond the " + steps + " steps asked for: give {steps} of at least " + step);
        }
        if (comm.rank() == 0) {
            out.println(step < 0 ? "resume: no complete checkpoint under " + checkpoints.dir() + "; starting at step 0"
                : "resume: continuing from the checkpoint of step " + step + " under " + checkpoints.dir());
            out.flush();
        }
        if (step >= 0 && tally.at != step) {
            throw new IllegalStateException("checkpoint of step " + step + " restored step " + tally.at);
        }
    }

    /**
     * Refuses {@code c} where it cannot run on {@code ranks} ranks ({@link Algorithms#check}: algorithm, topology,
     * compressor and overlap together). Needs no data, so a sweep checks all its runs first.
     *
     * @throws SettingException naming the setting at fault
     */
    public static void check(TrainConfig c, int ranks) {
        Algorithms.check(c.algorithm(), Topologies.parse(c.topology(), ranks), Compressors.parse(c.compressor(),
            c.seed(), 0), c.overlap());
    }

    /**
     * The rows of the training loss's sample for a training set of {@code rows}: the given count, refused above the
     * set's rows; without one, {@link TrainConfig#DEFAULT_EVAL_ROWS} or all rows where there are fewer.
     */
    private int evalRows(int rows) {
        final int n = config.evalRows();
        if (n == TrainConfig.EVAL_ROWS_AUTO) {
            return Math.min(Integer.parseInt(TrainConfig.DEFAULT_EVAL_ROWS), rows);
        }
        if (n > rows) {
            throw new SettingException("evalRows", "{evalRows} " + n + " is more than the " + rows + " training rows:"
                + " give at most " + rows + ", or 0 for all of them");
        }
        return n;
    }

    /**
     * This rank's rows of the training loss's estimate with {@code --eval-rows N}: N rows of the whole training set
     * drawn without replacement from the seed (the same on every rank, in row order), of which each rank holds and
     * evaluates only its contiguous part; null for all rows (N = 0, or N at least the number of rows).
     */
    private Dataset lossSample(Rows train, Labels labels) {
        final int n = evalRows(train.rows());
        if (n == 0 || n == train.rows()) {
            return null;
        }
        final int[] rows = new int[train.rows()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        final SplittableRandom r = new SplittableRandom(config.seed() ^ 0x5EEDE7A1L);
        for (int i = 0; i < n; i++) { // partial Fisher-Yates: rows[0, n) is a uniform sample
            final int j = i + r.nextInt(rows.length - i);
            final int keep = rows[i];
            rows[i] = rows[j];
            rows[j] = keep;
        }
        java.util.Arrays.sort(rows, 0, n);
        final int[] mine = part(n);
        for (int i = 0; i < mine.length; i++) {
            mine[i] = rows[mine[i]];
        }
        return labeled(labels, train.read(mine, train.source() + " loss sample, part " + comm.rank()));
    }

    private void header(Decentralized opt, Model model, Rows train, Dataset shard, MinibatchSampler sampler,
                        long steps, Topology topology, Compressor compressor, Gemm gemm, DeviceChoice devices) {
        out.printf(Locale.ROOT, "train: %s, %s model (%d parameters) on %s, %d rank%s (%s shards of ~%d rows, %.1f MB"
                + " on rank 0), batch %d, lr %s, %d steps, kernels on %s (%s)%nbackend: %s%n", config.algorithm()
                + (config.allreduce() == AllreduceAverage.Kind.RING ? " (gossip-mpi's ring all-reduce)" : ""),
            model.name(), model.dimension(), train, comm.size(), comm.size() == 1 ? "" : "s", config.shard(),
            shard.rows(), shard.bytes() / 1e6,
            sampler.batchSize(), config.lr(), steps,
            gemm.describe(), devices.why(names), comm.backend());
        if (!config.algorithm().equals("allreduce")) {
            final Spectrum sp = Spectrum.of(topology);
            final double omega = compressor.omega(model.dimension());
            out.printf(Locale.ROOT, "topology %s: rho %.4f, beta %.4f; compressor %s: omega %s%s%n", topology.name(),
                sp.rho, sp.beta, compressor.spec(), Double.isNaN(omega) ? "data-dependent" : String.format(Locale.ROOT,
                    "%.4g", omega), config.algorithm().startsWith("choco") && !Double.isNaN(omega)
                    ? String.format(Locale.ROOT, "; CHOCO's theoretical gamma %.3g, using %.3g", sp.chocoGamma(omega),
                    config.gamma()) : "");
            final Quantizer quantizer = Devices.quantizer(devices);
            out.printf(Locale.ROOT, "codecs: %s%s, %d thread%s per rank, JDK %d%n", quantizer.describe(),
                quantizer.describe().startsWith("Java") ? " (" + Quantizers.why() + ")" : "", codecThreads,
                codecThreads == 1 ? "" : "s", Runtime.version().feature());
        }
        if (opt.asynchronous()) {
            out.printf(Locale.ROOT, "asynchronous: each rank steps at its own pace; the run's step is the ranks' mean;"
                + " they pause together every %d steps (each rank's share planned from its step rate) to evaluate%s: a"
                + " consistent cut, every rank stopped and no message in flight%n", config.evalEvery(),
                config.checkpoint().enabled() ? " and checkpoint" : "");
        }
        out.flush();
    }

    /**
     * This rank's metrics file: new at step 0; when resuming from step {@code from}, the earlier attempt's lines
     * up to that step are kept (rewritten whole, atomically) and the new ones appended.
     */
    private JsonIo.Lines openJsonl(Path runDir, long from) {
        if (runDir == null) {
            return null;
        }
        final Path file = runDir.resolve("rank-" + comm.rank() + ".jsonl");
        try {
            Files.createDirectories(runDir);
            if (from == 0 || !Files.isRegularFile(file)) {
                return new JsonIo.Lines(file, false);
            }
            final StringBuilder kept = new StringBuilder();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                final com.fasterxml.jackson.databind.JsonNode node = JsonIo.parse(line);
                if (node != null && node.has("step") && node.get("step").asLong() <= from) {
                    kept.append(line).append('\n');
                }
            }
            AtomicFiles.writeString(file, kept);
            return new JsonIo.Lines(file, true);
        } catch (IOException e) {
            throw new UncheckedIOException("rank " + comm.rank() + " cannot write its metrics " + file + " ({out}): "
                + AtomicFiles.reason(e), e);
        }
    }

    /** One JSONL line: this rank's step, minibatch loss, bytes sent and bits as the papers count them. */
    private void writeJsonl(JsonIo.Lines w, long step, double localLoss, long bytes, double paperBits) {
        if (w == null) {
            return;
        }
        try {
            final com.fasterxml.jackson.core.JsonGenerator g = w.begin();
            g.writeNumberField("step", step);
            g.writeNumberField("rank", comm.rank());
            w.number("minibatch_loss", localLoss);
            g.writeNumberField("bytes_sent", bytes);
            w.number("paper_bits", paperBits);
            w.end();
        } catch (IOException e) {
            throw new UncheckedIOException("rank " + comm.rank() + " cannot write its metrics line of step " + step
                + " to " + w.file() + " ({out}): " + AtomicFiles.reason(e) + "; the lines before it are kept", e);
        }
    }

    private static void closeQuietly(JsonIo.Lines w) {
        if (w != null) {
            try {
                w.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Model model(Rows train, Labels labels, Gemm gemm) {
        final int d = train.cols();
        switch (config.model()) {
            case "logistic":
                return LinearModel.logistic(d, config.l2(), gemm);
            case "leastsquares":
                return LinearModel.leastSquares(d, config.l2(), gemm);
            case "softmax":
                return new SoftmaxRegression(d, labels.classes(), config.l2(), gemm);
            case "mlp":
                return new Mlp(d, config.hidden(), labels.classes(), config.l2(), gemm);
            default:
                return Models.create(config.model(), d, labels.classes(), config.l2());
        }
    }
}
