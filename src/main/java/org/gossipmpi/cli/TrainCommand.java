package org.gossipmpi.cli;

import java.util.concurrent.Callable;

import org.gossipmpi.algo.LearningRate;
import org.gossipmpi.algo.LocalStep;
import org.gossipmpi.algo.TrainConfig;
import org.gossipmpi.algo.Training;
import org.gossipmpi.data.Sharding;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gossip-mpi train}: SPMD training; rank 0 prints progress and the result. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train a model with a distributed algorithm, under mpirun or with --ranks N in-process ranks.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    LaunchOptions launch;

    @Mixin
    DeviceOptions device;

    @Option(names = "--algorithm", defaultValue = "allreduce",
        description = "Algorithm: " + TrainConfig.ALGORITHMS + " (default: ${DEFAULT-VALUE}).")
    String algorithm;

    @Option(names = "--model", defaultValue = "logistic",
        description = "Model: " + TrainConfig.MODELS + " (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--hidden", defaultValue = "100", description = "Hidden units of the mlp (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--data", required = true, paramLabel = "PATH|NAME",
        description = "fashion-mnist, fashion-mnist:binary (T-shirt/top vs Shirt), or a LIBSVM, CSV or IDX file.")
    String data;

    @Option(names = "--test-data", paramLabel = "PATH", description = "Test file (the named sets bring theirs).")
    String testData;

    @Option(names = "--features", defaultValue = "0", paramLabel = "D",
        description = "Features of a LIBSVM file (default: the largest index found).")
    int features;

    @Option(names = "--batch", defaultValue = "64", paramLabel = "B",
        description = "Rows per minibatch per rank; 0 = the whole local shard (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.1", paramLabel = "A", description = "Learning rate a (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--lr-schedule", defaultValue = "const", paramLabel = "KIND",
        description = "const (a), step (a * decay^floor(t / every)), inverse (a * b / (t + b)); default: ${DEFAULT-VALUE}.")
    String lrSchedule;

    @Option(names = "--lr-b", defaultValue = "1000", description = "b of the inverse schedule (default: ${DEFAULT-VALUE}).")
    double lrB;

    @Option(names = "--lr-decay", defaultValue = "0.1", description = "Factor of the step schedule (default: ${DEFAULT-VALUE}).")
    double lrDecay;

    @Option(names = "--lr-every", defaultValue = "1000", description = "Steps between decays (default: ${DEFAULT-VALUE}).")
    long lrEvery;

    @Option(names = "--momentum", defaultValue = "0", description = "Momentum mu on the local step, 0 for none (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--nesterov", description = "Nesterov instead of heavy-ball momentum.")
    boolean nesterov;

    @Option(names = "--l2", defaultValue = "0", paramLabel = "LAMBDA",
        description = "L2 regularization (lambda / 2) ||w||^2 (default: ${DEFAULT-VALUE}).")
    double l2;

    @Option(names = "--steps", defaultValue = "0", paramLabel = "T", description = "Steps to run (or --epochs).")
    long steps;

    @Option(names = "--epochs", defaultValue = "0", paramLabel = "E",
        description = "Passes over the training data, over all ranks (or --steps).")
    double epochs;

    @Option(names = "--shard", defaultValue = "iid", paramLabel = "KIND",
        description = "iid (seeded shuffle), sorted (by label), contiguous (file order); default: ${DEFAULT-VALUE}.")
    Sharding shard;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eval-every", defaultValue = "500", paramLabel = "K",
        description = "Steps between evaluations and progress lines (default: ${DEFAULT-VALUE}).")
    long evalEvery;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        final LearningRate.Kind kind;
        try {
            kind = LearningRate.Kind.valueOf(lrSchedule.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --lr-schedule '" + lrSchedule + "'; valid: const, step, inverse");
        }
        final LocalStep.Kind momentumKind = momentum == 0 ? LocalStep.Kind.NONE
            : nesterov ? LocalStep.Kind.NESTEROV : LocalStep.Kind.HEAVY_BALL;
        final TrainConfig config = new TrainConfig(algorithm, model, hidden, data, testData, features, batch,
            new LearningRate(kind, lr, lrB, lrDecay, lrEvery), momentumKind, momentum, l2, steps, epochs, shard, seed,
            evalEvery, device.kind());
        return RankLauncher.run(launch, comm -> new Training(config, comm, Main.out(spec)).run());
    }
}
