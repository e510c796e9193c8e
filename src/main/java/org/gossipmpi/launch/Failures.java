package org.gossipmpi.launch;

import java.util.function.UnaryOperator;

import org.gossipmpi.config.SettingException;
import org.gossipmpi.config.Templated;

/** One line for a failure, as every rank program reports it (the command line's and the library's). */
public final class Failures {
    private Failures() {
    }

    /**
     * The outermost message that says something of its own (wrappers that only repeat their cause are looked
     * through), so that the context a layer added (the file, the rank, the setting) is kept with the cause it
     * wraps; settings named as {@code names} writes them (the library's names, or a command line's flags).
     */
    public static String describe(Throwable t, UnaryOperator<String> names) {
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
        if (best instanceof Templated) {
            return SettingException.render(((Templated) best).template(), names);
        }
        if (best instanceof IllegalArgumentException || best instanceof IllegalStateException
            || best instanceof java.io.UncheckedIOException) {
            // the internal layers' own messages (the training loop's, its files') name settings as {name} too
            return SettingException.render(best.getMessage(), names);
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

    /** What to do when the heap ran out: its limit, and how to raise it. */
    public static String outOfMemory(OutOfMemoryError e) {
        final long max = Runtime.getRuntime().maxMemory() >> 20;
        final String what = e.getMessage() == null ? "memory" : e.getMessage();
        if (what.contains("Direct buffer")) {
            return "out of direct memory (" + what + "): the payload buffers did not fit; raise the limit with the"
                + " JVM option -XX:MaxDirectMemorySize=<size> (through bin/gossip-mpi: GOSSIP_MPI_JAVA_OPTS; it"
                + " defaults to the heap's size, " + max + " MB here)";
        }
        return "out of Java heap (" + what + "): this JVM may use at most " + max + " MB, and the data and every"
            + " rank's vectors did not fit; give it more with the JVM option -Xmx<size> (through bin/gossip-mpi:"
            + " GOSSIP_MPI_JAVA_OPTS=-Xmx<size>, for example -Xmx" + Math.max(1024, 2 * max) + "m), or run fewer"
            + " ranks per process";
    }
}
