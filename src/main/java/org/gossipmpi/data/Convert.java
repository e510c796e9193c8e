package org.gossipmpi.data;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code gossip-mpi data convert}: LIBSVM, CSV or IDX data into a {@link BinaryFormat} file. LIBSVM and CSV are
 * streamed (one row in memory at a time, so a file larger than the heap converts); IDX files, at most a few
 * hundred MB, are read whole first.
 */
public final class Convert {
    private Convert() {
    }

    /**
     * What a conversion wrote, in how many seconds, and the CPU seconds the process used meanwhile (every thread,
     * the JIT compiler's and the kernel's work for it included; -1 where the JVM cannot tell): input bytes over CPU
     * seconds is the rate per core, which the disk's waits do not lower.
     */
    public record Result(Path out, long rows, int cols, int classes, boolean dense, long inputBytes, long outputBytes,
                         double seconds, double cpuSeconds) {
    }

    /** The process's CPU time in nanoseconds, or -1. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getProcessCpuTime() : -1;
    }

    /**
     * Converts {@code in} (read as {@code --data} reads a file: {@code *.csv} CSV, {@code *images-idx3*} IDX,
     * else LIBSVM) into {@code out}, which must end in {@value BinaryData#SUFFIX}.
     *
     * @param features for LIBSVM, the features per row (0: the largest index)
     * @throws DataException naming the file and line of bad input, or why the output cannot be written
     */
    public static Result run(Path in, Path out, int features) {
        if (!BinaryData.named(out.toString())) {
            throw new DataException(out + ": the output's name must end in " + BinaryData.SUFFIX
                + " (that is how --data knows the format)");
        }
        if (BinaryData.named(in.toString())) {
            throw new DataException(in + ": already a gossip-mpi data file");
        }
        final long t0 = System.nanoTime();
        final long cpu0 = processCpuNanos();
        final String name = in.getFileName() == null ? in.toString() : in.getFileName().toString();
        final boolean csv = name.endsWith(".csv");
        final boolean idx = name.contains("images-idx3");
        final long written;
        final BinaryWriter w = new BinaryWriter(out, csv || idx);
        try (w) {
            if (csv) {
                TextReaders.csv(in, w);
            } else if (idx) {
                final Dataset d = IdxReader.read(in, in.resolveSibling(name.replace("images-idx3", "labels-idx1")));
                final float[] x = d.denseValues();
                final float[] row = new float[d.cols()];
                for (int r = 0; r < d.rows(); r++) {
                    System.arraycopy(x, r * d.cols(), row, 0, d.cols());
                    w.denseRow(d.target(r), row, d.cols());
                }
            } else {
                TextReaders.libsvm(in, features, w);
            }
            if (w.rows() == 0) {
                throw new DataException(in + ": empty file (no data lines)");
            }
            written = w.finish(features);
        }
        final long cpu1 = processCpuNanos();
        final BinaryData check = BinaryData.open(out);
        long inputBytes;
        try {
            inputBytes = Files.size(in);
        } catch (IOException e) {
            inputBytes = -1;
        }
        return new Result(out, check.rows(), check.cols(), check.classes(), check.isDense(), inputBytes, written,
            (System.nanoTime() - t0) / 1e9, cpu0 < 0 || cpu1 < 0 ? -1 : (cpu1 - cpu0) / 1e9);
    }
}
