package org.gossipmpi.algo;

import java.nio.file.Path;

import org.gossipmpi.checkpoint.CheckpointSettings;
import org.gossipmpi.data.Sharding;
import org.gossipmpi.kernel.Devices;

/**
 * One validated training configuration (one run of a sweep), built from the command line before anything
 * starts.
 *
 * @param steps      steps to run, or 0 to derive them from {@code epochs}
 * @param batch      rows per minibatch per rank, 0 for the whole shard
 * @param evalEvery  steps between evaluations (and progress lines)
 * @param targetLoss stop once the averaged model's training loss is at most this (NaN: run all steps)
 * @param out        where metrics, the summary and plots go (null: nowhere)
 * @param saveModel  where every rank writes its model as rank-R.txt (null: nowhere)
 * @param device     the kernels' backend asked for with {@code --device}, null for the default
 *                   ({@link Devices#choose})
 * @param evalRows   training rows the loss is estimated on, a seeded sample (0: all rows)
 */
public record TrainConfig(String algorithm, String model, int hidden, String data, String testData, int features,
                          int batch, LearningRate lr, LocalStep.Kind momentumKind, double momentum, double l2,
                          long steps, double epochs, Sharding shard, long seed, long evalEvery,
                          Devices.Kind device, String topology, String compressor, double gamma, boolean overlap,
                          double targetLoss, Path out, Path saveModel, int evalRows, CheckpointSettings checkpoint) {

    public static final String MODELS = "logistic, softmax, leastsquares, mlp";

    /** Checks what can be checked without data and ranks; throws with the option at fault. */
    public TrainConfig {
        if (!java.util.List.of(Algorithms.NAMES.split(", ")).contains(algorithm)) {
            throw new IllegalArgumentException("unknown --algorithm '" + algorithm + "'; valid: " + Algorithms.NAMES);
        }
        if (!java.util.List.of(MODELS.split(", ")).contains(model)) {
            throw new IllegalArgumentException("unknown --model '" + model + "'; valid: " + MODELS);
        }
        if (batch < 0) {
            throw new IllegalArgumentException("--batch must be >= 0 (0: the whole shard), got " + batch);
        }
        if (steps < 0 || !(epochs >= 0) || (steps == 0) == (epochs == 0)) {
            throw new IllegalArgumentException("give exactly one of --steps T (T >= 1) or --epochs E (E > 0)");
        }
        if (!(l2 >= 0)) {
            throw new IllegalArgumentException("--l2 must be >= 0, got " + l2);
        }
        if (evalRows < 0) {
            throw new IllegalArgumentException("--eval-rows must be >= 0 (0: all training rows), got " + evalRows);
        }
        if (evalEvery < 1) {
            throw new IllegalArgumentException("--eval-every must be >= 1, got " + evalEvery);
        }
        if (features < 0) {
            throw new IllegalArgumentException("--features must be >= 0, got " + features);
        }
        org.gossipmpi.metrics.Report.checkTargetLoss(targetLoss);
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("--gamma must be in (0, 1], got " + gamma);
        }
    }

    /** Settings a resumed run may change: they end the run elsewhere or write elsewhere, not change its steps. */
    static final java.util.Set<String> RESUMABLE_CHANGES = java.util.Set.of("steps", "epochs", "evalEvery", "targetLoss",
        "out", "saveModel", "checkpoint");

    /**
     * The settings that shape the trajectory, one {@code --option=value} line each: what a checkpoint must have
     * been written with to be resumed by this run (all but {@link #RESUMABLE_CHANGES}).
     */
    public String trajectoryFingerprint() {
        final StringBuilder sb = new StringBuilder();
        for (java.lang.reflect.RecordComponent c : TrainConfig.class.getRecordComponents()) {
            if (RESUMABLE_CHANGES.contains(c.getName())) {
                continue;
            }
            final Object value;
            try {
                value = c.getAccessor().invoke(this);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            sb.append("--").append(c.getName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT))
                .append('=').append(String.valueOf(value).replace('\n', ' ')).append('\n');
        }
        return sb.toString();
    }

    /** A short name of the run: algorithm, compressor (if it compresses, or dpsgd's fp16) and topology. */
    public String runName() {
        final String c = Algorithms.compresses(algorithm) || !compressor.equals("none") ? "-" + compressor : "";
        final String t = algorithm.equals("allreduce") ? "" : "-" + topology;
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
        return b;
    }

    /** Builds a {@link TrainConfig} by field name; {@link #build()} checks it. */
    public static final class Builder {
        private String algorithm = "choco";
        private String model = "logistic";
        private int hidden = 100;
        private String data = "fashion-mnist:binary";
        private String testData;
        private int features;
        private int batch = 64;
        private LearningRate lr = new LearningRate(LearningRate.Kind.CONST, 0.1, 1000, 0.1, 1000);
        private LocalStep.Kind momentumKind = LocalStep.Kind.NONE;
        private double momentum;
        private double l2;
        private long steps = 100;
        private double epochs;
        private Sharding shard = Sharding.iid;
        private long seed = 1;
        private long evalEvery = 100;
        private Devices.Kind device;
        private String topology = "ring";
        private String compressor = "none";
        private double gamma = 1;
        private boolean overlap;
        private double targetLoss = Double.NaN;
        private Path out;
        private Path saveModel;
        private int evalRows = 10000;
        private CheckpointSettings checkpoint = CheckpointSettings.NONE;

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

        public TrainConfig build() {
            return new TrainConfig(algorithm, model, hidden, data, testData, features, batch, lr, momentumKind,
                momentum, l2, steps, epochs, shard, seed, evalEvery, device, topology, compressor, gamma, overlap,
                targetLoss, out, saveModel, evalRows, checkpoint);
        }
    }
}
