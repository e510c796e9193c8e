package org.gossipmpi.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.gossipmpi.bench.ExchangeBenchmark;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gossip-mpi bench exchange}: the collective's time per step against all-reduce, as CSV. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Micro-benchmarks.",
    subcommands = {BenchCommand.Exchange.class, BenchCommand.Codecs.class, BenchCommand.Kernels.class,
        BenchCommand.Api.class, BenchCommand.Plot.class})
final class BenchCommand {

    @Command(name = "exchange", mixinStandardHelpOptions = true,
        description = "Time per step (p50/p99/mean of the slowest rank, microseconds) of encode+exchange+decode on"
            + " each topology and compressor, of the bare ring transport, and of all-reduce, for each vector size;"
            + " CSV on rank 0. bench/exchange.sh runs it beside the native baseline.")
    static final class Exchange implements Callable<Integer> {
        @Mixin
        LaunchOptions launch;

        @Mixin
        DeviceOptions device;

        @Option(names = "--sizes", split = ",", paramLabel = "D", defaultValue = "1e3,1e4,1e5,1e6,1e7",
            description = "Vector sizes in floats (default: ${DEFAULT-VALUE}).")
        double[] sizes;

        @Option(names = "--topologies", split = ",", paramLabel = "SPEC", defaultValue = "ring,torus,exponential",
            description = "Topologies (default: ${DEFAULT-VALUE}).")
        String[] topologies;

        @Option(names = "--compressors", split = ",", paramLabel = "SPEC", defaultValue = "none",
            description = "Compressors (default: ${DEFAULT-VALUE}).")
        String[] compressors;

        @Option(names = "--steps", defaultValue = "50", description = "Timed steps (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--ops", split = ",", paramLabel = "OP", defaultValue = ExchangeBenchmark.OPS,
            description = "Operations to time (default: ${DEFAULT-VALUE}).")
        String[] ops;

