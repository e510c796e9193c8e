package org.gossipmpi.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.gossipmpi.algo.Algorithms;
import org.gossipmpi.algo.LocalStep;
import org.gossipmpi.checkpoint.CheckpointSettings;
import org.gossipmpi.collective.AllreduceAverage;
import org.gossipmpi.config.SettingException;
import org.gossipmpi.data.Sharding;
import org.gossipmpi.kernel.Devices;
import org.gossipmpi.metrics.Report;
import org.gossipmpi.model.Models;

/**
 * One validated training configuration (one run of a sweep), built before anything starts. Its defaults are the
 * command line's: the {@code DEFAULT_*} constants are what {@code train}'s options and this record's
 * {@link Builder} both start from, defined once here.
 *
 * @param steps      steps to run, or 0 to derive them from {@code epochs}
 * @param batch      rows per minibatch per rank, 0 for the whole shard
 * @param evalEvery  steps between evaluations (and progress lines)
 * @param targetLoss stop once the averaged model's training loss is at most this (NaN: run all steps)
 * @param out        where metrics, the summary and plots go (null: nowhere)
 * @param saveModel  where every rank writes its model as rank-R.txt (null: nowhere)
 * @param device     the kernels' backend, null for the default ({@link Devices#choose})
 * @param evalRows   training rows the loss is estimated on, a seeded sample (0: all rows; at most the training
 *                   set's rows; {@link #EVAL_ROWS_AUTO}: {@link #DEFAULT_EVAL_ROWS}, or all rows where there are fewer)
 * @param allreduce  whose all-reduce the allreduce algorithm sums with (the MPI library's or gossip-mpi's ring)
 */
