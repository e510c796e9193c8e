package org.gossipmpi.kernel;

/**
 * The elementwise parts of the quantizing compressors, as codes per element, on a device: an Aparapi
 * OpenCL kernel ({@link QuantizerKernels}) or its plain Java twin ({@link QuantizerReference}). Both draw
 * their random numbers from {@code compress.CounterRandom}'s function of (key, element index), so for the
 * same input they produce the same codes.
 *
 * <p>All methods read {@code x[off, off + len)} (not modified) and write {@code codes[0, len)} (modified).
 * A code holds the element's sign in bit 0 (1 for negative) and its level above that.
 */
public interface Quantizer {

    /** Which device runs it, for the line a run prints. */
    String describe();

    /**
     * {@code out[0] = sum x_i^2}, {@code out[1] = sum |x_i|}: summed in float over chunks of
     * {@value QuantizerReference#NORM_CHUNK} elements, the chunks' sums added in double.
     *
     * @param out modified
     */
    void norms(float[] x, int off, int len, double[] out);

    /**
     * QSGD with s levels: with u = |x_i| * invNorm * s, level floor(u) + 1 with probability u - floor(u),
     * else floor(u), at most s.
     */
    void qsgd(float[] x, int off, int len, float invNorm, int s, int key, int[] codes);

    /**
     * Natural compression: |x_i| stochastically rounded to 2^e or 2^(e+1) around it (unbiased); level = the
     * biased exponent e + 127 of the result (1..254), 0 for zero. Values below 2^-126 round to 0 or 2^-126.
     */
    void natural(float[] x, int off, int len, int key, int[] codes);

    /**
     * Natural dithering with s levels {0, 2^(1-s), ..., 1/2, 1} of u = |x_i| * invNorm: level j in 0..s
     * stands for 2^(j-s) (0 for j = 0), stochastically rounded between neighbouring levels (unbiased).
     */
    void natDither(float[] x, int off, int len, float invNorm, int s, int key, int[] codes);

    /** Signs only: level 0, bit 0 set for negative elements. */
    void signs(float[] x, int off, int len, int[] codes);
}
