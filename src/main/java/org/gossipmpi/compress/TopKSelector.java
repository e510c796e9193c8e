package org.gossipmpi.compress;

import java.util.Arrays;

/**
 * Selects the k largest |x_i| exactly and returns their indices in ascending order; ties at the threshold go
 * to the lowest indices, so the choice is deterministic.
 *
 * <p>Three steps, one of them over the whole vector: (1) a threshold t estimated from a stratified sample of
 * {@value #SAMPLE} magnitudes (one per stratum, at a position drawn from the message's stream), placed so
 * that about 1.5 k + 3 sqrt(k) elements are expected at or above it; (2) one streaming pass, split over the
 * codec threads, that collects the candidates |x_i| >= t (their indices in order and their values, so the caller
 * need not gather them again) and folds in the finite check; (3) an exact selection among the candidates, a radix
 * select on the magnitudes' bits. Every element at or above the k-th largest magnitude is a candidate whenever at
 * least k candidates were found, which makes the result exact. Where most
 * of the vector is exact zeros the estimate is the smallest positive float: the candidates are the non-zeros, and
 * when they are fewer than k the lowest-indexed zeros complete them (the ties rule). When the
 * estimate left fewer than k (a few calls in a thousand at k = 1% of d) the pass is repeated once with a lower
 * threshold from another sample (about 2 k expected, still within the buffers); when that too falls short, or a
 * pass found more than the buffers hold, it is repeated with every element a candidate (buffers of d).
 */
final class TopKSelector implements CodecThreads.Task {
    static final int SAMPLE = 4096;
    /** Below this dimension every element is a candidate (no sampling). */
    static final int SMALL = 8 * SAMPLE;
    /** The radix select splits a range into at most 2^RADIX_BITS buckets a round. */
    private static final int RADIX_BITS = 11;

    private final CodecThreads threads;
    private final Quantizer dense;
    private final int[] sample = new int[SAMPLE];
    private final int[][] partIndices;
    private final float[][] partValues;
    private final int[] partCount;
    private final boolean[] partSpecial;
    private final int[] histogram = new int[1 << RADIX_BITS];
    private int[] indices = new int[0];
    private float[] selected = new float[0];
    private int[] candidates = new int[0];
    private float[] values = new float[0];
    private int[] magnitudes = new int[0];
    private int[] scratch = new int[SAMPLE];

    // The pass in flight.
    private float[] x;
    /** Subtracted from x elementwise when not null: the selection is then of x - y, never written out. */
    private float[] y;
    private int off;
    private int d;
    private float threshold;
    private int capacity;

    /** @param dense where the candidate scan's elementwise tests run ({@link Quantizer#notBelow}) */
    TopKSelector(CodecThreads threads, Quantizer dense) {
        this.threads = threads;
        this.dense = dense;
        final int parts = threads.threads();
        this.partIndices = new int[parts][0];
        this.partValues = new float[parts][0];
        this.partCount = new int[parts];
        this.partSpecial = new boolean[parts];
    }

    /**
     * @param x   not modified
     * @param key the message's stream key (chooses the sample; the result does not depend on it)
     * @return the indices, ascending, in an array owned by this selector (valid until the next call), or null
     *         when {@code x[off, off + d)} holds a NaN or an infinity
     */
    int[] select(float[] x, int off, int d, int k, int key) {
        return select(x, null, off, d, k, key);
    }

