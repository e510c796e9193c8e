package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/**
 * The per-element passes of the quantizing codecs, fused: norms (with the finite check folded in), quantize
 * and pack into whole 64-bit words ({@link WordPacking}), unpack and add. Three implementations produce the
 * same bytes for the same input: {@link ScalarQuantizer} (plain Java, the reference), the Vector API one
 * that the launcher's JDK 21+ runs ({@code compress.simd}), and Aparapi OpenCL kernels ({@code kernel}).
 *
 * <p>Codes: bit 0 is the sign (1 when x_i &lt; 0), the level above it. Random numbers: one
 * {@link CounterRandom#bits} per element, keyed by the message's stream key and the element's index.
 * Levels, for {@code a = |x_i|}:
 * <ul>
 *   <li>{@link #QSGD} with s levels and multiplier {@code m = s / ||x||}: {@code u = a m}, level
 *       {@code floor(u) + [r24 < u - floor(u)]}, at most s, where r24 = (bits &gt;&gt;&gt; 8) 2^-24;</li>
 *   <li>{@link #NATURAL}: the biased exponent e of a (0 for zero and subnormals) plus
 *       {@code [r23 < mantissa(a)]} with r23 = bits &gt;&gt;&gt; 9, at most 254: a rounds to 2^(e-127) or to
 *       2^(e-126) with the probabilities that make it unbiased (and a subnormal to 0 or 2^-126);</li>
 *   <li>{@link #NAT_DITHER} with S levels and multiplier {@code 1 / ||x||}: u = a m; below 2^(1-S), level
 *       {@code [r24 < u 2^(S-1)]}; else e - 127 + S + [r23 &lt; mantissa(u)], at most S. Level j stands for
 *       2^(j-S), level 0 for zero.</li>
 * </ul>
 * Norm sums: per chunk of {@value #NORM_CHUNK} elements, eight float partial sums (element i of the chunk
 * into sum i mod 8, in order), combined as ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7)); chunks add up in double.
 *
 * <p>Ranges are in chunks or groups, so a codec may hand disjoint ranges to several threads when
 * {@link #threadSafe()}; every method reads {@code x[off, off + len)} and modifies only what it names.
 */
public interface Quantizer {
    /** Elements per norm chunk; a multiple of every group of 1-bit codes. */
    int NORM_CHUNK = 4096;
    int QSGD = 0;
    int NATURAL = 1;
    int NAT_DITHER = 2;

    /** Which code runs it, for the line a run prints. */
    String describe();

    /** Whether disjoint ranges may be processed by several threads at once. */
    boolean threadSafe();

    /** Chunks that {@code len} elements take. */
    static int chunks(int len) {
        return Math.max(1, (len + NORM_CHUNK - 1) / NORM_CHUNK);
    }

    /**
     * For chunks [fromChunk, toChunk): {@code squares[c]} = the chunk's sum of x_i^2 and {@code absolutes[c]}
     * = its sum of |x_i|, as specified above. A chunk holding a NaN or an infinity gets non-finite sums.
     */
    void chunkNorms(float[] x, int off, int len, int fromChunk, int toChunk, float[] squares, float[] absolutes);

    /**
     * Quantizes groups [fromGroup, toGroup) of {@code x[off, off + len)} to codes of {@code width} bits and
     * writes their words at {@code dst[body + 64 g, ...)}.
     *
     * @return whether a NaN or an infinity was seen (checked in {@link #NATURAL} mode, the one without a
     *         norm pass; false otherwise)
     */
    boolean packLevels(int mode, float[] x, int off, int len, int width, int s, float multiplier, int key,
                       int fromGroup, int toGroup, ByteBuffer dst, int body);

    /**
     * For chunks [fromChunk, toChunk): writes the sign bits (1-bit codes) of the chunk's groups at
     * {@code dst[body + 64 g, ...)} and sets {@code absolutes[c]} as {@link #chunkNorms} does.
     */
    void packSigns(float[] x, int off, int len, int fromChunk, int toChunk, float[] absolutes, ByteBuffer dst,
                   int body);

    /**
     * {@code target[i] += ±unit * magnitude(level_i)} for the codes of groups [fromGroup, toGroup) of a body of
     * {@code count} codes: QSGD level l stands for l (unit = the value of level 1), natural level l for
     * 2^(l-127) (unit = the weight), natural dithering level j for 2^(j-S) (unit = the value of level S).
     */
    void addLevels(int mode, ByteBuffer src, int body, int count, int width, int s, float unit, int fromGroup,
                   int toGroup, float[] target);

    /** {@code target[i] += unit} or {@code -unit} by the sign bits of groups [fromGroup, toGroup). */
    void addSigns(ByteBuffer src, int body, int count, float unit, int fromGroup, int toGroup, float[] target);

    /**
     * Whether every |x_i| of {@code x[from, to)} is below {@code limit} (false where one is NaN): with an infinite
     * limit, whether all are finite. The dense codecs' check, on a chunk in cache.
     */
    default boolean allBelow(float[] x, int from, int to, float limit) {
        boolean below = true;
        for (int i = from; i < to; i++) {
            below &= Math.abs(x[i]) < limit;
        }
        return below;
    }

    /**
     * The elements of {@code x[at, at + n) - y[at, at + n)} (n at most 64; y null: of x) that are not below
     * {@code limit} in magnitude, as bits: bit j is set when {@code !(|x[at + j] - y[at + j]| < limit)}, so a NaN
     * always sets its bit. Top-k's candidate scan, which looks closer only at the few elements set.
     */
    default long notBelow(float[] x, float[] y, int at, int n, float limit) {
        long bits = 0;
        for (int j = 0; j < n; j++) {
            final float v = y == null ? x[at + j] : x[at + j] - y[at + j];
            bits |= (Math.abs(v) < limit ? 0L : 1L) << j;
        }
        return bits;
    }

    /**
     * {@code target[at + j] += w * values[j]} for j &lt; n, as a multiplication and then an addition (no fused
     * multiply-add), so every path gives the same bits.
     */
    default void addScaled(float[] values, int n, float w, float[] target, int at) {
        for (int j = 0; j < n; j++) {
            target[at + j] += w * values[j];
        }
    }

    /** The biased exponent of 2^(1-S), below which natural dithering rounds to 0 or the smallest level. */
    static float smallestDitherLevel(int s) {
        return Float.intBitsToFloat((128 - s) << 23);
    }

    /** 2^(S-1): the factor that maps [0, 2^(1-S)) onto [0, 1). */
    static float ditherSmallScale(int s) {
        return Float.intBitsToFloat((126 + s) << 23);
    }
}
