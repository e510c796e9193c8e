package org.gossipmpi.compress;

/**
 * Counter-based random numbers: a pure function of (seed, rank, step, index), so that a sender and its
 * receivers, a Java reference, a SIMD path and an OpenCL kernel, and a rerun all draw the same numbers
 * without sharing any generator state. Built from 32-bit integer mixing only (the finalizer of MurmurHash3
 * with Wellons' "lowbias32" constants), which OpenCL kernels and vector lanes evaluate bit for bit like Java.
 *
 * <p>Use: {@code int key = streamKey(seed, rank, step)} once per message, then {@code bits(key, i)} per
 * element: one mixing round on a Weyl sequence from the (already mixed) key, as SplitMix does.
 */
public final class CounterRandom {
    /** The Weyl increment: 2^32 over the golden ratio, odd. */
    public static final int GOLDEN = 0x9E3779B9;

    private CounterRandom() {
    }

    /** A 32-bit avalanche mix (every input bit affects every output bit with probability ~1/2). */
    public static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x7feb352d;
        h ^= h >>> 15;
        h *= 0x846ca68b;
        h ^= h >>> 16;
        return h;
    }

    /** The key of one message's stream of numbers. */
    public static int streamKey(long seed, int rank, long step) {
        int h = mix((int) seed ^ 0x2545F491);
        h = mix(h ^ (int) (seed >>> 32));
        h = mix(h ^ rank);
        h = mix(h ^ (int) step);
        return mix(h ^ (int) (step >>> 32));
    }

    /** The 32 random bits of element {@code index} of the stream {@code key}. */
    public static int bits(int key, int index) {
        return mix(key + index * GOLDEN);
    }

    /** A uniform float in [0, 1) with 24 random bits, for element {@code index} of stream {@code key}. */
    public static float uniform(int key, int index) {
        return (bits(key, index) >>> 8) * 0x1p-24f;
    }

    /**
     * A uniform integer in [0, bound) from 64 random bits (two elements of the stream), by multiplying and
     * keeping the high half: the bias is below bound / 2^64.
     */
    public static int below(int key, int index, int bound) {
        final long r = (long) bits(key, 2 * index) << 32 | (bits(key, 2 * index + 1) & 0xFFFFFFFFL);
        return (int) Math.multiplyHigh(r >>> 1, (long) bound << 1);
    }
}