    /**
     * {@link #select(float[], int, int, int, int)} of the difference {@code x - y} (y null: of x), computed where
     * it is read, never written out: the same indices as for the difference materialized.
     */
    int[] select(float[] x, float[] y, int off, int d, int k, int key) {
        if (indices.length < k) {
            indices = new int[k];
            selected = new float[k];
        }
        int found = -1;
        if (d >= SMALL) {
            final int capacity = Math.max(2 * k + 1024, 3 * k);
            final double spread = 3 * Math.sqrt(k) + 8;
            found = collect(x, y, off, d, estimateThreshold(x, y, off, d, 1.5 * k + spread, key), capacity);
            if (found >= 0 && found < k) { // the sample put the threshold too high: lower, from another sample
                found = collect(x, y, off, d, estimateThreshold(x, y, off, d, 2 * k + spread, ~key), capacity);
            }
        }
        if (found == -2) {
            return null;
        }
        if (found >= 0 && found < k && threshold == Float.MIN_VALUE) { // every non-zero found, fewer than k
            return withLowestZeros(x, y, off, found, k);
        }
        if (found < k) { // small vector, or the estimate was off: every element is a candidate
            found = collect(x, y, off, d, 0f, d);
            if (found == -2) {
                return null;
            }
        }
        // Exact selection among the candidates, which are in ascending index order: by their magnitudes' bits,
        // which order as the magnitudes do (finite, sign bit 0).
        if (magnitudes.length < found) {
            magnitudes = new int[values.length];
            scratch = new int[Math.max(values.length, SAMPLE)];
        }
        for (int j = 0; j < found; j++) {
            magnitudes[j] = Float.floatToRawIntBits(values[j]) & 0x7FFFFFFF;
        }
        final int kth = kthLargestBits(magnitudes, found, k);
        int above = 0;
        for (int j = 0; j < found; j++) {
            above += magnitudes[j] > kth ? 1 : 0;
        }
        int ties = k - above;
        int n = 0;
        for (int j = 0; j < found && n < k; j++) {
            final int a = magnitudes[j];
            if (a > kth || (a == kth && ties-- > 0)) {
                indices[n] = candidates[j];
                selected[n++] = values[j];
            }
        }
        return indices;
    }

    /**
     * The values {@code x_i - y_i} (y null: x_i) at the indices the last {@link #select} returned, in the same
     * order, in an array owned by this selector (valid until the next call): read in the selecting pass, so a
     * caller need not gather them again.
     */
    float[] values() {
        return selected;
    }

    /**
     * The k indices when the candidates are all {@code found < k} non-zero elements: they and the lowest-indexed
     * zeros (ties at the k-th largest magnitude, 0, go to the lowest indices), merged in ascending order.
     */
    private int[] withLowestZeros(float[] x, float[] y, int off, int found, int k) {
        int zeros = k - found;
        int n = 0;
        int j = 0;
        for (int i = 0; n < k; i++) {
            if (j < found && candidates[j] == i) {
                indices[n] = i;
                selected[n++] = values[j++];
            } else if (zeros > 0) { // a zero of either sign, as the difference gives it
                indices[n] = i;
                selected[n++] = y == null ? x[off + i] : x[off + i] - y[off + i];
                zeros--;
            }
        }
        return indices;
    }

    /**
     * The k-th largest of {@code bits[0, n)} (k in 1..n; each a magnitude's bits, so non-negative), a digit at a time
     * from the highest: each round splits the range [lo, hi] that holds it into at most 2^{@value #RADIX_BITS}
     * buckets, counts the elements in each, and keeps those in the bucket of the k-th. Linear, without the
     * data-dependent branches of a quickselect, and its buckets spread over the elements' own range (top-k's
     * candidates are close in magnitude: a histogram of a fixed digit, the exponent's, would put most in a few
     * buckets, each count then waiting on the last).
     */
    private int kthLargestBits(int[] bits, int n, int k) {
        int lo = Integer.MAX_VALUE;
        int hi = 0;
        for (int j = 0; j < n; j++) {
            lo = Math.min(lo, bits[j]);
            hi = Math.max(hi, bits[j]);
        }
        int[] from = bits;
        int count = n;
        int rank = k; // among those left, from the top
        while (lo < hi) {
            final int span = hi - lo; // (both are non-negative)
            final int shift = Math.max(0, 32 - Integer.numberOfLeadingZeros(span) - RADIX_BITS);
            final int top = span >>> shift; // the highest bucket, below 2^RADIX_BITS
            Arrays.fill(histogram, 0, top + 1, 0);
            for (int j = 0; j < count; j++) {
                histogram[(from[j] - lo) >>> shift]++;
            }
            int digit = top;
            while (rank > histogram[digit]) {
                rank -= histogram[digit--];
            }
            if (shift == 0) {
                return lo + digit;
            }
            int kept = 0; // those in that bucket, into the scratch buffer (branch-free)
            for (int j = 0; j < count; j++) {
                final int v = from[j];
                scratch[kept] = v;
                kept += (v - lo) >>> shift == digit ? 1 : 0;
            }
            from = scratch;
            count = kept;
            final int base = lo + (digit << shift);
            hi = Math.min(hi, base + (1 << shift) - 1);
            lo = base;
        }
        return lo;
    }

