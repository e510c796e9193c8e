package org.gossipmpi.bench;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

import org.gossipmpi.compress.CodecThreads;
import org.gossipmpi.compress.Compressor;
import org.gossipmpi.compress.Compressors;
import org.gossipmpi.compress.Quantizer;

/**
 * Codec throughput on this node: for each compressor and size, after a warm-up (about 2e8 elements on a
 * vector in cache, then some round trips at the size measured), the median over R
 * repetitions of encode, of decodeAdd and of their sum (the round trip), as GB/s of input (4 d bytes), next
 * to a plain {@code System.arraycopy} of the same d floats measured in the same process just before, and the
 * heap bytes that all of the process's threads allocated per round trip over the timed repetitions (the codecs
 * allocate nothing after their first calls: a figure above zero there is a codec that boxes its vectors or
 * grows a buffer per call). One CSV row per compressor and size.
 */
public final class CodecBenchmark {
    public static final String HEADER = "jdk,codec_path,threads,compressor,d,payload_bytes,encode_gbs,decode_gbs,"
        + "roundtrip_gbs,copy_gbs,roundtrip_over_copy,alloc_bytes_per_roundtrip";
    /** The size of the first warm-up, in floats (256 KiB). */
    private static final int SMALL = 1 << 16;
    /** Repetitions a median needs at least. */
    public static final int MIN_REPS = 15;

    private final Quantizer quantizer;
    private final CodecThreads threads;
    private final int reps;
    private final PrintWriter out;

    public CodecBenchmark(Quantizer quantizer, CodecThreads threads, int reps, PrintWriter out) {
        if (reps < MIN_REPS) {
            throw new org.gossipmpi.config.SettingException("reps", "{reps} " + reps + ": a median needs " + MIN_REPS + " or more");
        }
        this.quantizer = quantizer;
        this.threads = threads;
        this.reps = reps;
        this.out = out;
    }

    public void run(int[] sizes, String[] compressors) {
        for (int d : sizes) {
            final float[] x = new float[d];
            final SplittableRandom r = new SplittableRandom(d);
            for (int i = 0; i < d; i++) {
                x[i] = (float) r.nextGaussian();
            }
            final float[] target = new float[d];
            for (String spec : compressors) {
                // The copy right before each codec, so that the ratio compares like with like on a node whose
                // memory bandwidth drifts (shared, throttled).
                measure(spec, x, target, copyGbs(x, target));
            }
        }
    }

    private double copyGbs(float[] x, float[] target) {
        final long[] t = new long[reps];
        for (int w = 0; w < warmups(x.length); w++) {
            System.arraycopy(x, 0, target, 0, x.length);
        }
        for (int rep = 0; rep < reps; rep++) {
            final long t0 = System.nanoTime();
            System.arraycopy(x, 0, target, 0, x.length);
            t[rep] = System.nanoTime() - t0;
        }
        return gbs(x.length, median(t));
    }

    /** Enough warm-up for the JIT: at least 10 round trips, and about 2e8 elements' worth. */
    private static int warmups(int d) {
        return (int) Math.max(10, Math.min(20_000, 2e8 / d));
    }

    private void measure(String spec, float[] x, float[] target, double copy) {
        final int d = x.length;
        final Compressor c = Compressors.parse(spec, 1, 0, quantizer, threads);
        final ByteBuffer payload = c.newPayloadBuffer(d);
        int bytes = 0;
        // First on a vector that fits in cache, often enough that the JIT compiles every method of the codec
        // whole (not only the loops it replaces on the stack during a few long calls), then at size d.
        final int small = Math.min(d, SMALL);
        for (int w = 0; w < 2e8 / small; w++) {
            bytes = c.encode(x, 0, small, payload, w);
            c.decodeAdd(payload, bytes, 1e-6f, target);
        }
        for (int w = 0; w < warmups(d); w++) {
            bytes = c.encode(x, 0, d, payload, w);
            c.decodeAdd(payload, bytes, 1e-6f, target);
        }
        final long[] enc = new long[reps];
        final long[] dec = new long[reps];
        final long[] both = new long[reps];
        final long allocatedBefore = allocatedBytes();
        for (int rep = 0; rep < reps; rep++) {
            final long t0 = System.nanoTime();
            bytes = c.encode(x, 0, d, payload, 1_000_000 + rep);
            final long t1 = System.nanoTime();
            c.decodeAdd(payload, bytes, 1e-6f, target);
            final long t2 = System.nanoTime();
            enc[rep] = t1 - t0;
            dec[rep] = t2 - t1;
            both[rep] = t2 - t0;
        }
        final long allocated = (allocatedBytes() - allocatedBefore) / reps;
        final double roundTrip = gbs(d, median(both));
        out.printf(Locale.ROOT, "%d,%s,%d,%s,%d,%d,%.3f,%.3f,%.3f,%.3f,%.4f,%d%n", Runtime.version().feature(),
            quantizer.describe().replace(',', ';'), threads.threads(), spec, d, bytes, gbs(d, median(enc)),
            gbs(d, median(dec)), roundTrip, copy, roundTrip / copy, allocated);
        out.flush();
    }

    /** Heap bytes allocated so far by the live threads of this process (the codec threads among them). */
    private static long allocatedBytes() {
        final com.sun.management.ThreadMXBean mx =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long bytes : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
            sum += Math.max(0, bytes); // -1 for a thread that ended meanwhile
        }
        return sum;
    }

    private static double gbs(int d, long nanos) {
        return 4.0 * d / Math.max(1, nanos);
    }

    private static long median(long[] t) {
        final long[] s = t.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
