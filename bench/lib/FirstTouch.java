/**
 * What the first touch of fresh heap costs: allocates MB megabytes of float arrays, 4 MB each (every page of the
 * heap they land on touched for the first time, as a rank's data is), and prints the seconds it took and the
 * process's minor page faults during it (/proc/self/stat), comma-separated. bench/hugepages.sh runs it with the
 * heap on transparent huge pages and on 4 KB pages. Run as a source file:
 * {@code bin/gossip-mpi-java bench/lib/FirstTouch.java MB}.
 */
public final class FirstTouch {
    private FirstTouch() {
    }

    public static void main(String[] args) throws java.io.IOException {
        final int chunks = Integer.parseInt(args[0]) / 4;
        final float[][] kept = new float[chunks][];
        final long faults = minorFaults();
        final long t0 = System.nanoTime();
        for (int i = 0; i < chunks; i++) {
            kept[i] = new float[1 << 20];
        }
        final double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "%.3f,%d%n", seconds, minorFaults() - faults);
        if (kept[chunks - 1].length != 1 << 20) {
            throw new AssertionError();
        }
    }

    /** Field 10 of /proc/self/stat, after the command name's closing parenthesis. */
    private static long minorFaults() throws java.io.IOException {
        final String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
    }
}