    /** The length of the candidate buffers now (they grow to the bound of a call's candidates at most). */
    int candidateCapacity() {
        return candidates.length;
    }

    /** A threshold with about {@code expected} of the d magnitudes at or above it. */
    private float estimateThreshold(float[] x, float[] y, int off, int d, double expected, int key) {
        final int stratum = d / SAMPLE;
        for (int j = 0; j < SAMPLE; j++) {
            final int i = off + j * stratum + CounterRandom.below(key, j, stratum);
            sample[j] = Float.floatToRawIntBits(y == null ? x[i] : x[i] - y[i]) & 0x7FFFFFFF; // |v|'s bits
        }
        final int rank = (int) Math.ceil(expected * SAMPLE / d);
        if (rank >= SAMPLE) {
            return 0f;
        }
        final float t = Float.intBitsToFloat(kthLargestBits(sample, SAMPLE, rank));
        // Fewer than rank sampled magnitudes above 0 (mostly exact zeros): the candidates are the non-zeros, not
        // every element. A NaN's bits order above every number's: a NaN among the top rank gives a NaN threshold,
        // which admits no candidate, and the full pass reports it.
        return t == 0f ? Float.MIN_VALUE : t;
    }

    /**
     * Collects the elements with |x_i| >= t, at most {@code capacity}, in ascending index order; returns their
     * number, -1 when there were more than {@code capacity}, -2 when a NaN or an infinity was seen.
     */
    private int collect(float[] x, float[] y, int off, int d, float t, int capacity) {
        this.x = x;
        this.y = y;
        this.off = off;
        this.d = d;
        this.threshold = t;
        this.capacity = capacity;
        try {
            threads.run(this);
        } finally {
            this.x = null;
            this.y = null;
        }
        int total = 0;
        boolean over = false;
        for (int p = 0; p < partCount.length; p++) {
            if (partSpecial[p]) {
                return -2;
            }
            over |= partCount[p] < 0;
            total += Math.max(0, partCount[p]);
        }
        if (over || total > capacity) {
            return -1;
        }
        if (candidates.length < total) { // to the bound at once (the count varies from call to call), unless that is d
            final int size = capacity < d ? capacity : total;
            candidates = new int[size];
            values = new float[size];
        }
        int n = 0;
        for (int p = 0; p < partCount.length; p++) {
            System.arraycopy(partIndices[p], 0, candidates, n, partCount[p]);
            System.arraycopy(partValues[p], 0, values, n, partCount[p]);
            n += partCount[p];
        }
        return total;
    }

    @Override
    public void run(int part, int parts) {
        final float[] y = this.y;
        final int from = CodecThreads.split(d, part, parts);
        final int to = CodecThreads.split(d, part + 1, parts);
        final int cap = Math.min(capacity, to - from);
        if (partIndices[part].length < cap) {
            partIndices[part] = new int[cap];
            partValues[part] = new float[cap];
        }
        final int[] idx = partIndices[part];
        final float[] val = partValues[part];
        final float t = threshold;
        int n = 0;
        boolean special = false;
        // 64 elements at a time, tested together; only the few not below t are looked at one by one. Past the
        // capacity the scan goes on for the finite check alone.
        for (int base = from; base < to; base += 64) {
            long bits = dense.notBelow(x, y, off + base, Math.min(64, to - base), t);
            while (bits != 0) {
                final int i = base + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                final float v = y == null ? x[off + i] : x[off + i] - y[off + i];
                final int b = Float.floatToRawIntBits(v) & 0x7FFFFFFF;
                if (b >= 0x7F800000) { // an exponent of all ones: NaN or infinity
                    special = true;
                    continue;
                }
                if (n >= 0 && Float.intBitsToFloat(b) >= t) { // (a NaN threshold sets every bit and admits none)
                    if (n == cap) {
                        n = -1;
                    } else {
                        idx[n] = i;
                        val[n++] = v;
                    }
                }
            }
        }
        partCount[part] = n;
        partSpecial[part] = special;
    }
}
