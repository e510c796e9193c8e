package org.gossipmpi.compress.simd;

import java.nio.ByteBuffer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import org.gossipmpi.compress.CounterRandom;
import org.gossipmpi.compress.Quantizer;
import org.gossipmpi.compress.Quantizers;
import org.gossipmpi.compress.WordPacking;

/**
 * {@link Quantizer} with the JDK's Vector API: eight float lanes, one per word of a {@link WordPacking}
 * group, so that slot k of a group is one vector load, its codes one vector, and the eight words fill in
 * registers (as 32-bit low and high halves). Full groups and full norm chunks run here; the last, partial
 * group or chunk runs on the scalar reference, which this class equals bit for bit.
 *
 * <p>Compiled apart from the rest (it needs {@code --add-modules jdk.incubator.vector}) and chosen by
 * {@link Quantizers} only where the JDK compiles it to SIMD instructions (21 and newer). The loops (the
 * methods named pack*, add*, chunkNorms, allBelow) must be compiled as their own roots: the launcher tells
 * C2 not to inline them (bin/lib/jdk.sh), since inlined into a caller with other loops they ran out of the
 * compiler's node budget and boxed their vectors. Helpers that take vectors must not carry those names.
 */
public final class VectorQuantizer implements Quantizer {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_256;
    private static final int LANES = WordPacking.LANES;
    private static final IntVector IOTA = IntVector.fromArray(IS, new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 0);
    private static final ThreadLocal<int[]> HALVES = ThreadLocal.withInitial(() -> new int[2 * LANES]);

    private final Quantizer scalar = Quantizers.scalar();

    @Override
    public String describe() {
        return "Java (Vector API, " + FS.vectorBitSize() + "-bit)";
    }

    @Override
    public boolean threadSafe() {
        return true;
    }