        @Option(names = "--no-header", description = "Omit the CSV header line.")
        boolean noHeader;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            final int[] d = Sizes.parse(sizes);
            final java.util.Set<String> chosen = ExchangeBenchmark.ops(ops);
            if (!chosen.contains("exchange") && !chosen.contains("codec")) {
                for (String option : new String[] {"--topologies", "--compressors"}) {
                    if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                        throw new IllegalArgumentException(option + " applies to the ops exchange and codec, and --ops "
                            + String.join(",", ops) + " has neither: add exchange or codec to --ops, or drop "
                            + option);
                    }
                }
            }
            final PrintWriter out = Main.out(spec);
            launch.run(comm -> {
                if (comm.rank() == 0 && !noHeader) {
                    out.println(ExchangeBenchmark.HEADER);
                    out.flush();
                }
                new ExchangeBenchmark(comm, steps, warmup, out, device.quantizer(comm.rank()), chosen)
                    .run(d, topologies, compressors, seed);
            });
            return 0;
        }
    }

    @Command(name = "codecs", mixinStandardHelpOptions = true,
        description = "Codec throughput on this node: per compressor and size, the median of R repetitions of encode,"
            + " decodeAdd and both (GB/s of 4d input bytes), and the round trip over a System.arraycopy of the same"
            + " floats in the same run; CSV on stdout.")
    static final class Codecs implements Callable<Integer> {
        @Mixin
        DeviceOptions device;

        @Option(names = "--sizes", split = ",", paramLabel = "D", defaultValue = "1e4,1e6,1e7",
            description = "Vector sizes in floats (default: ${DEFAULT-VALUE}).")
        double[] sizes;

        @Option(names = "--compressors", split = ",", paramLabel = "SPEC",
            description = "Compressors (default: one of each: none, fp16, topk:0.01, ...).")
        String[] compressors;

        @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
            description = "Codec threads, as train's --codec-threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--reps", defaultValue = "15", paramLabel = "R",
            description = "Timed repetitions per measurement, 15 or more (default: ${DEFAULT-VALUE}).")
        int reps;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            final int[] d = Sizes.parse(sizes);
            final String[] specs = compressors != null ? compressors
                : org.gossipmpi.compress.Compressors.EXAMPLES.toArray(new String[0]);
            final PrintWriter out = Main.out(spec);
            try (org.gossipmpi.compress.CodecThreads pool = org.gossipmpi.compress.CodecThreads.of(check(threads),
                    "bench")) {
                final org.gossipmpi.bench.CodecBenchmark bench =
                    new org.gossipmpi.bench.CodecBenchmark(device.quantizer(0), pool, reps, out);
                out.println(org.gossipmpi.bench.CodecBenchmark.HEADER);
                bench.run(d, specs);
            } catch (org.gossipmpi.config.SettingException e) {
                // this command's option for the codec threads is --threads
                throw new IllegalArgumentException(e.render(Flags.with("codecThreads", "--threads")), e);
            }
            return 0;
        }
    }

    /** The codec threads, as the {@code codecThreads} setting allows them. */
    private static int check(int threads) {
        org.gossipmpi.compress.CodecThreads.check(threads);
        return threads;
    }

    /** {@code --sizes} as whole numbers of floats. */
    static final class Sizes {
        private Sizes() {
        }

        static int[] parse(double[] sizes) {
            final int[] d = new int[sizes.length];
            for (int i = 0; i < sizes.length; i++) {
                if (!(sizes[i] >= 1 && sizes[i] <= 4e8) || sizes[i] != Math.rint(sizes[i])) {
                    throw new IllegalArgumentException("--sizes: " + sizes[i] + " is not a whole number in [1, 4e8]");
                }
                d[i] = (int) sizes[i];
            }
            return d;
        }
    }

    @Command(name = "kernels", mixinStandardHelpOptions = true,
        description = "Gradient throughput (samples/s) of each dense model for each batch size on the OpenCL"
            + " device and on the Java twin, as CSV; bench/kernels.sh writes the table.")
    static final class Kernels implements Callable<Integer> {
        @Option(names = "--models", split = ",", defaultValue = "logistic,leastsquares,softmax,mlp",
            description = "Models (default: ${DEFAULT-VALUE}).")
        String[] models;

        @Option(names = "--batches", split = ",", defaultValue = "64,256,1024",
            description = "Batch sizes (default: ${DEFAULT-VALUE}).")
        int[] batches;

        @Option(names = "--devices", split = ",", defaultValue = "opencl,java",
            description = "Devices (default: ${DEFAULT-VALUE}); opencl is refused where there is no OpenCL device.")
        org.gossipmpi.kernel.Devices.Kind[] devices;

        @Option(names = "--data", defaultValue = "fashion-mnist", description = "Data (default: ${DEFAULT-VALUE}).")
        String data;

        @Option(names = "--hidden", defaultValue = "100", description = "Hidden units of the mlp (default: ${DEFAULT-VALUE}).")
        int hidden;

        @Option(names = "--l2", defaultValue = org.gossipmpi.train.TrainConfig.DEFAULT_L2, paramLabel = "LAMBDA",
            description = "L2 regularization of every model, as train's --l2 (default: ${DEFAULT-VALUE}, train's).")
        double l2;

        @Option(names = "--seconds", defaultValue = "2", description = "Time per measurement (default: ${DEFAULT-VALUE}).")
        double seconds;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (!(l2 >= 0)) {
                throw new IllegalArgumentException("--l2 must be >= 0, got " + l2);
            }
            if (spec.commandLine().getParseResult().hasMatchedOption("--hidden")
                && !java.util.Arrays.asList(models).contains("mlp")) {
                throw new IllegalArgumentException("--hidden sets the mlp's hidden units, and --models "
                    + String.join(",", models) + " has no mlp: add mlp to --models, or drop --hidden");
            }
            final org.gossipmpi.data.Dataset d = org.gossipmpi.data.DataSources.load(data, null, 0).train();
            if (!d.isDense()) {
                throw new IllegalArgumentException("bench kernels needs dense data; " + d.source() + " is sparse");
            }
            final PrintWriter out = Main.out(spec);
            out.println(org.gossipmpi.bench.GradientBenchmark.HEADER);
            new org.gossipmpi.bench.GradientBenchmark(d, hidden, l2, seconds, out).run(models, batches, devices);
            return 0;
        }
    }

    @Command(name = "api", mixinStandardHelpOptions = true,
        description = "A step through the public API against train's own step: for each algorithm, rounds of train"
            + " on an MLP and of a user's loop calling Decentralized.step on the same model, data and settings; the"
            + " time per step of each, as CSV on rank 0. bench/library.sh writes the table.")
    static final class Api implements Callable<Integer> {
        @Mixin
        LaunchOptions launch;

        @Option(names = "--data", defaultValue = "fashion-mnist", description = "Data (default: ${DEFAULT-VALUE}).")
        String data;

        @Option(names = "--hidden", defaultValue = "256", description = "Hidden units of the mlp (default: ${DEFAULT-VALUE}).")
        int hidden;

        @Option(names = "--batch", defaultValue = "32", description = "Rows per minibatch (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--steps", defaultValue = "300", description = "Steps per measurement (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--rounds", defaultValue = "3", description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--runs", split = ";", defaultValue = "choco,topk:0.01,0.05;dpsgd,none,",
            description = "Runs as ALGORITHM,COMPRESSOR,GAMMA separated by ';' (default: ${DEFAULT-VALUE}).")
        String[] runs;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            final String[][] parsed = new String[runs.length][];
            for (int i = 0; i < runs.length; i++) {
                parsed[i] = runs[i].split(",", -1);
                if (parsed[i].length != 3) {
                    throw new IllegalArgumentException("--runs: '" + runs[i] + "' is not ALGORITHM,COMPRESSOR,GAMMA");
                }
            }
            final PrintWriter out = Main.out(spec);
            launch.run(comm -> {
                if (comm.rank() == 0) {
                    out.println(org.gossipmpi.bench.ApiBenchmark.HEADER);
                }
                new org.gossipmpi.bench.ApiBenchmark(comm, out, data, hidden, batch, steps).run(parsed, rounds);
            });
            return 0;
        }
    }

    @Command(name = "plot", mixinStandardHelpOptions = true,
        description = "Draws a CSV file with a header line as a PNG line plot: one column as x, every other column"
            + " as a series (what the benchmark scripts use for their plots).")
    static final class Plot implements Callable<Integer> {
        @picocli.CommandLine.Parameters(index = "0", paramLabel = "CSV", description = "The CSV file.")
        java.nio.file.Path csv;

        @Option(names = "--x", required = true, paramLabel = "COLUMN", description = "The column on the x axis.")
        String x;

        @Option(names = "--log-x", description = "A log10 x axis.")
        boolean logX;

        @Option(names = "--title", defaultValue = "", paramLabel = "TEXT", description = "The title.")
        String title;

        @Option(names = "--y-label", defaultValue = "", paramLabel = "TEXT", description = "The y axis label.")
        String yLabel;

        @Option(names = "--out", required = true, paramLabel = "PNG", description = "The PNG file to write.")
        java.nio.file.Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws java.io.IOException {
            org.gossipmpi.metrics.CsvPlot.write(csv, x, logX, title, yLabel, out);
            Main.out(spec).println("plot: " + out);
            return 0;
        }
    }
}
