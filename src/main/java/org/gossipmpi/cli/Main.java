package org.gossipmpi.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code gossip-mpi} command line. Every command runs SPMD: the same program on every rank, started
 * by {@code mpirun -np N bin/gossip-mpi CMD} or in one process with {@code bin/gossip-mpi CMD --ranks N}.
 */
@Command(name = "gossip-mpi", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Decentralized training with compressed peer-to-peer communication over MPI.",
    subcommands = {InfoCommand.class, TrainCommand.class, ReportCommand.class, TopologyCommand.class,
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

    /**
     * One line for a failure: the outermost message that says something of its own (wrappers that only repeat
     * their cause are looked through), so that the context a layer added (the file, the rank, the option) is
     * kept with the cause it wraps.
     */
    static String describe(Throwable t) {
        Throwable best = null;
        for (Throwable c = t; c != null && best == null; c = c.getCause()) {
            if (ownsMessage(c)) {
                best = c;
            }
        }
        if (best == null) {
            best = t;
        }
        if (best instanceof OutOfMemoryError) {
            return outOfMemory((OutOfMemoryError) best);
        }
        if (best instanceof IllegalArgumentException || best instanceof IllegalStateException
            || best instanceof java.io.UncheckedIOException || best instanceof org.gossipmpi.comm.CommException
            || best instanceof org.gossipmpi.checkpoint.CheckpointException
            || best instanceof org.gossipmpi.data.DataException) {
            return best.getMessage();
        }
        return best.getMessage() == null ? best.toString() : best.getClass().getSimpleName() + ": " + best.getMessage();
    }

    /** Whether {@code t}'s message is its own, not absent and not the {@code toString()} of its cause. */
    private static boolean ownsMessage(Throwable t) {
        final String m = t.getMessage();
        if (m == null || m.isEmpty()) {
            return false;
        }
        final Throwable cause = t.getCause();
        return cause == null || !(m.equals(cause.toString()) || m.equals(cause.getMessage()));
    }

    /** What to do when the heap ran out: its limit, and the variable that raises it. */
    static String outOfMemory(OutOfMemoryError e) {
        final long max = Runtime.getRuntime().maxMemory() >> 20;
        final String what = e.getMessage() == null ? "memory" : e.getMessage();
        if (what.contains("Direct buffer")) {
            return "out of direct memory (" + what + "): the payload buffers did not fit; raise the limit with"
                + " GOSSIP_MPI_JAVA_OPTS=-XX:MaxDirectMemorySize=<size> (it defaults to the heap's size, " + max + " MB"
                + " here)";
        }
        return "out of Java heap (" + what + "): this JVM may use at most " + max + " MB, and the data and every"
            + " rank's vectors did not fit; give it more with GOSSIP_MPI_JAVA_OPTS=-Xmx<size> (for example -Xmx"
            + Math.max(1024, 2 * max) + "m), or run fewer ranks per process";
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
