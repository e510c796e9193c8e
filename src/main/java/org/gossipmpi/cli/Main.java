package org.gossipmpi.cli;

import java.io.PrintWriter;

import org.gossipmpi.launch.Failures;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code gossip-mpi} command line. Every command runs SPMD: the same program on every rank, started
 * by {@code mpirun -np N bin/gossip-mpi CMD} or in one process with {@code bin/gossip-mpi CMD --ranks N}.
 */
@Command(name = "gossip-mpi", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Decentralized training with compressed peer-to-peer communication over MPI.",
    subcommands = {InfoCommand.class, TrainCommand.class, ReportCommand.class, TopologyCommand.class, DataCommand.class,
        BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code: 0 ok, 1 failed run, 2 bad usage. */
    public static int execute(String... args) {
        final CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("gossip-mpi: " + describe(e));
            return 1;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands Errors on; this one has a remedy, so it gets one line like any failure
            System.err.println("gossip-mpi: " + describe(e));
            return 1;
        }
    }

    /** One line for a failure, settings named by their flags ({@link Failures#describe}). */
    static String describe(Throwable t) {
        return Failures.describe(t, Flags::of);
    }

    /** The build's version ({@link org.gossipmpi.metrics.Version}). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gossip-mpi " + org.gossipmpi.metrics.Version.get()};
        }
    }

    static PrintWriter out(CommandLine.Model.CommandSpec spec) {
        return spec.commandLine().getOut();
    }
}