    private static float combine(FloatVector v) {
        return ((v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3))) + ((v.lane(4) + v.lane(5)) + (v.lane(6) + v.lane(7)));
    }

    @Override
    public void chunkNorms(float[] x, int off, int len, int fromChunk, int toChunk, float[] squares,
                           float[] absolutes) {
        final int full = Math.min(toChunk, len / NORM_CHUNK);
        for (int c = fromChunk; c < full; c++) {
            FloatVector s = FloatVector.zero(FS);
            FloatVector a = FloatVector.zero(FS);
            for (int i = off + c * NORM_CHUNK, end = i + NORM_CHUNK; i < end; i += LANES) {
                final FloatVector v = FloatVector.fromArray(FS, x, i);
                s = s.add(v.mul(v));
                a = a.add(v.abs());
            }
            squares[c] = combine(s);
            absolutes[c] = combine(a);
        }
        if (Math.max(fromChunk, full) < toChunk) {
            scalar.chunkNorms(x, off, len, Math.max(fromChunk, full), toChunk, squares, absolutes);
        }
    }

    /**
     * Compares the bits of |x| with those of the limit: for floats of one sign the bit patterns order as the
     * values do, and a NaN's lie above infinity's, so an integer maximum over the chunk decides it. The
     * float maximum it replaces keeps Java's NaN and -0 rules, several instructions a step of one chain, and its
     * loop ran at the chain's latency, slower than a copy of the same floats (2.5 ms for 1e7 where a copy took
     * 1.9); two integer maxima run at memory speed.
     */
    @Override
    public boolean allBelow(float[] x, int from, int to, float limit) {
        // a NaN limit lets nothing below it, nor does a limit of zero or less (its bits are 0 or negative)
        final int limitBits = Float.isNaN(limit) ? Integer.MIN_VALUE : Float.floatToRawIntBits(limit);
        IntVector max0 = IntVector.zero(IS);
        IntVector max1 = IntVector.zero(IS);
        int i = from;
        for (final int bound = from + IS.loopBound((to - from) / 2) * 2; i < bound; i += 2 * LANES) {
            max0 = max0.max(FloatVector.fromArray(FS, x, i).reinterpretAsInts().and(0x7FFFFFFF));
            max1 = max1.max(FloatVector.fromArray(FS, x, i + LANES).reinterpretAsInts().and(0x7FFFFFFF));
        }
        if (i + LANES <= to) {
            max0 = max0.max(FloatVector.fromArray(FS, x, i).reinterpretAsInts().and(0x7FFFFFFF));
            i += LANES;
        }
        boolean below = i == from || max0.max(max1).compare(VectorOperators.LT, limitBits).allTrue(); // none: all
        for (; i < to; i++) {
            below &= Math.abs(x[i]) < limit;
        }
        return below;
    }

    @Override
    public long notBelow(float[] x, float[] y, int at, int n, float limit) {
        final int bound = FS.loopBound(n);
        long bits = 0;
        int j = 0;
        for (; j < bound; j += LANES) { // a NaN compares false, so its bit is set
            FloatVector v = FloatVector.fromArray(FS, x, at + j);
            if (y != null) {
                v = v.sub(FloatVector.fromArray(FS, y, at + j));
            }
            final VectorMask<Float> set = v.abs().compare(VectorOperators.LT, limit).not();
            if (set.anyTrue()) { // seldom: top-k's threshold leaves few elements above it
                bits |= set.toLong() << j;
            }
        }
        for (; j < n; j++) {
            final float v = y == null ? x[at + j] : x[at + j] - y[at + j];
            bits |= (Math.abs(v) < limit ? 0L : 1L) << j;
        }
        return bits;
    }

    @Override
    public void addScaled(float[] values, int n, float w, float[] target, int at) {
        final int bound = FS.loopBound(n);
        int j = 0;
        for (; j < bound; j += LANES) {
            FloatVector.fromArray(FS, target, at + j).add(FloatVector.fromArray(FS, values, j).mul(w))
                .intoArray(target, at + j);
        }
        for (; j < n; j++) {
            target[at + j] += w * values[j];
        }
    }

    private static IntVector hash(int key, int first) {
        IntVector h = IOTA.add(first).mul(CounterRandom.GOLDEN).add(key);
        h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
        h = h.mul(0x7feb352d);
        h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 15));
        h = h.mul(0x846ca68b);
        return h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
    }

    private static IntVector oneWhere(VectorMask<Float> m) {
        return IntVector.zero(IS).blend(1, m.cast(IS));
    }

    /**
     * One loop per mode, so that the JIT compiles (and profiles) each on its own: a loop shared by the modes
     * ran at half the speed or less once a second mode had run in the same JVM (a sweep, a benchmark).
     */
    @Override
    public boolean packLevels(int mode, float[] x, int off, int len, int width, int s, float multiplier, int key,
                              int fromGroup, int toGroup, ByteBuffer dst, int body) {
        final int full = Math.min(toGroup, len / (LANES * WordPacking.perWord(width)));
        boolean sawSpecial = false;
        if (fromGroup < full) {
            if (mode == QSGD) {
                packQsgd(x, off, width, s, multiplier, key, fromGroup, full, dst, body);
            } else if (mode == NATURAL) {
                sawSpecial = packNatural(x, off, width, key, fromGroup, full, dst, body);
            } else {
                packDither(x, off, width, s, multiplier, key, fromGroup, full, dst, body);
            }
        }
        if (Math.max(fromGroup, full) < toGroup) {
            sawSpecial |= scalar.packLevels(mode, x, off, len, width, s, multiplier, key, Math.max(fromGroup, full),
                toGroup, dst, body);
        }
        return sawSpecial;
    }

    private static void packQsgd(float[] x, int off, int width, int s, float multiplier, int key, int fromGroup,
                                 int toGroup, ByteBuffer dst, int body) {
        final int perWord = WordPacking.perWord(width);
        final int[] halves = HALVES.get();
        for (int g = fromGroup; g < toGroup; g++) {
            IntVector lo = IntVector.zero(IS);
            IntVector hi = IntVector.zero(IS);
            for (int k = 0, first = g * LANES * perWord; k < perWord; k++, first += LANES) {
                final FloatVector v = FloatVector.fromArray(FS, x, off + first);
                final FloatVector u = v.abs().mul(multiplier);
                final IntVector low = (IntVector) u.convert(VectorOperators.F2I, 0);
                final FloatVector frac = u.sub((FloatVector) low.convert(VectorOperators.I2F, 0));
                final IntVector level = low.add(oneWhere(uniform24(key, first).compare(VectorOperators.LT, frac))).min(s);
                final IntVector code = code(level, v);
                lo = low(lo, code, k * width);
                hi = high(hi, code, k * width, width);
            }
            store(lo, hi, halves, dst, body + 8 * g * LANES);
        }
    }

    private static boolean packNatural(float[] x, int off, int width, int key, int fromGroup, int toGroup,
                                       ByteBuffer dst, int body) {
        final int perWord = WordPacking.perWord(width);
        final int[] halves = HALVES.get();
        IntVector special = IntVector.zero(IS);
        for (int g = fromGroup; g < toGroup; g++) {
            IntVector lo = IntVector.zero(IS);
            IntVector hi = IntVector.zero(IS);
            for (int k = 0, first = g * LANES * perWord; k < perWord; k++, first += LANES) {
                final FloatVector v = FloatVector.fromArray(FS, x, off + first);
                final IntVector abs = v.reinterpretAsInts().and(0x7FFFFFFF);
                special = special.or(abs.add(0x00800000));
                final IntVector up = oneWhereInt(hash(key, first).lanewise(VectorOperators.LSHR, 9)
                    .compare(VectorOperators.LT, abs.and(0x7FFFFF)));
                final IntVector code = code(abs.lanewise(VectorOperators.LSHR, 23).add(up).min(254), v);
                lo = low(lo, code, k * width);
                hi = high(hi, code, k * width, width);
            }
            store(lo, hi, halves, dst, body + 8 * g * LANES);
        }
        return special.compare(VectorOperators.LT, 0).anyTrue();
    }

    private static void packDither(float[] x, int off, int width, int s, float multiplier, int key, int fromGroup,
                                   int toGroup, ByteBuffer dst, int body) {
        final int perWord = WordPacking.perWord(width);
        final int[] halves = HALVES.get();
        final int smallExponent = 128 - s;
        final float smallScale = Quantizer.ditherSmallScale(Math.max(s, 1));
        for (int g = fromGroup; g < toGroup; g++) {
            IntVector lo = IntVector.zero(IS);
            IntVector hi = IntVector.zero(IS);
            for (int k = 0, first = g * LANES * perWord; k < perWord; k++, first += LANES) {
                final FloatVector v = FloatVector.fromArray(FS, x, off + first);
                final FloatVector u = v.abs().mul(multiplier);
                final IntVector bits = u.reinterpretAsInts();
                final IntVector e = bits.lanewise(VectorOperators.LSHR, 23);
                final IntVector h = hash(key, first);
                final IntVector up = oneWhereInt(h.lanewise(VectorOperators.LSHR, 9)
                    .compare(VectorOperators.LT, bits.and(0x7FFFFF)));
                final IntVector main = e.add(s - 127).add(up).min(s);
                final FloatVector r = ((FloatVector) h.lanewise(VectorOperators.LSHR, 8)
                    .convert(VectorOperators.I2F, 0)).mul(0x1p-24f);
                final IntVector small = oneWhere(r.compare(VectorOperators.LT, u.mul(smallScale)));
                final IntVector code = code(main.blend(small, e.compare(VectorOperators.LT, smallExponent)), v);
                lo = low(lo, code, k * width);
                hi = high(hi, code, k * width, width);
            }
            store(lo, hi, halves, dst, body + 8 * g * LANES);
        }
    }

    /** The uniforms in [0, 1) of QSGD's rounding: (bits >>> 8) 2^-24 for elements first .. first + 7. */
    private static FloatVector uniform24(int key, int first) {
        return ((FloatVector) hash(key, first).lanewise(VectorOperators.LSHR, 8).convert(VectorOperators.I2F, 0))
            .mul(0x1p-24f);
    }

    private static IntVector oneWhereInt(VectorMask<Integer> m) {
        return IntVector.zero(IS).blend(1, m);
    }

    /** The code: the level above the sign bit (1 where v &lt; 0). */
    private static IntVector code(IntVector level, FloatVector v) {
        return level.lanewise(VectorOperators.LSHL, 1).or(oneWhere(v.compare(VectorOperators.LT, 0f)));
    }

    /** The low 32 bits of the words after a code of {@code width} bits at bit {@code shift}. */
    private static IntVector low(IntVector lo, IntVector code, int shift) {
        return shift < 32 ? lo.or(code.lanewise(VectorOperators.LSHL, shift)) : lo;
    }

    /** The high 32 bits of the words after a code of {@code width} bits at bit {@code shift}. */
    private static IntVector high(IntVector hi, IntVector code, int shift, int width) {
        if (shift >= 32) {
            return hi.or(code.lanewise(VectorOperators.LSHL, shift - 32));
        }
        return shift + width > 32 ? hi.or(code.lanewise(VectorOperators.LSHR, 32 - shift)) : hi;
    }

    private static void store(IntVector lo, IntVector hi, int[] halves, ByteBuffer dst, int at) {
        lo.intoArray(halves, 0);
        hi.intoArray(halves, LANES);
        for (int l = 0; l < LANES; l++) {
            dst.putLong(at + 8 * l, (long) halves[LANES + l] << 32 | (halves[l] & 0xFFFFFFFFL));
        }
    }

    private static void load(ByteBuffer src, int at, int[] halves) {
        for (int l = 0; l < LANES; l++) {
            final long word = src.getLong(at + 8 * l);
            halves[l] = (int) word;
            halves[LANES + l] = (int) (word >>> 32);
        }
    }

    @Override
    public void packSigns(float[] x, int off, int len, int fromChunk, int toChunk, float[] absolutes,
                          ByteBuffer dst, int body) {
        final int full = Math.min(toChunk, len / NORM_CHUNK);
        final int[] halves = HALVES.get();
        final int groupsPerChunk = NORM_CHUNK / (LANES * 64);
        for (int c = fromChunk; c < full; c++) {
            FloatVector a = FloatVector.zero(FS);
            for (int g = c * groupsPerChunk, end = g + groupsPerChunk; g < end; g++) {
                IntVector lo = IntVector.zero(IS);
                IntVector hi = IntVector.zero(IS);
                for (int k = 0; k < 64; k++) {
                    final FloatVector v = FloatVector.fromArray(FS, x, off + g * LANES * 64 + LANES * k);
                    a = a.add(v.abs());
                    final VectorMask<Integer> negative = v.compare(VectorOperators.LT, 0f).cast(IS);
                    if (k < 32) {
                        lo = lo.blend(lo.or(1 << k), negative);
                    } else {
                        hi = hi.blend(hi.or(1 << (k - 32)), negative);
                    }
                }
                store(lo, hi, halves, dst, body + 8 * g * LANES);
            }
            absolutes[c] = combine(a);
        }
        if (Math.max(fromChunk, full) < toChunk) {
            scalar.packSigns(x, off, len, Math.max(fromChunk, full), toChunk, absolutes, dst, body);
        }
    }

    /** One loop per mode, for the reason {@link #packLevels} gives. */
    @Override
    public void addLevels(int mode, ByteBuffer src, int body, int count, int width, int s, float unit, int fromGroup,
                          int toGroup, float[] target) {
        final int full = Math.min(toGroup, count / (LANES * WordPacking.perWord(width)));
        if (fromGroup < full) {
            if (mode == QSGD) {
                addQsgd(src, body, width, unit, fromGroup, full, target);
            } else if (mode == NATURAL) {
                addNatural(src, body, width, unit, fromGroup, full, target);
            } else {
                addDither(src, body, width, s, unit, fromGroup, full, target);
            }
        }
        if (Math.max(fromGroup, full) < toGroup) {
            scalar.addLevels(mode, src, body, count, width, s, unit, Math.max(fromGroup, full), toGroup, target);
        }
    }

    private static void addQsgd(ByteBuffer src, int body, int width, float unit, int fromGroup, int toGroup,
                                float[] target) {
        final int perWord = WordPacking.perWord(width);
        final int[] halves = HALVES.get();
        for (int g = fromGroup; g < toGroup; g++) {
            load(src, body + 8 * g * LANES, halves);
            final IntVector lo = IntVector.fromArray(IS, halves, 0);
            final IntVector hi = IntVector.fromArray(IS, halves, LANES);
            for (int k = 0, at = g * LANES * perWord; k < perWord; k++, at += LANES) {
                final IntVector code = codeAt(lo, hi, k * width, width);
                final FloatVector magnitude = (FloatVector) code.lanewise(VectorOperators.LSHR, 1)
                    .convert(VectorOperators.I2F, 0);
                accumulate(magnitude, unit, code, target, at);
            }
        }
    }

    private static void addNatural(ByteBuffer src, int body, int width, float unit, int fromGroup, int toGroup,
                                   float[] target) {
        final int perWord = WordPacking.perWord(width);
        final int[] halves = HALVES.get();
        for (int g = fromGroup; g < toGroup; g++) {
            load(src, body + 8 * g * LANES, halves);
            final IntVector lo = IntVector.fromArray(IS, halves, 0);
            final IntVector hi = IntVector.fromArray(IS, halves, LANES);
            for (int k = 0, at = g * LANES * perWord; k < perWord; k++, at += LANES) {
                final IntVector code = codeAt(lo, hi, k * width, width);
                final FloatVector magnitude = code.lanewise(VectorOperators.LSHR, 1).lanewise(VectorOperators.LSHL, 23)
                    .reinterpretAsFloats();
                accumulate(magnitude, unit, code, target, at);
            }
        }
    }

    private static void addDither(ByteBuffer src, int body, int width, int s, float unit, int fromGroup, int toGroup,
                                  float[] target) {
        final int perWord = WordPacking.perWord(width);
        final int[] halves = HALVES.get();
        final int ditherBias = 127 - s;
        for (int g = fromGroup; g < toGroup; g++) {
            load(src, body + 8 * g * LANES, halves);
            final IntVector lo = IntVector.fromArray(IS, halves, 0);
            final IntVector hi = IntVector.fromArray(IS, halves, LANES);
            for (int k = 0, at = g * LANES * perWord; k < perWord; k++, at += LANES) {
                final IntVector code = codeAt(lo, hi, k * width, width);
                final IntVector level = code.lanewise(VectorOperators.LSHR, 1);
                final FloatVector magnitude = level.add(ditherBias).lanewise(VectorOperators.LSHL, 23)
                    .blend(0, level.compare(VectorOperators.EQ, 0)).reinterpretAsFloats();
                accumulate(magnitude, unit, code, target, at);
            }
        }
    }

    /** The codes of {@code width} bits at bit {@code shift} of the eight words (low and high halves). */
    private static IntVector codeAt(IntVector lo, IntVector hi, int shift, int width) {
        final int mask = width == 32 ? -1 : (1 << width) - 1;
        if (shift + width <= 32) {
            return lo.lanewise(VectorOperators.LSHR, shift).and(mask);
        }
        if (shift >= 32) {
            return hi.lanewise(VectorOperators.LSHR, shift - 32).and(mask);
        }
        return lo.lanewise(VectorOperators.LSHR, shift).or(hi.lanewise(VectorOperators.LSHL, 32 - shift)).and(mask);
    }

    /** {@code target[at ..] += ±unit * magnitude}, negative where the code's sign bit is set. */
    private static void accumulate(FloatVector magnitude, float unit, IntVector code, float[] target, int at) {
        final FloatVector value = magnitude.mul(unit).reinterpretAsInts()
            .lanewise(VectorOperators.XOR, code.lanewise(VectorOperators.LSHL, 31)).reinterpretAsFloats();
        FloatVector.fromArray(FS, target, at).add(value).intoArray(target, at);
    }

    @Override
    public void addSigns(ByteBuffer src, int body, int count, float unit, int fromGroup, int toGroup,
                         float[] target) {
        final int full = Math.min(toGroup, count / (LANES * 64));
        final int[] halves = HALVES.get();
        final FloatVector plus = FloatVector.broadcast(FS, unit);
        final FloatVector minus = plus.neg();
        for (int g = fromGroup; g < full; g++) {
            load(src, body + 8 * g * LANES, halves);
            final IntVector lo = IntVector.fromArray(IS, halves, 0);
            final IntVector hi = IntVector.fromArray(IS, halves, LANES);
            for (int k = 0; k < 64; k++) {
                final IntVector bit = k < 32 ? lo.and(1 << k) : hi.and(1 << (k - 32));
                final FloatVector value = plus.blend(minus, bit.compare(VectorOperators.NE, 0).cast(FS));
                final int at = g * LANES * 64 + LANES * k;
                FloatVector.fromArray(FS, target, at).add(value).intoArray(target, at);
            }
        }
        if (Math.max(fromGroup, full) < toGroup) {
            scalar.addSigns(src, body, count, unit, Math.max(fromGroup, full), toGroup, target);
        }
    }
}
