package org.gossipmpi.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.gossipmpi.algo.Algorithms;
import org.gossipmpi.algo.LocalStep;
import org.gossipmpi.checkpoint.CheckpointSettings;
import org.gossipmpi.checkpoint.Checkpoints;
import org.gossipmpi.collective.AllreduceAverage;
import org.gossipmpi.config.SettingException;
import org.gossipmpi.data.Sharding;
import org.gossipmpi.metrics.Report;
import org.gossipmpi.metrics.RunRecord;
import org.gossipmpi.train.ConfigAgreement;
import org.gossipmpi.train.LearningRate;
import org.gossipmpi.train.RunFiles;
import org.gossipmpi.train.TrainConfig;
import org.gossipmpi.train.Training;

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

    @Option(names = "--algorithm", defaultValue = TrainConfig.DEFAULT_ALGORITHM, split = ",",
        paramLabel = "NAME[,NAME...]", hideParamSyntax = true,
        description = "Algorithm(s): dpsgd, choco, choco-gossip, dcd, ecd, deepsqueeze, adpsgd, allreduce (default:"
            + " ${DEFAULT-VALUE}). A comma list runs each in turn (a sweep).")
    List<String> algorithms;

    @Option(names = "--topology", defaultValue = TrainConfig.DEFAULT_TOPOLOGY, paramLabel = "KIND",
        description = "Topology: " + org.gossipmpi.topology.Topologies.VALID_SPECS + " (default: ${DEFAULT-VALUE}).")
    String topology;

    @Option(names = "--compressor", defaultValue = TrainConfig.DEFAULT_COMPRESSOR, split = ",",
        paramLabel = "SPEC[,SPEC...]", hideParamSyntax = true,
        description = "Compressor(s) of the compressing algorithms: " + org.gossipmpi.compress.Compressors.VALID_SPECS
            + " (default: ${DEFAULT-VALUE}). A comma list runs each in turn.")
    List<String> compressors;

    @Option(names = "--gamma", paramLabel = "G",
        description = "Consensus step of choco, choco-gossip and deepsqueeze, in (0, 1] (default: "
            + TrainConfig.DEFAULT_GAMMA + ", right for exact messages; compressed ones need less: 0.05 for topk:0.01,"
            + " 0.5 for sign; the run prints CHOCO's theoretical value). Refused where no algorithm has one.")
    Double gamma;

    @Option(names = "--codec-threads", defaultValue = "1", paramLabel = "N",
        description = "Threads per rank that encoding and decoding split over; the payloads are the same for any N"
            + " (default: ${DEFAULT-VALUE}). Java codecs only (with --device opencl use 1).")
    int codecThreads;

    @Option(names = "--allreduce", paramLabel = "KIND",
        description = "Whose all-reduce the allreduce algorithm sums with: mpi (the MPI library's MPI_Allreduce, as"
            + " the site tuned it; the default) or ring (gossip-mpi's pipelined ring over point-to-point messages;"
            + " the faster on TCP links for large models: README). Refused where no algorithm is allreduce.")
    String allreduce;

    @Option(names = "--overlap", description = "Compute the next gradient while the exchange is in flight (dpsgd, dcd,"
        + " ecd; the results are identical), or sum the gradient in buckets while it is computed (allreduce with"
        + " --allreduce ring).")
    boolean overlap;

    @Option(names = "--target-loss", defaultValue = "NaN", paramLabel = "L",
        description = "Stop once the averaged model's training loss is at most L (checked every --eval-every steps).")
    double targetLoss;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Write DIR/RUN/rank-R.jsonl (every rank), DIR/RUN/summary.json and history.csv, and the charts"
            + " over every run in DIR (loss and accuracy against steps, bits and time; consensus).")
    Path out;

    @Option(names = "--overwrite",
        description = "Replace the run directories under --out that hold an earlier run's files (refused otherwise):"
            + " the earlier run is moved aside (to --out's .RUN.replaced) and removed once the new run has finished;"
            + " if the new run fails, it is put back.")
    boolean overwrite;

    @Option(names = "--save-model", paramLabel = "DIR",
        description = "Write every rank's model to DIR/rank-R.txt, one parameter per line (DIR/RUN/ in a sweep).")
    Path saveModel;

    @Option(names = "--checkpoint", paramLabel = "DIR",
        description = "Every --checkpoint-every steps (and at the end) every rank writes its whole state under"
            + " DIR/RUN/step-N/; the last 2 complete checkpoints are kept. DIR must be seen by every rank.")
    Path checkpoint;

    @Option(names = "--checkpoint-every", paramLabel = "K",
        description = "Steps between checkpoints (default: the --eval-every value).")
    Long checkpointEvery;

    @Option(names = "--resume",
        description = "Continue every run from its latest checkpoint complete on every rank (or from step 0 when it"
            + " has none); --steps or --epochs may be raised, the other settings must match.")
    boolean resume;

    @Option(names = "--model", defaultValue = TrainConfig.DEFAULT_MODEL, paramLabel = "MODEL",
        description = "Model: logistic, softmax, leastsquares, mlp, or a network of bin/gossip-mpi-djl: lenet5,"
            + " resnet20, wide-cnn (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--hidden", defaultValue = TrainConfig.DEFAULT_HIDDEN, paramLabel = "H", description = "Hidden units of the mlp (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--data", required = true, paramLabel = "PATH|NAME",
        description = "fashion-mnist, fashion-mnist:binary (T-shirt/top vs Shirt), or a LIBSVM, CSV or IDX file.")
    String data;

    @Option(names = "--test-data", paramLabel = "PATH", description = "Test file (the named sets bring theirs).")
    String testData;

    @Option(names = "--features", defaultValue = "0", paramLabel = "D",
        description = "Features of a LIBSVM file (default: the largest index found).")
    int features;

    @Option(names = "--batch", defaultValue = TrainConfig.DEFAULT_BATCH, paramLabel = "B",
        description = "Rows per minibatch per rank; 0 = the whole local shard (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = TrainConfig.DEFAULT_LR, paramLabel = "A", description = "Learning rate a (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--lr-schedule", defaultValue = TrainConfig.DEFAULT_LR_SCHEDULE, paramLabel = "KIND",
        description = "const (a), step (a * decay^floor(t / every)), inverse (a * b / (t + b)); default: ${DEFAULT-VALUE}.")
    String lrSchedule;

    @Option(names = "--lr-b", defaultValue = TrainConfig.DEFAULT_LR_B, paramLabel = "B", description = "b of the inverse schedule (default: ${DEFAULT-VALUE}).")
    double lrB;

    @Option(names = "--lr-decay", defaultValue = TrainConfig.DEFAULT_LR_DECAY, paramLabel = "F", description = "Factor of the step schedule (default: ${DEFAULT-VALUE}).")
    double lrDecay;

    @Option(names = "--lr-every", defaultValue = TrainConfig.DEFAULT_LR_EVERY, paramLabel = "K", description = "Steps between decays (default: ${DEFAULT-VALUE}).")
    long lrEvery;

    @Option(names = "--momentum", defaultValue = TrainConfig.DEFAULT_MOMENTUM, paramLabel = "MU", description = "Momentum mu on the local step, 0 for none (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--nesterov", description = "Nesterov instead of heavy-ball momentum.")
    boolean nesterov;

    @Option(names = "--l2", defaultValue = TrainConfig.DEFAULT_L2, paramLabel = "LAMBDA",
        description = "L2 regularization (lambda / 2) ||w||^2 (default: ${DEFAULT-VALUE}).")
    double l2;

    @Option(names = "--steps", defaultValue = "0", paramLabel = "T", description = "Steps to run (or --epochs).")
    long steps;

    @Option(names = "--epochs", defaultValue = "0", paramLabel = "E",
        description = "Passes over the training data, over all ranks (or --steps).")
    double epochs;

    @Option(names = "--shard", defaultValue = TrainConfig.DEFAULT_SHARD, paramLabel = "KIND",
        description = "iid (seeded shuffle of the rows), sorted (by label), contiguous (file order), blocks (seeded"
            + " shuffle of blocks of up to " + Sharding.MAX_BLOCK_ROWS + " rows: each rank reads about 1/n of a .gmd"
            + " file); default: ${DEFAULT-VALUE}.")
    Sharding shard;

    @Option(names = "--seed", defaultValue = TrainConfig.DEFAULT_SEED, paramLabel = "S", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eval-every", defaultValue = TrainConfig.DEFAULT_EVAL_EVERY, paramLabel = "K",
        description = "Steps between evaluations and progress lines (default: ${DEFAULT-VALUE}).")
    long evalEvery;

    @Option(names = "--eval-rows", defaultValue = TrainConfig.DEFAULT_EVAL_ROWS, paramLabel = "N",
        description = "Estimate the training loss on a fixed seeded sample of N training rows, 0 for all rows "
            + "(default: ${DEFAULT-VALUE}); the test accuracy is always on the whole test set.")
    int evalRows;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        final LearningRate.Kind kind;
        try {
            kind = LearningRate.Kind.valueOf(lrSchedule.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SettingException("lrSchedule", "unknown {lrSchedule} '" + lrSchedule + "'; valid: const, step,"
                + " inverse");
        }
        refuseMisfits();
        org.gossipmpi.compress.CodecThreads.check(codecThreads);
        final LocalStep.Kind momentumKind = momentum == 0 && !nesterov ? LocalStep.Kind.NONE
            : nesterov ? LocalStep.Kind.NESTEROV : LocalStep.Kind.HEAVY_BALL;
        final LearningRate rate = new LearningRate(kind, lr, lrB, lrDecay, lrEvery);
        final List<TrainConfig> runs = new ArrayList<>();
        for (String a : algorithms) {
            for (String c : compressorsOf(a.trim())) {
                runs.add(new TrainConfig(a.trim(), model, hidden, data, testData, features, batch, rate, momentumKind,
                    momentum, l2, steps, epochs, shard, seed, evalEvery, device.requested(), topology, c,
                    gamma == null ? Double.parseDouble(TrainConfig.DEFAULT_GAMMA) : gamma, overlap, targetLoss, out,
                    null, spec.commandLine().getParseResult().hasMatchedOption("--eval-rows") ? evalRows
                        : TrainConfig.EVAL_ROWS_AUTO, checkpointSettings(),
                    a.trim().equals("allreduce") && allreduce != null ? AllreduceAverage.Kind.parse(allreduce)
                        : AllreduceAverage.Kind.MPI));
            }
        }
        final boolean sweep = runs.size() > 1;
        final PrintWriter w = Main.out(spec);
        launch.run(comm -> {
            // The whole sweep, before its first run: the same settings on every rank, and every run possible.
            ConfigAgreement.check(comm, runs);
            for (TrainConfig c : runs) {
                try {
                    Training.check(c, comm.size());
                } catch (SettingException e) {
                    throw sweep ? new SettingException(e.setting(), c.runName() + ": " + e.render(n -> "{" + n + "}"))
                        : e;
                }
            }
            final OutputDirs dirs = comm.rank() == 0 ? prepareOutputs(runs) : null;
            comm.barrier(); // no rank writes before rank 0 has checked, and set earlier runs aside with --overwrite
            checkRankTargets(comm, runs, sweep);
            final List<Training.Outcome> outcomes = new ArrayList<>();
            for (TrainConfig c : runs) {
                final TrainConfig run = saveModel == null ? c : withSaveModel(c,
                    sweep ? saveModel.resolve(c.runName()) : saveModel);
                if (sweep && comm.rank() == 0) {
                    w.println("== " + run.runName());
                    w.flush();
                }
                try {
                    outcomes.add(new Training(run, comm, w, codecThreads, Flags::of).run());
                } catch (RuntimeException | Error e) {
                    if (dirs != null) {
                        dirs.restore(run.runName(), w);
                    }
                    throw e;
                }
                if (dirs != null) {
                    dirs.replaced(run.runName());
                }
            }
            if (comm.rank() == 0) {
                if (sweep) {
                    table(w, outcomes);
                }
                if (out != null) {
                    final List<Path> plots;
                    try {
                        plots = RunFiles.plot(out);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException("rank 0 cannot draw the charts under " + out
                            + " ({out}): " + org.gossipmpi.io.AtomicFiles.reason(e) + "; every run's summary.json and"
                            + " history.csv are written", e);
                    }
                    for (Path p : plots) {
                        w.println("plot: " + p);
                    }
                    w.println("metrics and summaries: " + out + "/<run>/");
                }
                w.flush();
            }
        });
        return 0;
    }

    /** --checkpoint, --checkpoint-every and --resume, each refused where it would do nothing. */
    private CheckpointSettings checkpointSettings() {
        if (checkpoint == null && checkpointEvery != null) {
            throw new SettingException("checkpointEvery", "{checkpointEvery} sets how often checkpoints are written:"
                + " give {checkpoint} DIR as well");
        }
        return new CheckpointSettings(checkpoint, checkpoint == null ? 0 : checkpointEvery == null ? evalEvery
            : checkpointEvery, resume);
    }

    /**
     * The compressors a run of {@code algorithm} takes from --compressor: all of them for the compressing
     * algorithms; none and fp16 for dpsgd (exact otherwise, its role in a sweep); none for all-reduce.
     */
    private List<String> compressorsOf(String algorithm) {
        final List<String> all = new ArrayList<>();
        for (String c : compressors) {
            all.add(c.trim());
        }
        if (Algorithms.compresses(algorithm)) {
            return all;
        }
        if (algorithm.equals("dpsgd")) {
            final List<String> exact = new ArrayList<>();
            for (String c : all) {
                if (c.equals("none") || c.equals("fp16")) {
                    exact.add(c);
                }
            }
            return exact.isEmpty() ? List.of("none") : exact;
        }
        return List.of("none");
    }

    /**
     * Before step 0, on rank 0: the output and model directories exist and are writable, and no run directory
     * holds an earlier run's files, unless --overwrite (then the earlier run is set aside, to be removed once
     * the new one has finished, or put back if it fails) or --resume from a complete checkpoint (the run goes
     * on there). --resume without a complete checkpoint starts at step 0, which is refused where the run
     * directory holds a finished run (its summary.json).
     */
    private OutputDirs prepareOutputs(List<TrainConfig> runs) throws java.io.IOException {
        for (Object[] d : new Object[][] {{"--out", out}, {"--save-model", saveModel}, {"--checkpoint", checkpoint}}) {
            final Path p = (Path) d[1];
            if (p == null) {
                continue;
            }
            try {
                java.nio.file.Files.createDirectories(p);
            } catch (java.io.IOException | UnsupportedOperationException e) {
                throw new IllegalArgumentException(d[0] + " " + p + ": cannot create the directory ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
            if (!java.nio.file.Files.isWritable(p)) {
                throw new IllegalArgumentException(d[0] + " " + p + ": the directory is not writable");
            }
        }
        final OutputDirs dirs = new OutputDirs(out);
        if (out == null) {
            return dirs;
        }
        for (TrainConfig c : runs) {
            final Path runDir = out.resolve(c.runName());
            final Path aside = OutputDirs.aside(out, c.runName());
            if (java.nio.file.Files.exists(aside)) {
                throw new IllegalArgumentException("--out " + out + ": " + aside + " holds a run that an interrupted"
                    + " --overwrite set aside: move it back to " + runDir + " (or remove it), then start again");
            }
            if (!java.nio.file.Files.isDirectory(runDir)) {
                continue;
            }
            final List<String> found = new ArrayList<>();
            try (java.nio.file.DirectoryStream<Path> files = java.nio.file.Files.newDirectoryStream(runDir)) {
                files.forEach(f -> found.add(f.getFileName().toString()));
            }
            if (found.isEmpty()) {
                continue;
            }
            if (resume) {
                if (Checkpoints.hasComplete(checkpoint, c.runName())) {
                    continue; // --resume continues the run in its directory
                }
                if (!found.contains("summary.json") || overwrite) {
                    // an attempt that died before its first checkpoint: starting over loses only its partial lines
                    if (overwrite) {
                        dirs.setAside(c.runName());
                    }
                    continue;
                }
                throw new IllegalArgumentException("--resume: " + checkpoint.resolve(c.runName()) + " holds no"
                    + " complete checkpoint, so this run would start at step 0, and --out " + runDir + " holds a"
                    + " finished run (summary.json) that it would replace: give another --out, the --checkpoint"
                    + " directory that run wrote, or --overwrite to start over");
            }
            if (!overwrite) {
                java.util.Collections.sort(found);
                throw new IllegalArgumentException("--out " + out + ": " + runDir + " holds an earlier run's files ("
                    + String.join(", ", found.subList(0, Math.min(3, found.size()))) + (found.size() > 3 ? ", ..." : "")
                    + "): give another --out, or --overwrite to replace it");
            }
            dirs.setAside(c.runName());
        }
        return dirs;
    }

    /**
     * Before step 0, on every rank: the files this rank will write (its JSONL under --out, its model under
     * --save-model) can be written there; the first rank that cannot stops every rank, before any step.
     */
    private void checkRankTargets(org.gossipmpi.comm.Communicator comm, List<TrainConfig> runs, boolean sweep) {
        String problem = "";
        for (TrainConfig c : runs) {
            final Path[][] targets = {
                {out == null ? null : out.resolve(c.runName()), Path.of("rank-" + comm.rank() + ".jsonl")},
                {saveModel == null ? null : sweep ? saveModel.resolve(c.runName()) : saveModel,
                    Path.of("rank-" + comm.rank() + ".txt")}};
            final String[] options = {"--out", "--save-model"};
            for (int k = 0; k < targets.length && problem.isEmpty(); k++) {
                if (targets[k][0] != null) {
                    problem = OutputDirs.unwritable(targets[k][0], targets[k][1], options[k], comm.rank());
                }
            }
        }
        problem = org.gossipmpi.comm.Messages.firstProblem(comm, TAG_TARGETS, problem);
        if (!problem.isEmpty()) {
            throw new IllegalArgumentException(problem);
        }
    }

    private static final int TAG_TARGETS = 970;

    /** Options that no run would honour, refused before anything starts, each with what to do instead. */
    private void refuseMisfits() {
        for (String c : compressors) {
            boolean taken = false;
            for (String a : algorithms) {
                taken |= compressorsOf(a.trim()).contains(c.trim());
            }
            if (!taken) {
                throw new SettingException("compressor", "{compressor} " + c.trim() + ": no {algorithm} of "
                    + algorithms + " takes it (allreduce sends exact gradients; dpsgd exact or fp16 models; adpsgd exact"
                    + " models): add a compressing algorithm (choco, deepsqueeze, dcd, ecd) or drop the compressor");
            }
        }
        if (gamma != null && algorithms.stream().noneMatch(a -> Algorithms.takesGamma(a.trim()))) {
            throw new SettingException("gamma", "{gamma}: no {algorithm} of " + algorithms + " has a consensus step"
                + " (choco, choco-gossip and deepsqueeze do): drop {gamma}");
        }
        if (allreduce != null) {
            AllreduceAverage.Kind.parse(allreduce); // an unknown kind is refused as such first
            if (algorithms.stream().noneMatch(a -> a.trim().equals("allreduce"))) {
                throw new SettingException("allreduce", "{allreduce} " + allreduce + ": no {algorithm} of " + algorithms
                    + " sums by all-reduce (allreduce does): drop {allreduce}");
            }
        }
        refuseUnused();
        if (!Double.isFinite(epochs)) {
            throw new SettingException("epochs", "{epochs} must be a finite number, got " + epochs);
        }
        if (features != 0 && !org.gossipmpi.data.DataSources.takesFeatures(data)) {
            throw new SettingException("features", "{features} applies to LIBSVM files, whose rows name their largest"
                + " index; " + data + " gives its features itself: drop {features}");
        }
    }

    /**
     * Options given on the command line that no run of the sweep would read (their defaults are not refused): the
     * mlp's width for another model, a schedule's parameters for another schedule, a topology for all-reduce
     * alone, codec threads where nothing is encoded, and the gradient step's settings for choco-gossip alone.
     */
    private void refuseUnused() {
        final picocli.CommandLine.ParseResult given = spec.commandLine().getParseResult();
        if (given.hasMatchedOption("--hidden") && !model.equals("mlp")) {
            throw new SettingException("hidden", "{hidden} sets the hidden units of the mlp; --model " + model
                + " has none: drop {hidden}");
        }
        final String schedule = lrSchedule.toLowerCase(java.util.Locale.ROOT);
        for (String[] parameter : new String[][] {{"lrB", "inverse"}, {"lrDecay", "step"}, {"lrEvery", "step"}}) {
            if (given.hasMatchedOption(Flags.of(parameter[0])) && !schedule.equals(parameter[1])) {
                throw new SettingException(parameter[0], "{" + parameter[0] + "} belongs to the " + parameter[1]
                    + " schedule, and {lrSchedule} is " + schedule + ": give {lrSchedule} " + parameter[1] + " or drop {"
                    + parameter[0] + "}");
            }
        }
        final boolean allreduceOnly = algorithms.stream().allMatch(a -> a.trim().equals("allreduce"));
        if (allreduceOnly && given.hasMatchedOption("--topology")) {
            throw new SettingException("topology", "{topology}: allreduce averages over all ranks and sends to no"
                + " neighbours: drop {topology}");
        }
        if (given.hasMatchedOption("--eval-rows")) {
            TrainConfig.checkEvalRows(evalRows); // a given -1 is refused, not taken as TrainConfig.EVAL_ROWS_AUTO
        }
        if (overwrite && out == null) {
            throw new SettingException("overwrite", "{overwrite} replaces earlier runs under --out, and no --out is"
                + " given: give --out DIR or drop {overwrite}");
        }
        if (codecThreads > 1 && algorithms.stream().noneMatch(a -> Algorithms.encodes(a.trim()))) {
            throw new SettingException("codecThreads", "{codecThreads} " + codecThreads + ": allreduce encodes nothing"
                + " (it sums the exact gradients): drop {codecThreads}");
        }
        if (algorithms.stream().noneMatch(a -> Algorithms.takesGradientStep(a.trim()))) {
            for (String setting : new String[] {"lr", "lrSchedule", "lrB", "lrDecay", "lrEvery", "momentum", "nesterov",
                "batch"}) {
                if (given.hasMatchedOption(Flags.of(setting))) {
                    throw new SettingException(setting, "{" + setting + "}: choco-gossip takes no gradient step (it only"
                        + " averages the ranks' vectors): drop {" + setting + "}");
                }
            }
        }
    }

    private static TrainConfig withSaveModel(TrainConfig c, Path dir) {
        return c.toBuilder().saveModel(dir).build();
    }

    /** The sweep's comparison table ({@link Report#table}, as {@code report} prints it). */
    static void table(PrintWriter w, List<Training.Outcome> outcomes) {
        final List<RunRecord> records = new ArrayList<>();
        for (Training.Outcome o : outcomes) {
            records.add(o.record());
        }
        w.println();
        w.print(Report.table(records, Double.NaN, Report.Format.text));
    }
}
