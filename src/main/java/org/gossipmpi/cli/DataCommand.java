package org.gossipmpi.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.gossipmpi.data.Convert;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gossip-mpi data}: data files. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Data files.",
    subcommands = {DataCommand.ConvertCommand.class})
final class DataCommand {

    /** {@code gossip-mpi data convert IN OUT.gmd}. */
    @Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert LIBSVM, CSV or IDX data into gossip-mpi's binary format (OUT ends in .gmd), which"
            + " --data reads with each rank reading only its rows. LIBSVM and CSV are streamed.")
    static final class ConvertCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "IN", description = "LIBSVM, CSV (*.csv) or IDX (*images-idx3*) file.")
        Path in;

        @Parameters(index = "1", paramLabel = "OUT", description = "The binary file to write (*.gmd).")
        Path out;

        @Option(names = "--features", defaultValue = "0", paramLabel = "D",
            description = "LIBSVM: features per row (default: the largest index in the file).")
        int features;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            final Convert.Result r = Convert.run(in, out, features);
            final PrintWriter w = Main.out(spec);
            final String perCore = r.cpuSeconds() <= 0 ? "" : String.format(Locale.ROOT,
                "; %.1f s of CPU: %.0f MB/s per core", r.cpuSeconds(), r.inputBytes() / 1e6 / r.cpuSeconds());
            w.printf(Locale.ROOT, "data convert: %s -> %s: %d rows x %d features (%s, %s), %.1f MB -> %.1f MB in"
                    + " %.1f s (%.0f MB/s of input%s)%n", in, r.out(), r.rows(), r.cols(),
                r.dense() ? "dense" : "sparse", r.classes() == 0 ? "real targets" : r.classes() + " classes",
                r.inputBytes() / 1e6, r.outputBytes() / 1e6, r.seconds(), r.inputBytes() / 1e6 / r.seconds(), perCore);
            w.flush();
            return 0;
        }
    }
}
