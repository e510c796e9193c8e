package org.gossipmpi.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.apache.commons.math3.stat.inference.TTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of every compressor: round trip, size bound, measured omega against the claimed one,
 * unbiasedness where claimed, determinism under a seed, edge cases, and refusal of non-finite input.
 */
class CompressorContractTest {
    private static final long SEED = 2024;

    /** Every compressor of the registry on every Java codec path of this JVM (scalar, and the Vector API one). */
    static Stream<Arguments> specs() {
        final List<Arguments> all = new ArrayList<>();
        for (Quantizer q : javaPaths()) {
            for (String spec : Compressors.EXAMPLES) {
                all.add(Arguments.of(spec, q));
            }
        }
        return all.stream();
    }

    static List<Quantizer> javaPaths() {
        final List<Quantizer> paths = new ArrayList<>(List.of(Quantizers.scalar()));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) { // Surefire adds it: the path must load
            assertNotNull(Quantizers.vector(), Quantizers.why());
        }
        if (Quantizers.vector() != null) {
            paths.add(Quantizers.vector());
        }
        return paths;
    }

    static Stream<Arguments> unbiasedSpecs() {
        return specs().filter(a -> Compressors.parse((String) a.get()[0], SEED, 0).unbiased());
    }

    static Compressor make(String spec, int rank, Quantizer q) {
        return Compressors.parse(spec, SEED, rank, q);
    }

    static Compressor make(String spec, int rank) {
        return Compressors.parse(spec, SEED, rank);
    }

    /** Gaussian entries, some vectors heavy-tailed, some with exact zeros. */
    static float[] vector(SplittableRandom r, int d) {
        final float[] x = new float[d];
        final int kind = r.nextInt(3);
        for (int i = 0; i < d; i++) {
            double v = r.nextGaussian();
            if (kind == 1) {
                v = v * v * v * 10; // heavy tails
            } else if (kind == 2 && r.nextInt(4) == 0) {
                v = 0;
            }
            x[i] = (float) v;
        }
        return x;
    }

    /** Q(x) as a dense vector, through the wire format. */
    static float[] roundTrip(Compressor c, float[] x, long step) {
        final ByteBuffer buf = c.newPayloadBuffer(x.length);
        final int n = c.encode(x, 0, x.length, buf, step);
        assertTrue(n <= c.maxEncodedBytes(x.length), c.spec() + ": " + n + " bytes > maxEncodedBytes "
            + c.maxEncodedBytes(x.length));
        assertNull(PayloadDescriptor.mismatch(buf, n, c, x.length), c.spec());
        final float[] q = new float[x.length];
        c.decodeAdd(buf, n, 1f, q);
        return q;
    }

    static double sq(float[] x) {
        double s = 0;
        for (float v : x) {
            s += (double) v * v;
        }
        return s;
    }

    static double sqDiff(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            final double e = (double) a[i] - b[i];
            s += e * e;
        }
        return s;
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("specs")
    void encodedSizeNeverExceedsTheBoundAndDecodingIsLinearInTheWeight(String spec, Quantizer path) {
        final Compressor c = make(spec, 0, path);
        final SplittableRandom r = new SplittableRandom(1);
        for (int trial = 0; trial < 200; trial++) {
            final int d = 1 + r.nextInt(trial < 100 ? 50 : 5000);
            final float[] x = vector(r, d);
            final ByteBuffer buf = c.newPayloadBuffer(d);
            final int n = c.encode(x, 0, d, buf, trial);
            assertTrue(n <= c.maxEncodedBytes(d), spec + " d=" + d + ": " + n + " > " + c.maxEncodedBytes(d));
            final float[] once = new float[d];
            final float[] twice = new float[d];
            c.decodeAdd(buf, n, 1f, once);
            c.decodeAdd(buf, n, 0.5f, twice);
            c.decodeAdd(buf, n, 0.5f, twice);
            for (int i = 0; i < d; i++) {
                assertEquals(once[i], twice[i], Math.abs(once[i]) * 1e-6, spec + " element " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("specs")
    void decodingIntoTwoTargetsAtOnceGivesTheNumbersOfTwoDecodes(String spec, Quantizer path) {
        final Compressor c = make(spec, 0, path);
        final SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 60; trial++) {
            final int d = 1 + r.nextInt(trial < 30 ? 50 : 5000);
            final float[] x = vector(r, d);
            final ByteBuffer buf = c.newPayloadBuffer(d);
            final int n = c.encode(x, 0, d, buf, trial);
            final float[] a1 = vector(r, d);
            final float[] a2 = vector(r, d);
            final float[] b1 = a1.clone();
            final float[] b2 = a2.clone();
            final float w1 = (float) r.nextGaussian();
            final float w2 = (float) r.nextGaussian();
            c.decodeAdd(buf, n, w1, a1);
            c.decodeAdd(buf, n, w2, a2);
            c.decodeAdd(buf, n, w1, b1, w2, b2);
            assertArrayEquals(a1, b1, spec + " d=" + d + ": the first target");
            assertArrayEquals(a2, b2, spec + " d=" + d + ": the second target");
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("specs")
    void aDifferenceEncodesToTheBytesOfTheDifferenceWrittenOut(String spec, Quantizer path) {
        final Compressor c = make(spec, 0, path);
        final SplittableRandom r = new SplittableRandom(9);
        final float[] probe = {1f};
        if (!c.encodesDifferences()) {
            assertThrows(UnsupportedOperationException.class,
                () -> c.encodeDifference(probe, probe, 0, 1, c.newPayloadBuffer(1), 0));
            return;
        }
        for (int trial = 0; trial < 40; trial++) {
            final int d = 1 + r.nextInt(trial < 20 ? 50 : 60_000); // past the size where top-k samples a threshold
            final float[] a = vector(r, d);
            final float[] b = vector(r, d);
            final float[] diff = new float[d];
            for (int i = 0; i < d; i++) {
                diff[i] = a[i] - b[i];
            }
            final ByteBuffer one = c.newPayloadBuffer(d);
            final ByteBuffer two = c.newPayloadBuffer(d);
            final int n = c.encode(diff, 0, d, one, trial);
            assertEquals(n, c.encodeDifference(a, b, 0, d, two, trial), spec + " d=" + d);
            for (int i = 0; i < n; i++) {
                assertEquals(one.get(i), two.get(i), spec + " d=" + d + ": byte " + i);
            }
        }
        final float[] a = new float[40_000];
        final float[] b = new float[40_000];
        a[123] = Float.POSITIVE_INFINITY;
        b[123] = Float.POSITIVE_INFINITY; // inf - inf: the difference is NaN
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> c.encodeDifference(a, b, 0, a.length, c.newPayloadBuffer(a.length), 7));
        assertTrue(e.getMessage().contains("element 123 of the vector is NaN at step 7"), e.getMessage());
        // NaN in most of the vector, so in top-k's sample as well (its threshold then NaN): still reported.
        for (int i = 100; i < a.length; i++) {
            a[i] = Float.POSITIVE_INFINITY;
            b[i] = Float.POSITIVE_INFINITY;
        }
        final IllegalArgumentException many = assertThrows(IllegalArgumentException.class,
            () -> c.encodeDifference(a, b, 0, a.length, c.newPayloadBuffer(a.length), 8));
        assertTrue(many.getMessage().contains("element 100 of the vector is NaN at step 8"), many.getMessage());
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("specs")
    void measuredOmegaMeetsTheClaimedBound(String spec, Quantizer path) {
        final Compressor c = make(spec, 3, path);
        final SplittableRandom r = new SplittableRandom(2);
        final int d = 200;
        final int vectors = 1000;
        double errorSum = 0;
        double normSum = 0;
        // An unbiased Q is measured as Q / zeta, whose omega is the claimed 1 / zeta.
        final float scale = c.unbiased() ? (float) (1 / c.zeta(d)) : 1f;
        for (int v = 0; v < vectors; v++) {
            final float[] x = vector(r, d);
            final float[] q = roundTrip(c, x, v);
            for (int i = 0; i < d; i++) {
                q[i] *= scale;
            }
            final double err = sqDiff(q, x);
            if (spec.equals("sign")) {
                // Per vector, exactly: ||Q(x) - x||^2 = (1 - omega(x)) ||x||^2, omega(x) = ||x||_1^2 / (d ||x||^2).
                double l1 = 0;
                for (float e : x) {
                    l1 += Math.abs(e);
                }
                final double omegaX = l1 * l1 / (d * sq(x));
                assertEquals((1 - omegaX) * sq(x), err, 1e-4 * sq(x), "sign, vector " + v);
            }
            if (spec.startsWith("topk:") || spec.equals("none")) {
                // Deterministic: the bound holds for every single vector.
                assertTrue(err <= (1 - c.omega(d)) * sq(x) * (1 + 1e-6), spec + ", vector " + v);
            }
            errorSum += err;
            normSum += sq(x);
        }
        final double measuredOmega = 1 - errorSum / normSum;
        System.out.printf("omega measured for %s at d = %d over %d vectors: %.4f (claimed %s)%n", spec, d, vectors,
            measuredOmega, Double.isNaN(c.omega(d)) ? "per vector" : String.format("%.4f", c.omega(d)));
        if (!Double.isNaN(c.omega(d))) {
            // 2% slack for the randomness of 1000 samples.
            assertTrue(measuredOmega >= c.omega(d) - 0.02 * Math.abs(1 - c.omega(d)) - 1e-9,
                spec + ": measured omega " + measuredOmega + " below the claimed " + c.omega(d));
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("unbiasedSpecs")
    void unbiasedCompressorsAverageToTheInputAndRespectTheirVarianceBound(String spec, Quantizer path) {
        final Compressor c = make(spec, 1, path);
        assertTrue(c.unbiased(), spec);
        final int d = 24;
        final int samples = 3000;
        final float[] x = vector(new SplittableRandom(9), d);
        final double[][] draws = new double[d][samples];
        double squares = 0;
        for (int s = 0; s < samples; s++) {
            final float[] q = roundTrip(c, x, s);
            for (int i = 0; i < d; i++) {
                draws[i][s] = q[i];
            }
            squares += sq(q);
        }
        final TTest tTest = new TTest();
        double biasSquared = 0;
        for (int i = 0; i < d; i++) {
            double mean = 0;
            for (int s = 0; s < samples; s++) {
                mean += draws[i][s] / samples;
            }
            biasSquared += (mean - x[i]) * (mean - x[i]);
            boolean constant = true;
            for (int s = 1; s < samples && constant; s++) {
                constant = draws[i][s] == draws[i][0];
            }
            if (constant) {
                continue; // no variance to test (a tiny entry that always rounded the same way); see biasSquared
            }
            // Bonferroni over d coordinates at an overall level of 1e-3.
            final double p = tTest.tTest(x[i], draws[i]);
            assertTrue(p > 1e-3 / d, spec + ": E Q(x)_" + i + " differs from x_" + i + " = " + x[i] + " (p = " + p + ")");
        }
        // Over all coordinates: E||mean - x||^2 <= (zeta - 1) ||x||^2 / samples; allow 5 times that.
        assertTrue(biasSquared <= 5 * (c.zeta(d) - 1) * sq(x) / samples + 1e-12,
            spec + ": the mean of the draws is " + Math.sqrt(biasSquared) + " away from x");
        final double zeta = c.zeta(d);
        assertTrue(squares / samples <= zeta * sq(x) * 1.03, spec + ": E||Q(x)||^2 = " + squares / samples
            + " > zeta ||x||^2 = " + zeta * sq(x));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("specs")
    void theSameSeedRankAndStepGiveTheSameBytes(String spec, Quantizer path) {
        final float[] x = vector(new SplittableRandom(4), 3000);
        final ByteBuffer a = make(spec, 2, path).newPayloadBuffer(3000);
        final ByteBuffer b = make(spec, 2, path).newPayloadBuffer(3000);
        final int na = make(spec, 2, path).encode(x, 0, 3000, a, 17);
        final int nb = make(spec, 2, path).encode(x, 0, 3000, b, 17);
        assertEquals(na, nb);
        assertEquals(0, a.slice(0, na).compareTo(b.slice(0, nb)), spec + ": bytes differ for the same seed");
        final Compressor c = make(spec, 2, path);
        final ByteBuffer other = c.newPayloadBuffer(3000);
        final int no = c.encode(x, 0, 3000, other, 18);
        if (spec.startsWith("randk") || spec.startsWith("qsgd") || spec.startsWith("nat")
                || spec.startsWith("topk-natdither")) {
            assertFalse(no == na && other.slice(0, no).compareTo(a.slice(0, na)) == 0,
                spec + ": the next step must draw other random numbers");
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("specs")
    void zeroVectorsAndOneDimensionWork(String spec, Quantizer path) {
        final Compressor c = make(spec, 0, path);
        assertArrayEquals(new float[100], roundTrip(c, new float[100], 0), spec + ": Q(0) = 0");
        final float[] one = roundTrip(c, new float[] {-2.5f}, 1);
        assertTrue(one[0] <= 0 && one[0] >= -6, spec + ": d = 1 gave " + one[0]);
        assertArrayEquals(new float[1], roundTrip(c, new float[1], 2), spec);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("specs")
    void nonFiniteInputIsAClearError(String spec, Quantizer path) {
        final Compressor c = make(spec, 0, path);
        for (int d : new int[] {64, 50_000}) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                final float[] x = vector(new SplittableRandom(5), d);
                x[33] = bad;
                final ByteBuffer buf = c.newPayloadBuffer(d);
                if (spec.startsWith("randk")) {
                    // Rand-k reads only the k elements it draws: it refuses a bad one that it would send, and
                    // sends a finite payload when the bad one is not drawn. Both cases, at indices found by
                    // encoding marks x_i = i + 1 at the same step (the draw depends on seed, rank and step only).
                    final float[] marks = new float[d];
                    for (int i = 0; i < d; i++) {
                        marks[i] = i + 1;
                    }
                    final float[] drawnMarks = new float[d];
                    c.decodeAdd(buf, c.encode(marks, 0, d, buf, 7), 1f, drawnMarks);
                    int drawn = -1;
                    int skipped = -1;
                    for (int i = 0; i < d; i++) {
                        if (drawnMarks[i] != 0 && drawn < 0) {
                            drawn = i;
                        } else if (drawnMarks[i] == 0 && skipped < 0) {
                            skipped = i;
                        }
                    }
                    assertTrue(drawn >= 0 && skipped >= 0, spec + " at d = " + d + " drew no element, or all");
                    final float[] sent = vector(new SplittableRandom(5), d);
                    sent[drawn] = bad;
                    final int at = drawn;
                    final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> c.encode(sent, 0, d, buf, 7), spec + ": a drawn " + bad + " must be refused");
                    assertTrue(e.getMessage().contains("element " + at + " of the vector is " + bad + " at step 7"),
                        e.getMessage());
                    final float[] kept = vector(new SplittableRandom(5), d);
                    kept[skipped] = bad;
                    final float[] decoded = new float[d];
                    c.decodeAdd(buf, c.encode(kept, 0, d, buf, 7), 1f, decoded);
                    for (float v : decoded) {
                        assertTrue(Float.isFinite(v), spec + " sent a non-finite value");
                    }
                    continue;
                }
                final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.encode(x, 0, d, buf, 7));
                assertTrue(e.getMessage().contains("element 33 of the vector is " + bad + " at step 7"), e.getMessage());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exampleSpecs")
    void everyCodecPathAndThreadCountWritesTheSameBytes(String spec) {
        final SplittableRandom r = new SplittableRandom(11);
        final List<Quantizer> paths = new ArrayList<>(javaPaths());
        paths.addAll(org.gossipmpi.testing.KernelDevices.quantizers());
        for (int d : new int[] {1, 77, 4096 * 3 + 5, 40_000, 70_001}) {
            final float[] x = vector(r, d + 3);
            final Compressor reference = make(spec, 1, Quantizers.scalar());
            final ByteBuffer expected = reference.newPayloadBuffer(d);
            final int n = reference.encode(x, 3, d, expected, 9);
            final float[] decoded = new float[d];
            reference.decodeAdd(expected, n, 0.7f, decoded);
            for (Quantizer q : paths) {
                for (int threads = 1; threads <= (q.threadSafe() ? 3 : 1); threads++) {
                    try (CodecThreads pool = CodecThreads.of(threads, "test")) {
                        final Compressor c = Compressors.parse(spec, SEED, 1, q, pool);
                        final ByteBuffer got = c.newPayloadBuffer(d);
                        final String what = spec + " d=" + d + " on " + q.describe() + " with " + threads + " threads";
                        assertEquals(n, c.encode(x, 3, d, got, 9), what);
                        assertEquals(0, expected.slice(0, n).compareTo(got.slice(0, n)), what + ": other bytes");
                        final float[] mine = new float[d];
                        c.decodeAdd(got, n, 0.7f, mine);
                        assertArrayEquals(decoded, mine, what + ": other decoded values");
                    }
                }
            }
        }
    }

    @Test
    void denseChecksAndSumsAgreeOnEveryPathWhereverTheBadValueSits() {
        final float[] bads = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 65520f, -70000f, 65504f};
        for (Quantizer q : javaPaths()) {
            for (int n : new int[] {0, 1, 7, 8, 9, 16, 17, 24, 25, 37, 40}) {
                for (int at = -1; at < n; at++) {
                    for (float bad : bads) {
                        final float[] x = new float[n + 2];
                        java.util.Arrays.fill(x, -1.5f);
                        if (at >= 0) {
                            x[1 + at] = bad;
                        }
                        final String what = q.describe() + " n=" + n + " bad " + bad + " at " + at;
                        final boolean finite = at < 0 || Float.isFinite(bad);
                        final boolean half = at < 0 || Math.abs(bad) < 65520f;
                        assertEquals(finite, q.allBelow(x, 1, 1 + n, Float.POSITIVE_INFINITY), what);
                        assertEquals(half, q.allBelow(x, 1, 1 + n, 65520f), what);
                    }
                }
                // limits nothing is below (|x| < limit is false for each), and one just above |x| = 1.5
                final float[] x = new float[n + 2];
                java.util.Arrays.fill(x, -1.5f);
                x[0] = Float.NaN; // outside the range: never read
                x[n + 1] = Float.NaN;
                for (float limit : new float[] {Float.NaN, 0f, -0f, -2f, Float.NEGATIVE_INFINITY, 1.5f}) {
                    assertEquals(n == 0, q.allBelow(x, 1, 1 + n, limit), q.describe() + " n=" + n + " limit " + limit);
                }
                assertTrue(q.allBelow(x, 1, 1 + n, Math.nextUp(1.5f)), q.describe() + " n=" + n + " limit above");
                final float[] values = vector(new SplittableRandom(n), n);
                final float[] expected = vector(new SplittableRandom(n + 1), n + 3);
                final float[] got = expected.clone();
                for (int j = 0; j < n; j++) {
                    expected[2 + j] += 0.3f * values[j];
                }
                q.addScaled(values, n, 0.3f, got, 2);
                assertArrayEquals(expected, got, q.describe() + " addScaled n=" + n);
            }
        }
    }

    static Stream<String> exampleSpecs() {
        return Compressors.EXAMPLES.stream();
    }

    @Test
    void severalCodecThreadsAreRefusedOnADeviceQuantizer() {
        for (Quantizer q : org.gossipmpi.testing.KernelDevices.quantizers()) {
            try (CodecThreads pool = CodecThreads.of(2, "test")) {
                final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Compressors.parse("qsgd:16", SEED, 0, q, pool));
                assertTrue(e.getMessage().contains("use codecThreads 1 there, or device java"), e.getMessage());
            }
        }
    }

    @Test
    void payloadsOfAnotherFormatVersionAreRefusedByName() {
        final Compressor c = make("sign", 0);
        final ByteBuffer buf = c.newPayloadBuffer(100);
        final int n = c.encode(vector(new SplittableRandom(3), 100), 0, 100, buf, 0);
        buf.put(PayloadDescriptor.VERSION_OFFSET, (byte) 1);
        final String why = PayloadDescriptor.mismatch(buf, n, c, 100);
        assertTrue(why != null && why.contains("payload format version 1, but this rank reads only version 2")
            && why.contains("older gossip-mpi"), why);
        assertTrue(PayloadDescriptor.mismatch(buf, 10, c, 100).contains("shorter than the 24-byte header"));
    }

    @Test
    void exactnessOfTheDeterministicOnes() {
        final float[] x = {0.5f, -3f, 2f, 0f, -3f, 1f, 7f, -0.25f, 2f, 0f};
        // top-30%: k = 3 of 10: 7, then the two -3 (ties broken towards the lower index over 2).
        assertArrayEquals(new float[] {0, -3f, 0, 0, -3f, 0, 7f, 0, 0, 0}, roundTrip(make("topk:0.3", 0), x, 0));
        final float a = (0.5f + 3 + 2 + 3 + 1 + 7 + 0.25f + 2) / 10;
        assertArrayEquals(new float[] {a, -a, a, a, -a, a, a, -a, a, a}, roundTrip(make("sign", 0), x, 0), 1e-6f);
        // randk: exactly k = 3 of the entries, unscaled; unbiased: scaled by d/k.
        final float[] rk = roundTrip(make("randk:0.3", 0), x, 5);
        final float[] rku = roundTrip(make("randk:0.3:unbiased", 0), x, 5);
        int kept = 0;
        // Both draw the same coordinates (same seed, rank and step); mark them by a vector without zeros.
        final float[] marks = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        final float[] drawn = roundTrip(make("randk:0.3", 0), marks, 5);
        for (int i = 0; i < x.length; i++) {
            if (drawn[i] != 0) {
                kept++;
                assertEquals(marks[i], drawn[i]);
                assertEquals(x[i], rk[i]);
                assertEquals(x[i] * 10f / 3f, rku[i], 1e-5f);
            } else {
                assertEquals(0f, rk[i]);
                assertEquals(0f, rku[i]);
            }
        }
        assertEquals(3, kept, "randk:0.3 of 10 keeps exactly 3");
        // natural: each entry is a power of two next to |x_i| with x_i's sign.
        final float[] nat = roundTrip(make("natural", 0), x, 1);
        for (int i = 0; i < x.length; i++) {
            final float m = Math.abs(nat[i]);
            assertTrue(x[i] == 0 ? m == 0 : (m == Math.scalb(1f, Math.getExponent(x[i]))
                || m == Math.scalb(1f, Math.getExponent(x[i]) + 1)), "natural " + x[i] + " -> " + nat[i]);
        }
        // qsgd: entries on the lattice norm * l / s.
        final float[] q = roundTrip(make("qsgd:4", 0), x, 1);
        final double norm = Math.sqrt(sq(x));
        for (int i = 0; i < x.length; i++) {
            final double l = Math.abs(q[i]) / norm * 4;
            assertEquals(Math.rint(l), l, 1e-5, "qsgd level of " + q[i]);
            assertTrue(q[i] == 0 || Math.signum(q[i]) == Math.signum(x[i]));
        }
    }

    @Test
    void payloadSizesForAMillionFloats() {
        final int d = 1_000_000;
        final float[] x = vector(new SplittableRandom(6), d);
        // qsgd:16 codes take 6 bits, ten to a 64-bit word (6.4 bits each); qsgd:15 codes 5 bits, twelve to a word.
        final int[] limits = {80_000, 126_000, 810_000, 670_000};
        final String[] specs = {"topk:0.01", "sign", "qsgd:16", "qsgd:15"};
        for (int i = 0; i < specs.length; i++) {
            final Compressor c = make(specs[i], 0);
            final int n = c.encode(x, 0, d, c.newPayloadBuffer(d), 0);
            System.out.printf("payload of %s for d = 1e6: %d bytes (paper bits %d)%n", specs[i], n, c.paperBits(d));
            assertTrue(n < limits[i], specs[i] + ": " + n + " bytes, the limit is " + limits[i]);
        }
    }

    @Test
    void badSpecsListTheValidForms() {
        for (String bad : new String[] {"topk", "topk:0", "topk:1.5", "topk:x", "qsgd:0", "qsgd:16:unbiased",
            "randk:0.1:biased", "natdither:31", "zstd", "sign:2", "topk-natdither:0.1"}) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> make(bad, 0), bad);
            assertTrue(e.getMessage().startsWith("compressor '" + bad + "': "), e.getMessage());
            assertTrue(e.getMessage().contains("valid: none, fp16, topk:F, randk:F"), e.getMessage());
        }
    }
}
