package org.gossipmpi.compress;

/** Small integer helpers for payload sizes. */
final class Bits {
    private Bits() {
    }

    /** ceil(log2 n) for n >= 1: the bits that tell n values apart. */
    static int ceilLog2(long n) {
        return n <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
    }

    /** k = ceil(f d), at least 1 and at most d (robust to f d landing a hair above an integer). */
    static int kOf(double fraction, int d) {
        final long k = (long) Math.ceil(fraction * d - 1e-9 * fraction * d);
        return (int) Math.max(1, Math.min(d, k));
    }
}
