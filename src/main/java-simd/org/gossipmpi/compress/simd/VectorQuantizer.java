package org.gossipmpi.compress.simd;

import java.nio.ByteBuffer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import org.gossipmpi.compress.CounterRandom;
import org.gossipmpi.compress.Quantizer;
import org.gossipmpi.compress.Quantizers;
import org.gossipmpi.compress.WordPacking;

/**
 * {@link Quantizer} with the JDK's Vector API: eight float lanes, one per word of a {@link WordPacking}
 * group, so that slot k of a group is one vector load, its codes one vector, and the eight words fill in
 * registers (as 32-bit low and high halves). Where the JVM's vectors are 512-bit (AVX-512), the level codecs
 * (QSGD, natural compression, natural dithering; compute-bound) take slots k and k + 1 of a group in one
 * 16-lane vector and fill the eight words as one vector of longs, the same bytes at about twice the speed.
 * Full groups and full norm chunks run here; the last, partial group or chunk runs on the scalar reference,
 * which this class equals bit for bit.
 *
 * <p>Compiled apart from the rest (it needs {@code --add-modules jdk.incubator.vector}) and chosen by
 * {@link Quantizers} only where the JDK compiles it to SIMD instructions (21 and newer). The loops (the
 * methods named pack*, add*, chunkNorms, allBelow) must be compiled as their own roots: the launcher tells
 * C2 not to inline them (bin/lib/jdk.sh), since inlined into a caller with other loops they ran out of the
 * compiler's node budget and boxed their vectors. Helpers that take vectors must not carry those names, and
 * come early in a loop's body: once the body's nodes pass C2's inlining cutoff a call is left a call, and its
 * vectors are boxed (so the loops hand arrays, not vectors, to the helpers that write the payload: packSigns its
 * words' halves, the level encodes a batch of codes that {@code packGroups} then packs).
 */
public final class VectorQuantizer implements Quantizer {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_256;
    private static final int LANES = WordPacking.LANES;
    private static final ThreadLocal<int[]> HALVES = ThreadLocal.withInitial(() -> new int[2 * LANES]);
    /**
     * The level codecs' species: 512-bit where the JVM's vectors are that wide (two slots of a group per
     * vector), else 256-bit (one slot).
     */
    private static final VectorSpecies<Float> PS = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512
        ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> PIS = PS.vectorBitSize() == 512 ? IntVector.SPECIES_512
        : IntVector.SPECIES_256;
    private static final VectorSpecies<Long> PLS = PS.vectorBitSize() == 512 ? LongVector.SPECIES_512
        : LongVector.SPECIES_256;
    /** Lanes of a level codec's vector, and the slots of a group they hold: 8 and 1, or 16 and 2. */
    private static final int PACK_LANES = PS.length();
    private static final int SLOTS = PACK_LANES / LANES;
    /** i GOLDEN in lane i: the counters' first step, of elements first + i, is a broadcast add to it. */
    private static final IntVector IOTA_GOLDEN = IntVector.fromArray(PIS, goldenSteps(), 0);
    /** Lane order that makes the two slots' codes of each word neighbours: 0, 8, 1, 9, ... 7, 15. */
    private static final VectorShuffle<Integer> PAIRS = VectorShuffle.fromOp(PIS,
        i -> SLOTS == 2 ? i / 2 + (i % 2) * LANES : i);
    /** The inverse of {@link #PAIRS}, on a group's words read as ints: slot k's codes, then slot k + 1's. */
    private static final VectorShuffle<Integer> UNPAIRS = VectorShuffle.fromOp(PIS,
        i -> SLOTS == 2 ? (i % LANES) * 2 + i / LANES : i);
    private static final VectorMask<Float> FIRST_SLOT = PS.indexInRange(0, LANES);
    private static final ThreadLocal<long[]> WORDS = ThreadLocal.withInitial(() -> new long[LANES]);
    /**
     * The codes the level encodes compute before they pack them: whole groups, as many as fit 4096 codes (a group
     * has at most 8 x 64), and room for the eight more that a group's odd last slot reads in a 512-bit vector.
     */
    private static final int BATCH_CODES = 4096;
    private static final ThreadLocal<int[]> CODES = ThreadLocal.withInitial(() -> new int[BATCH_CODES + LANES]);

