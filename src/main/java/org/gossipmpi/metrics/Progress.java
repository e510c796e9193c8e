package org.gossipmpi.metrics;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Rank 0's progress: a live bar on standard error when it is a terminal (step, loss, MB sent, steps/s, ETA),
 * otherwise one plain line per evaluation on the run's output, as batch jobs and pipes want. Other ranks
 * report nothing.
 */
public abstract class Progress implements AutoCloseable {
    /** Reports nothing (ranks other than 0). */
    public static final Progress NONE = new Progress() {
        @Override
        public void step(long t) {
        }

        @Override
        public void evaluated(long t, long steps, double loss, double testAccuracy, double consensus, double mbSent,
                              double stepsPerSecond, double etaSeconds) {
        }

        @Override
        public void close() {
        }
    };

    /** After every step: cheap (no allocation, no output). */
    public abstract void step(long t);

    /** At an evaluation of the averaged model. */
    public abstract void evaluated(long t, long steps, double loss, double testAccuracy, double consensus,
                                   double mbSent, double stepsPerSecond, double etaSeconds);

    /** Ends the bar (a no-op for lines). */
    @Override
    public abstract void close();

    /** The bar when standard error is a terminal, else lines on {@code out}. */
    public static Progress of(String task, long steps, PrintWriter out) {
        return stderrIsTerminal() ? new Bar(task, steps) : new Lines(out);
    }

    /**
     * Whether this process's standard error is a terminal (Linux: where /proc/self/fd/2 points), or, when the
     * launcher passes it through its filter (bin/lib/stderr-filter), whether the filter writes to one.
     */
    public static boolean stderrIsTerminal() {
        if ("1".equals(System.getenv("GOSSIP_MPI_STDERR_TERMINAL"))) {
            return true;
        }
        try {
            final String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** One line per evaluation. */
    static final class Lines extends Progress {
        private final PrintWriter out;

        Lines(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void step(long t) {
        }

        @Override
        public void evaluated(long t, long steps, double loss, double testAccuracy, double consensus, double mbSent,
                              double stepsPerSecond, double etaSeconds) {
            out.printf(Locale.ROOT, "step %d/%d  loss %.5f  test acc %.4f  consensus %.2e  MB sent %.3f"
                + "  steps/s %.1f  ETA %.0f s%n", t, steps, loss, testAccuracy, consensus, mbSent, stepsPerSecond,
                etaSeconds);
            out.flush();
        }

        @Override
        public void close() {
        }
    }

    /** The live bar (the progressbar library, redrawn by its own thread a few times a second). */
    static final class Bar extends Progress {
        private final ProgressBar bar;

        Bar(String task, long steps) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(steps).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(250)
                .setUnit(" steps", 1).showSpeed().build();
        }

        @Override
        public void step(long t) {
            bar.stepTo(t);
        }

        @Override
        public void evaluated(long t, long steps, double loss, double testAccuracy, double consensus, double mbSent,
                              double stepsPerSecond, double etaSeconds) {
            bar.stepTo(t);
            bar.setExtraMessage(String.format(Locale.ROOT, "  loss %.5f  acc %.4f  MB %.3f", loss, testAccuracy, mbSent));
        }

        @Override
        public void close() {
            bar.close();
        }
    }
}
