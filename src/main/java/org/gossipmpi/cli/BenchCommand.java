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
    subcommands = {BenchCommand.Exchange.class})
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

        @Option(names = "--no-header", description = "Omit the CSV header line.")
        boolean noHeader;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            final int[] d = new int[sizes.length];
            for (int i = 0; i < sizes.length; i++) {
                if (!(sizes[i] >= 1 && sizes[i] <= 4e8) || sizes[i] != Math.rint(sizes[i])) {
                    throw new IllegalArgumentException("--sizes: " + sizes[i] + " is not a whole number in [1, 4e8]");
                }
                d[i] = (int) sizes[i];
            }
            final PrintWriter out = Main.out(spec);
            return RankLauncher.run(launch, comm -> {
                if (comm.rank() == 0 && !noHeader) {
                    out.println(ExchangeBenchmark.HEADER);
                    out.flush();
                }
                new ExchangeBenchmark(comm, steps, warmup, out, device.quantizer(comm.rank()))
                    .run(d, topologies, compressors, seed);
            });
        }
    }
}