    private final Quantizer scalar = Quantizers.scalar();

    private static int[] goldenSteps() {
        final int[] steps = new int[PACK_LANES];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = i * CounterRandom.GOLDEN;
        }
        return steps;
    }

    @Override
    public String describe() {
        return "Java (Vector API, " + FS.vectorBitSize() + "-bit" + (PS == FS ? "" : "; level codecs "
            + PS.vectorBitSize() + "-bit") + ")";
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
            bits |= v.abs().compare(VectorOperators.LT, limit).not().toLong() << j;
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
        IntVector h = IOTA_GOLDEN.add(first * CounterRandom.GOLDEN + key); // (first + i) GOLDEN + key, wrapping
        h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
        h = h.mul(0x7feb352d);
        h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 15));
        h = h.mul(0x846ca68b);
        return h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
    }

    /**
     * One loop per mode, so that the JIT compiles (and profiles) each on its own: a loop shared by the modes
     * ran at half the speed or less once a second mode had run in the same JVM (a sweep, a benchmark).
     */
    @Override
    public boolean packLevels(int mode, float[] x, int off, int len, int width, int s, float multiplier, int key,
                              int fromGroup, int toGroup, ByteBuffer dst, int body) {
        // with two slots a vector, an odd count's last slot reads the next group's first eight elements too (and
        // leaves their codes): the groups here are those whose reads stay within the len elements
        final int perWord = WordPacking.perWord(width);
        final int overRead = SLOTS == 2 && perWord % 2 == 1 ? LANES : 0;
        final int full = Math.min(toGroup, Math.max(len - overRead, 0) / (LANES * perWord));
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
        final int[] codes = CODES.get();
        final long[] words = WORDS.get();
        final int[] halves = HALVES.get();
        final int group = LANES * perWord;
        final int batch = BATCH_CODES / group;
        for (int g = fromGroup; g < toGroup; g += batch) {
            final int groups = Math.min(batch, toGroup - g);
            for (int i = 0, first = g * group; i < groups * group; i += PACK_LANES, first += PACK_LANES) {
                final FloatVector v = FloatVector.fromArray(PS, x, off + first);
                final FloatVector u = v.abs().mul(multiplier);
                final IntVector low = (IntVector) u.convert(VectorOperators.F2I, 0);
                final FloatVector frac = u.sub((FloatVector) low.convert(VectorOperators.I2F, 0));
                final IntVector level = low.add(1, uniform24(key, first).compare(VectorOperators.LT, frac).cast(PIS))
                    .min(s);
                final IntVector code = code(level, v);
                code.intoArray(codes, i);
            }
            packGroups(codes, groups, words, halves, perWord, width, dst, body + 8 * g * LANES);
        }
    }

    private static boolean packNatural(float[] x, int off, int width, int key, int fromGroup, int toGroup,
                                       ByteBuffer dst, int body) {
        final int perWord = WordPacking.perWord(width);
        final int[] codes = CODES.get();
        final long[] words = WORDS.get();
        final int[] halves = HALVES.get();
        final int group = LANES * perWord;
        final int batch = BATCH_CODES / group;
        IntVector special = IntVector.zero(PIS);
        for (int g = fromGroup; g < toGroup; g += batch) {
            final int groups = Math.min(batch, toGroup - g);
            for (int i = 0, first = g * group; i < groups * group; i += PACK_LANES, first += PACK_LANES) {
                final FloatVector v = FloatVector.fromArray(PS, x, off + first);
                final IntVector abs = v.reinterpretAsInts().and(0x7FFFFFFF);
                special = special.or(abs.add(0x00800000));
                final VectorMask<Integer> up = hash(key, first).lanewise(VectorOperators.LSHR, 9)
                    .compare(VectorOperators.LT, abs.and(0x7FFFFF));
                final IntVector code = code(abs.lanewise(VectorOperators.LSHR, 23).add(1, up).min(254), v);
                code.intoArray(codes, i);
            }
            packGroups(codes, groups, words, halves, perWord, width, dst, body + 8 * g * LANES);
        }
        return special.compare(VectorOperators.LT, 0).anyTrue();
    }

    private static void packDither(float[] x, int off, int width, int s, float multiplier, int key, int fromGroup,
                                   int toGroup, ByteBuffer dst, int body) {
        final int perWord = WordPacking.perWord(width);
        final int[] codes = CODES.get();
        final long[] words = WORDS.get();
        final int[] halves = HALVES.get();
        final int group = LANES * perWord;
        final int batch = BATCH_CODES / group;
        final int smallExponent = 128 - s;
        final float smallScale = Quantizer.ditherSmallScale(Math.max(s, 1));
        for (int g = fromGroup; g < toGroup; g += batch) {
            final int groups = Math.min(batch, toGroup - g);
            for (int i = 0, first = g * group; i < groups * group; i += PACK_LANES, first += PACK_LANES) {
                final FloatVector v = FloatVector.fromArray(PS, x, off + first);
                final FloatVector u = v.abs().mul(multiplier);
                final IntVector bits = u.reinterpretAsInts();
                final IntVector e = bits.lanewise(VectorOperators.LSHR, 23);
                final IntVector h = hash(key, first);
                final VectorMask<Integer> up = h.lanewise(VectorOperators.LSHR, 9)
                    .compare(VectorOperators.LT, bits.and(0x7FFFFF));
                final IntVector main = e.add(s - 127).add(1, up).min(s);
                final FloatVector r = ((FloatVector) h.lanewise(VectorOperators.LSHR, 8)
                    .convert(VectorOperators.I2F, 0)).mul(0x1p-24f);
                final VectorMask<Integer> small = e.compare(VectorOperators.LT, smallExponent); // level 0 or 1
                final VectorMask<Integer> smallUp = r.compare(VectorOperators.LT, u.mul(smallScale)).cast(PIS);
                final IntVector code = code(main.blend(0, small).add(1, small.and(smallUp)), v);
                code.intoArray(codes, i);
            }
            packGroups(codes, groups, words, halves, perWord, width, dst, body + 8 * g * LANES);
        }
    }

    /** The uniforms in [0, 1) of QSGD's rounding: (bits >>> 8) 2^-24 for the elements from first on, one a lane. */
    private static FloatVector uniform24(int key, int first) {
        return ((FloatVector) hash(key, first).lanewise(VectorOperators.LSHR, 8).convert(VectorOperators.I2F, 0))
            .mul(0x1p-24f);
    }

    /** The code: the level above the sign bit (1 where v &lt; 0). */
    private static IntVector code(IntVector level, FloatVector v) {
        return level.lanewise(VectorOperators.LSHL, 1).add(1, v.compare(VectorOperators.LT, 0f).cast(PIS));
    }

    /**
     * Writes the words of {@code groups} groups from their codes, element by element ({@code codes[G j + 8 k + l]}:
     * group j's slot k's code of word l), through {@code scratch} (512-bit vectors) or {@code halves} (256-bit).
     * With 512-bit vectors slots k and k + 1 are one vector, whose lanes are reordered so that the two codes of each
     * word are neighbours: each long lane then holds slot k's code in its low half and slot k + 1's in its high
     * half. Where slot k is the last, the lanes after it (the next group's first codes) are left out. Its own
     * compiled root (a pack* method), and it takes no vectors: the modes' loops give it arrays, so that no vector
     * is boxed wherever the JIT stops inlining in their long bodies.
     */
    private static void packGroups(int[] codes, int groups, long[] scratch, int[] halves, int perWord, int width,
                                   ByteBuffer dst, int at) {
        for (int j = 0, from = 0; j < groups; j++, from += LANES * perWord, at += 8 * LANES) {
            if (SLOTS == 2) {
                LongVector words = LongVector.zero(PLS);
                for (int k = 0; k < perWord; k += 2) {
                    final LongVector both = IntVector.fromArray(PIS, codes, from + k * LANES).rearrange(PAIRS)
                        .reinterpretAsLongs();
                    words = words.or(both.and(0xFFFFFFFFL).lanewise(VectorOperators.LSHL, k * width));
                    if (k + 1 < perWord) {
                        words = words.or(both.lanewise(VectorOperators.LSHR, 32).lanewise(VectorOperators.LSHL,
                            (k + 1) * width));
                    }
                }
                words.intoArray(scratch, 0);
                for (int l = 0; l < LANES; l++) {
                    dst.putLong(at + 8 * l, scratch[l]);
                }
            } else {
                IntVector lo = IntVector.zero(PIS);
                IntVector hi = IntVector.zero(PIS);
                for (int k = 0; k < perWord; k++) {
                    final IntVector code = IntVector.fromArray(PIS, codes, from + k * LANES);
                    lo = low(lo, code, k * width);
                    hi = high(hi, code, k * width, width);
                }
                lo.intoArray(halves, 0);
                hi.intoArray(halves, LANES);
                storeHalves(halves, dst, at);
            }
        }
    }

    /** The low 32 bits of the words after a code of {@code width} bits at bit {@code shift} (256-bit vectors). */
    private static IntVector low(IntVector lo, IntVector code, int shift) {
        return shift < 32 ? lo.or(code.lanewise(VectorOperators.LSHL, shift)) : lo;
    }

    /** The high 32 bits of the words after a code of {@code width} bits at bit {@code shift} (256-bit vectors). */
    private static IntVector high(IntVector hi, IntVector code, int shift, int width) {
        if (shift >= 32) {
            return hi.or(code.lanewise(VectorOperators.LSHL, shift - 32));
        }
        return shift + width > 32 ? hi.or(code.lanewise(VectorOperators.LSHR, 32 - shift)) : hi;
    }

    /** Writes a group's eight words from their low halves (halves[0..7]) and high halves (halves[8..15]). */
    private static void storeHalves(int[] halves, ByteBuffer dst, int at) {
        for (int l = 0; l < LANES; l++) {
            dst.putLong(at + 8 * l, (long) halves[LANES + l] << 32 | (halves[l] & 0xFFFFFFFFL));
        }
    }

    private static void loadWords(ByteBuffer src, int at, long[] words) {
        for (int l = 0; l < LANES; l++) {
            words[l] = src.getLong(at + 8 * l);
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
                lo.intoArray(halves, 0);
                hi.intoArray(halves, LANES);
                storeHalves(halves, dst, body + 8 * g * LANES);
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
        final long[] scratch = WORDS.get();
        for (int g = fromGroup; g < toGroup; g++) {
            LongVector words = LongVector.zero(PLS);
            IntVector lo = IntVector.zero(PIS);
            IntVector hi = IntVector.zero(PIS);
            if (SLOTS == 2) {
                loadWords(src, body + 8 * g * LANES, scratch);
                words = LongVector.fromArray(PLS, scratch, 0);
            } else {
                load(src, body + 8 * g * LANES, halves);
                lo = IntVector.fromArray(PIS, halves, 0);
                hi = IntVector.fromArray(PIS, halves, LANES);
            }
            for (int k = 0, at = g * LANES * perWord; k < perWord; k += SLOTS, at += PACK_LANES) {
                final IntVector code = SLOTS == 2 ? unpair(words, k, perWord, width) : codeAt(lo, hi, k * width, width);
                final FloatVector magnitude = (FloatVector) code.lanewise(VectorOperators.LSHR, 1)
                    .convert(VectorOperators.I2F, 0);
                accumulate(magnitude, unit, code, target, at, k + SLOTS > perWord);
            }
        }
    }

    private static void addNatural(ByteBuffer src, int body, int width, float unit, int fromGroup, int toGroup,
                                   float[] target) {
        final int perWord = WordPacking.perWord(width);
        final int[] halves = HALVES.get();
        final long[] scratch = WORDS.get();
        for (int g = fromGroup; g < toGroup; g++) {
            LongVector words = LongVector.zero(PLS);
            IntVector lo = IntVector.zero(PIS);
            IntVector hi = IntVector.zero(PIS);
            if (SLOTS == 2) {
                loadWords(src, body + 8 * g * LANES, scratch);
                words = LongVector.fromArray(PLS, scratch, 0);
            } else {
                load(src, body + 8 * g * LANES, halves);
                lo = IntVector.fromArray(PIS, halves, 0);
                hi = IntVector.fromArray(PIS, halves, LANES);
            }
            for (int k = 0, at = g * LANES * perWord; k < perWord; k += SLOTS, at += PACK_LANES) {
                final IntVector code = SLOTS == 2 ? unpair(words, k, perWord, width) : codeAt(lo, hi, k * width, width);
                final FloatVector magnitude = code.lanewise(VectorOperators.LSHR, 1).lanewise(VectorOperators.LSHL, 23)
                    .reinterpretAsFloats();
                accumulate(magnitude, unit, code, target, at, k + SLOTS > perWord);
            }
        }
    }

    private static void addDither(ByteBuffer src, int body, int width, int s, float unit, int fromGroup, int toGroup,
                                  float[] target) {
        final int perWord = WordPacking.perWord(width);
        final int[] halves = HALVES.get();
        final int ditherBias = 127 - s;
        final long[] scratch = WORDS.get();
        for (int g = fromGroup; g < toGroup; g++) {
            LongVector words = LongVector.zero(PLS);
            IntVector lo = IntVector.zero(PIS);
            IntVector hi = IntVector.zero(PIS);
            if (SLOTS == 2) {
                loadWords(src, body + 8 * g * LANES, scratch);
                words = LongVector.fromArray(PLS, scratch, 0);
            } else {
                load(src, body + 8 * g * LANES, halves);
                lo = IntVector.fromArray(PIS, halves, 0);
                hi = IntVector.fromArray(PIS, halves, LANES);
            }
            for (int k = 0, at = g * LANES * perWord; k < perWord; k += SLOTS, at += PACK_LANES) {
                final IntVector code = SLOTS == 2 ? unpair(words, k, perWord, width) : codeAt(lo, hi, k * width, width);
                final IntVector level = code.lanewise(VectorOperators.LSHR, 1);
                final FloatVector magnitude = level.add(ditherBias).lanewise(VectorOperators.LSHL, 23)
                    .blend(0, level.compare(VectorOperators.EQ, 0)).reinterpretAsFloats();
                accumulate(magnitude, unit, code, target, at, k + SLOTS > perWord);
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

    /**
     * The codes of slots k and k + 1 (512-bit vectors): lanes 0-7 slot k's, lanes 8-15 slot k + 1's, 0 where slot
     * k is the last.
     */
    private static IntVector unpair(LongVector words, int k, int perWord, int width) {
        final long mask = (1L << width) - 1;
        LongVector both = words.lanewise(VectorOperators.LSHR, k * width).and(mask);
        if (k + 1 < perWord) {
            both = both.or(words.lanewise(VectorOperators.LSHR, (k + 1) * width).and(mask)
                .lanewise(VectorOperators.LSHL, 32));
        }
        return both.reinterpretAsInts().rearrange(UNPAIRS);
    }

    /**
     * {@code target[at ..] += ±unit * magnitude}, negative where the code's sign bit is set; {@code alone}: the
     * group's last slot is alone in a 512-bit vector, and the elements after it are not this group's.
     */
    private static void accumulate(FloatVector magnitude, float unit, IntVector code, float[] target, int at,
                                   boolean alone) {
        final FloatVector value = magnitude.mul(unit).reinterpretAsInts()
            .lanewise(VectorOperators.XOR, code.lanewise(VectorOperators.LSHL, 31)).reinterpretAsFloats();
        if (SLOTS == 2 && alone) {
            FloatVector.fromArray(PS, target, at, FIRST_SLOT).add(value).intoArray(target, at, FIRST_SLOT);
        } else {
            FloatVector.fromArray(PS, target, at).add(value).intoArray(target, at);
        }
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
