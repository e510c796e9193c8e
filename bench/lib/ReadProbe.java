import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.gossipmpi.data.BinaryData;
import org.gossipmpi.data.Dataset;
import org.gossipmpi.data.Sharding;

/**
 * What one rank's read of a whole binary data file costs, and why: the file's rows read as the shard of a 1-rank
 * run ({@code BinaryData.read} with the sharding's rows, seed 1) several times in one JVM. The first read also
 * pays for the first touch of the memory the rows go to (the kernel's page faults); the later ones reuse memory
 * the JVM already holds, so the difference between the first and the fastest later read is what touching the
 * memory costs. Prints one CSV line: sharding, rows, seconds of the first read, of the fastest later one, and the
 * process's minor page faults during each.
 *
 * <p>Run as a source file on the library: {@code bin/gossip-mpi-java -cp target/gossip-mpi.jar
 * bench/lib/ReadProbe.java FILE SHARDING READS}.
 */
public final class ReadProbe {
    private ReadProbe() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: ReadProbe FILE.gmd SHARDING READS (SHARDING: iid, sorted, contiguous, blocks)");
            System.exit(2);
        }
        final Path file = Path.of(args[0]);
        final Sharding sharding = Sharding.valueOf(args[1]);
        final int reads = Integer.parseInt(args[2]);
        if (reads < 2) {
            throw new IllegalArgumentException("READS must be at least 2: the first read and a later one");
        }
        double first = 0;
        double again = Double.MAX_VALUE;
        long firstFaults = 0;
        long againFaults = Long.MAX_VALUE;
        int rows = 0;
        for (int k = 0; k < reads; k++) {
            final long faults0 = minorFaults();
            final long t0 = System.nanoTime();
            final BinaryData data = BinaryData.open(file);
            final Dataset shard = data.read(sharding.rows(data, 0, 1, 1), "probe");
            final double seconds = (System.nanoTime() - t0) / 1e9;
            final long faults = minorFaults() - faults0;
            rows = shard.rows();
            if (k == 0) {
                first = seconds;
                firstFaults = faults;
            } else if (seconds < again) {
                again = seconds;
                againFaults = faults;
            }
            System.gc(); // the shard goes, its memory stays with the JVM for the next read
        }
        System.out.printf(Locale.ROOT, "%s,%d,%.2f,%.2f,%d,%d%n", sharding, rows, first, again, firstFaults,
            againFaults);
    }

    /** The process's minor page faults so far (field 10 of /proc/self/stat). */
    private static long minorFaults() throws IOException {
        final String stat = Files.readString(Path.of("/proc/self/stat"));
        final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[7]);
    }
}