public record TrainConfig(String algorithm, String model, int hidden, String data, String testData, int features,
                          int batch, LearningRate lr, LocalStep.Kind momentumKind, double momentum, double l2,
                          long steps, double epochs, Sharding shard, long seed, long evalEvery,
                          Devices.Kind device, String topology, String compressor, double gamma, boolean overlap,
                          double targetLoss, Path out, Path saveModel, int evalRows, CheckpointSettings checkpoint,
                          AllreduceAverage.Kind allreduce) {

    public static final String DEFAULT_ALGORITHM = "choco";
    public static final String DEFAULT_MODEL = "logistic";
    public static final String DEFAULT_HIDDEN = "100";
    public static final String DEFAULT_BATCH = "64";
    public static final String DEFAULT_LR = "0.1";
    public static final String DEFAULT_LR_SCHEDULE = "const";
    public static final String DEFAULT_LR_B = "1000";
    public static final String DEFAULT_LR_DECAY = "0.1";
    public static final String DEFAULT_LR_EVERY = "1000";
    public static final String DEFAULT_MOMENTUM = "0";
    public static final String DEFAULT_L2 = "0";
    public static final String DEFAULT_SHARD = "iid";
    public static final String DEFAULT_SEED = "1";
    public static final String DEFAULT_EVAL_EVERY = "500";
    public static final String DEFAULT_EVAL_ROWS = "10000";
    /** {@code evalRows} when none was given: {@link #DEFAULT_EVAL_ROWS} rows, or all where the set has fewer. */
    public static final int EVAL_ROWS_AUTO = -1;

    /** Refuses a given count of loss-sample rows below 0. */
    public static void checkEvalRows(int evalRows) {
        if (evalRows < 0) {
            throw new SettingException("evalRows", "{evalRows} must be >= 0 (0: all training rows), got " + evalRows);
        }
    }
    public static final String DEFAULT_TOPOLOGY = "ring";
    public static final String DEFAULT_COMPRESSOR = "none";
    /** The consensus step when none is given: 1, right for exact messages (compressed ones need less). */
    public static final String DEFAULT_GAMMA = "1";

    /** Checks what can be checked without data and ranks; throws naming the setting at fault. */
    public TrainConfig {
        Algorithms.checkKnown(algorithm);
        if (!Models.BUILT_IN.contains(model) && !Models.provided(model)) {
            throw new SettingException("model", "unknown {model} '" + model + "'; valid: " + String.join(", ",
                Models.names()));
        }
        if (batch < 0) {
            throw new SettingException("batch", "{batch} must be >= 0 (0: the whole shard), got " + batch);
        }
        if (steps < 0 || !(epochs >= 0) || (steps == 0) == (epochs == 0)) {
            throw new SettingException("steps", "give exactly one of {steps} T (T >= 1) or {epochs} E (E > 0)");
        }
        if (!(l2 >= 0)) {
            throw new SettingException("l2", "{l2} must be >= 0, got " + l2);
        }
        if (evalRows != EVAL_ROWS_AUTO) {
            checkEvalRows(evalRows);
        }
        if (evalEvery < 1) {
            throw new SettingException("evalEvery", "{evalEvery} must be >= 1, got " + evalEvery);
        }
        if (features < 0) {
            throw new SettingException("features", "{features} must be >= 0, got " + features);
        }
        Report.checkTargetLoss(targetLoss);
        LocalStep.check(momentumKind, momentum);
        if (!(gamma > 0 && gamma <= 1)) {
            throw new SettingException("gamma", "{gamma} must be in (0, 1], got " + gamma);
        }
        AllreduceAverage.Kind.check(allreduce, algorithm);
    }

    /** Settings a resumed run may change: they end the run elsewhere or write elsewhere, not change its steps. */
    static final Set<String> RESUMABLE_CHANGES = Set.of("steps", "epochs", "evalEvery", "targetLoss", "out",
        "saveModel", "checkpoint", "allreduce");

    /**
     * Every setting of the run, {name, value}, in a fixed order, each written out: what every rank must agree on.
     * The names are the settings' own (what a refusal names; the command line shows them as its flags).
     */
    public List<String[]> fields() {
        final List<String[]> f = new ArrayList<>();
        add(f, "algorithm", algorithm);
        add(f, "model", model);
        add(f, "hidden", Integer.toString(hidden));
        add(f, "data", data);
        add(f, "testData", String.valueOf(testData));
        add(f, "features", Integer.toString(features));
        add(f, "batch", Integer.toString(batch));
        add(f, "lrSchedule", lr.kind().name().toLowerCase(java.util.Locale.ROOT));
        add(f, "lr", Double.toString(lr.a()));
        add(f, "lrB", Double.toString(lr.b()));
        add(f, "lrDecay", Double.toString(lr.factor()));
        add(f, "lrEvery", Long.toString(lr.every()));
        add(f, "momentumKind", momentumKind.name());
        add(f, "momentum", Double.toString(momentum));
        add(f, "l2", Double.toString(l2));
        add(f, "steps", Long.toString(steps));
        add(f, "epochs", Double.toString(epochs));
        add(f, "shard", shard.name());
        add(f, "seed", Long.toString(seed));
        add(f, "evalEvery", Long.toString(evalEvery));
        add(f, "device", String.valueOf(device));
        add(f, "topology", topology);
        add(f, "compressor", compressor);
        add(f, "gamma", Double.toString(gamma));
        add(f, "overlap", Boolean.toString(overlap));
        add(f, "targetLoss", Double.toString(targetLoss));
        add(f, "out", String.valueOf(out));
        add(f, "saveModel", String.valueOf(saveModel));
        add(f, "evalRows", Integer.toString(evalRows));
        add(f, "checkpoint", String.valueOf(checkpoint.dir()));
        add(f, "allreduce", allreduce.id());
        return f;
    }

    private static void add(List<String[]> f, String name, String value) {
        f.add(new String[] {name, value.replace('\n', ' ')});
    }

    /**
     * The settings that shape the trajectory, one {@code name=value} line each: what a checkpoint must have been
     * written with to be resumed by this run (all but {@link #RESUMABLE_CHANGES}).
     */
    public String trajectoryFingerprint() {
        final StringBuilder sb = new StringBuilder();
        for (String[] f : fields()) {
            if (!RESUMABLE_CHANGES.contains(f[0])) {
                sb.append(f[0]).append('=').append(f[1]).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * A short name of the run: algorithm, compressor (if it compresses, or dpsgd's fp16) and topology (for
     * all-reduce: {@code allreduce}, or {@code allreduce-ring} with gossip-mpi's ring, {@code allreduce-ring-overlap}
     * with its buckets summed while the gradient is computed).
     */
    public String runName() {
        final String c = Algorithms.compresses(algorithm) || !compressor.equals("none") ? "-" + compressor : "";
        final String t = !algorithm.equals("allreduce") ? "-" + topology
            : allreduce == AllreduceAverage.Kind.MPI ? "" : "-" + allreduce.id() + (overlap ? "-overlap" : "");
        return (algorithm + c + t).replaceAll("[^A-Za-z0-9.+_-]", "_");
    }

    /** A builder with the command line's defaults (logistic on fashion-mnist:binary, choco on a ring, ...). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration, to change some fields of it. */
    public Builder toBuilder() {
        final Builder b = new Builder();
        b.algorithm = algorithm;
        b.model = model;
        b.hidden = hidden;
        b.data = data;
        b.testData = testData;
        b.features = features;
        b.batch = batch;
        b.lr = lr;
        b.momentumKind = momentumKind;
        b.momentum = momentum;
        b.l2 = l2;
        b.steps = steps;
        b.epochs = epochs;
        b.shard = shard;
        b.seed = seed;
        b.evalEvery = evalEvery;
        b.device = device;
        b.topology = topology;
        b.compressor = compressor;
        b.gamma = gamma;
        b.overlap = overlap;
        b.targetLoss = targetLoss;
        b.out = out;
        b.saveModel = saveModel;
        b.evalRows = evalRows;
        b.checkpoint = checkpoint;
        b.allreduce = allreduce;
        return b;
    }

    /**
     * Builds a {@link TrainConfig} by field name; {@link #build()} checks it. Its defaults are the command line's
     * (the {@code DEFAULT_*} constants); the data defaults to {@code fashion-mnist:binary} and the length to 100
     * steps, where the command line requires them.
     */
    public static final class Builder {
        private String algorithm = DEFAULT_ALGORITHM;
        private String model = DEFAULT_MODEL;
        private int hidden = Integer.parseInt(DEFAULT_HIDDEN);
        private String data = "fashion-mnist:binary";
        private String testData;
        private int features;
        private int batch = Integer.parseInt(DEFAULT_BATCH);
        private LearningRate lr = new LearningRate(LearningRate.Kind.valueOf(DEFAULT_LR_SCHEDULE.toUpperCase(
            java.util.Locale.ROOT)), Double.parseDouble(DEFAULT_LR), Double.parseDouble(DEFAULT_LR_B),
            Double.parseDouble(DEFAULT_LR_DECAY), Long.parseLong(DEFAULT_LR_EVERY));
        private LocalStep.Kind momentumKind = LocalStep.Kind.NONE;
        private double momentum = Double.parseDouble(DEFAULT_MOMENTUM);
        private double l2 = Double.parseDouble(DEFAULT_L2);
        private long steps = 100;
        private double epochs;
        private Sharding shard = Sharding.valueOf(DEFAULT_SHARD);
        private long seed = Long.parseLong(DEFAULT_SEED);
        private long evalEvery = Long.parseLong(DEFAULT_EVAL_EVERY);
        private Devices.Kind device;
        private String topology = DEFAULT_TOPOLOGY;
        private String compressor = DEFAULT_COMPRESSOR;
        private double gamma = Double.parseDouble(DEFAULT_GAMMA);
        private boolean overlap;
        private double targetLoss = Double.NaN;
        private Path out;
        private Path saveModel;
        private int evalRows = EVAL_ROWS_AUTO;
        private CheckpointSettings checkpoint = CheckpointSettings.NONE;
        private AllreduceAverage.Kind allreduce = AllreduceAverage.Kind.MPI;

        private Builder() {
        }

        public Builder algorithm(String v) { algorithm = v; return this; }
        public Builder model(String v) { model = v; return this; }
        public Builder hidden(int v) { hidden = v; return this; }
        public Builder data(String v) { data = v; return this; }
        public Builder testData(String v) { testData = v; return this; }
        public Builder features(int v) { features = v; return this; }
        public Builder batch(int v) { batch = v; return this; }
        public Builder lr(LearningRate v) { lr = v; return this; }
        /** A constant learning rate. */
        public Builder lr(double a) { lr = new LearningRate(LearningRate.Kind.CONST, a, 1000, 0.1, 1000); return this; }
        public Builder momentum(LocalStep.Kind kind, double mu) { momentumKind = kind; momentum = mu; return this; }
        public Builder l2(double v) { l2 = v; return this; }
        /** T steps (and no epochs). */
        public Builder steps(long v) { steps = v; epochs = 0; return this; }
        /** E epochs (and no steps). */
        public Builder epochs(double v) { epochs = v; steps = 0; return this; }
        public Builder shard(Sharding v) { shard = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder evalEvery(long v) { evalEvery = v; return this; }
        public Builder device(Devices.Kind v) { device = v; return this; }
        public Builder topology(String v) { topology = v; return this; }
        public Builder compressor(String v) { compressor = v; return this; }
        public Builder gamma(double v) { gamma = v; return this; }
        public Builder overlap(boolean v) { overlap = v; return this; }
        public Builder targetLoss(double v) { targetLoss = v; return this; }
        public Builder out(Path v) { out = v; return this; }
        public Builder saveModel(Path v) { saveModel = v; return this; }
        public Builder evalRows(int v) { evalRows = v; return this; }
        public Builder checkpoint(CheckpointSettings v) { checkpoint = v; return this; }
        public Builder allreduce(AllreduceAverage.Kind v) { allreduce = v; return this; }

        public TrainConfig build() {
            return new TrainConfig(algorithm, model, hidden, data, testData, features, batch, lr, momentumKind,
                momentum, l2, steps, epochs, shard, seed, evalEvery, device, topology, compressor, gamma, overlap,
                targetLoss, out, saveModel, evalRows, checkpoint, allreduce);
        }
    }
}
