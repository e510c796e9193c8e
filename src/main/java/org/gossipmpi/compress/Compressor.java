package org.gossipmpi.compress;

import java.nio.ByteBuffer;

/**
 * Q: a vector of d floats to a compact payload and back. Payloads start with the header of
 * {@link PayloadDescriptor}; buffers are little-endian direct {@link ByteBuffer}s owned by the caller
 * (see {@link #newPayloadBuffer(int)}), positions and limits are ignored.
 *
 * <p>Implementations are stateless apart from preallocated scratch, so one instance serves one rank's
 * thread; {@code encode} and {@code decodeAdd} allocate nothing.
 */
public interface Compressor {

    /** The CLI spec it was built from, e.g. {@code none}, {@code topk:0.01}. */
    String spec();

    /** The id written into every payload header. */
    int id();

    /** The setting written into every header that decoding depends on (0 when none). */
    default int headerParameter() {
        return 0;
    }

    /** Whether E Q(x) = x. */
    boolean unbiased();

    /**
     * The claimed quality: E||C(x) - x||^2 <= (1 - omega) ||x||^2 for every x of dimension d (CHOCO's
     * definition), where C is this compressor if biased, and Q / zeta if unbiased (so omega = 1 / zeta);
     * NaN where it depends on x (scaled sign: omega = ||x||_1^2 / (d ||x||_2^2)).
     */
    double omega(int d);

    /**
     * For an unbiased compressor, the claimed bound E||Q(x)||^2 <= zeta ||x||^2 (so Q / zeta has
     * omega = 1 / zeta); NaN for a biased one.
     */
    double zeta(int d);

    /** An upper bound of {@link #encode}'s result for dimension {@code d}, header included. */
    int maxEncodedBytes(int d);

    /**
     * Encodes {@code src[off, off + len)} (d = len) into {@code dst} from offset 0.
     *
     * @param src  not modified
     * @param dst  little-endian direct buffer of at least {@link #maxEncodedBytes}(len) bytes, modified
     * @param step the step, which with the compressor's seed and rank keys its random choices
     * @return the payload's length in bytes
     * @throws IllegalArgumentException if {@code src} holds NaN or an infinity (naming the element and the step)
     */
    int encode(float[] src, int off, int len, ByteBuffer dst, long step);

    /**
     * Whether {@link #encodeDifference} reads its two operands itself. Where not, a caller that has the difference
     * to compute anyway (CHOCO's x - xhat, in the pass of its local step) writes it out and calls {@link #encode}.
     */
    default boolean encodesDifferences() {
        return false;
    }

    /**
     * Encodes {@code a[off, off + len) - b[off, off + len)} into {@code dst}, byte for byte as {@link #encode} encodes
     * that difference written out, without writing it out: each difference is computed where it is read.
     *
     * @param a not modified
     * @param b not modified
     * @throws UnsupportedOperationException where {@link #encodesDifferences} is false
     * @throws IllegalArgumentException      if the difference holds NaN or an infinity (naming the element and the
     *                                       step)
     */
    default int encodeDifference(float[] a, float[] b, int off, int len, ByteBuffer dst, long step) {
        throw new UnsupportedOperationException(spec() + " encodes a vector written out: use encode");
    }

    /**
     * {@code target[0, d) += weight * Q} for the payload in {@code src[0, length)}, which the caller has
     * checked with {@link PayloadDescriptor#mismatch}; O(payload) work for sparse payloads.
     *
     * @param src    not modified
     * @param target modified
     */
    void decodeAdd(ByteBuffer src, int length, float weight, float[] target);

    /**
     * {@link #decodeAdd} into two targets, {@code target1 += weight1 * Q} and {@code target2 += weight2 * Q}, with
     * the same numbers as the two calls: CHOCO's public copy and its weighted sum take this rank's own payload at
     * once. Sparse formats read the payload and find their indices once (rand-k draws them once); the others
     * decode twice.
     *
     * @param src     not modified
     * @param target1 modified
     * @param target2 modified; not {@code target1}
     */
    default void decodeAdd(ByteBuffer src, int length, float weight1, float[] target1, float weight2,
                           float[] target2) {
        decodeAdd(src, length, weight1, target1);
        decodeAdd(src, length, weight2, target2);
    }

    /**
     * The bits one message of dimension d counts as on the papers' bit axes: values and indices as the
     * papers count them (32-bit floats, ceil(log2 d)-bit indices, the stated bits per quantized element),
     * no header.
     */
    long paperBits(int d);

    /** A buffer for this compressor's payloads of dimension d: direct, little endian. */
    default ByteBuffer newPayloadBuffer(int d) {
        return ByteBuffer.allocateDirect(maxEncodedBytes(d)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }
}
