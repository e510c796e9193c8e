/**
 * How fast this machine copies memory now: the median of nine copies of 40 MB (System.arraycopy of ten million
 * floats, after a warm-up), in GB/s. Printed in every results file's stamp (bin/lib/jobs.sh), because a shared
 * virtual machine's memory speed changes from day to day, and every step the benchmarks time streams vectors.
 * Run as a source file: {@code java bench/lib/MemoryProbe.java}.
 */
public final class MemoryProbe {
    private MemoryProbe() {
    }

    public static void main(String[] args) {
        final float[] from = new float[10_000_000];
        final float[] to = new float[from.length];
        java.util.Arrays.fill(from, 1f);
        final double[] rates = new double[9];
        for (int warm = 0; warm < 5; warm++) {
            System.arraycopy(from, 0, to, 0, from.length);
        }
        for (int r = 0; r < rates.length; r++) {
            final long t0 = System.nanoTime();
            System.arraycopy(from, 0, to, 0, from.length);
            rates[r] = 4.0 * from.length / (System.nanoTime() - t0);
        }
        java.util.Arrays.sort(rates);
        System.out.printf(java.util.Locale.ROOT, "%.1f%n", rates[rates.length / 2]);
    }
}
