package org.gossipmpi.algo;

import java.nio.file.Path;

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
                          double targetLoss, Path out, Path saveModel, int evalRows) {

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
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("--gamma must be in (0, 1], got " + gamma);
        }
    }

    /** A short name of the run: algorithm, compressor (if it compresses) and topology. */
    public String runName() {
        final String c = Algorithms.compresses(algorithm) ? "-" + compressor : "";
        final String t = algorithm.equals("allreduce") ? "" : "-" + topology;
        return (algorithm + c + t).replaceAll("[^A-Za-z0-9.+_-]", "_");
    }
}
