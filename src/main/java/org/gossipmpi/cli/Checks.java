package org.gossipmpi.cli;

/** Checks of option values that several commands share, each naming the command's own option. */
final class Checks {
    private Checks() {
    }

    /**
     * The codec threads per process ({@code train --codec-threads}, {@code bench codecs --threads}): 1 up to the
     * cores this process may use. More threads than cores only queue for them (a pass waits for its slowest
     * part), and a thousand of them took minutes to start a pass.
     */
    static int codecThreads(int threads, String option) {
        final int cores = Runtime.getRuntime().availableProcessors();
        if (threads < 1 || threads > cores) {
            throw new IllegalArgumentException(option + " must be in [1, " + cores + "] (the cores this process may"
                + " use), got " + threads + (threads > cores ? ": more threads than cores only wait for each other"
                : ""));
        }
        return threads;
    }
}
