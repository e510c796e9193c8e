package org.gossipmpi.compress;

/**
 * Selects the k largest |x_i| in O(d) expected time (quickselect with three-way partitioning on the
 * magnitudes, so constant and all-zero vectors are linear too), and returns their indices in ascending
 * order. Ties at the threshold go to the lowest indices, so the choice is deterministic.
 */
final class TopKSelector {
    private final Scratch scratch = new Scratch();
    private int[] indices = new int[0];

    /**
     * @param x not modified
     * @return the indices, ascending, in an array owned by this selector (valid until the next call)
     */
    int[] select(float[] x, int off, int d, int k) {
        if (indices.length < k) {
            indices = new int[k];
        }
        final float[] mag = scratch.floats(d);
        for (int i = 0; i < d; i++) {
            mag[i] = Math.abs(x[off + i]);
        }
        final float threshold = kthLargest(mag, d, k);
        int above = 0;
        for (int i = 0; i < d; i++) {
            if (Math.abs(x[off + i]) > threshold) {
                above++;
            }
        }
        int ties = k - above;
        int n = 0;
        for (int i = 0; i < d && n < k; i++) {
            final float a = Math.abs(x[off + i]);
            if (a > threshold || (a == threshold && ties-- > 0)) {
                indices[n++] = i;
            }
        }
        return indices;
    }

    /** The k-th largest of a[0, d) (k in 1..d); reorders a. */
    static float kthLargest(float[] a, int d, int k) {
        int lo = 0;
        int hi = d - 1;
        final int target = k - 1; // position in descending order
        while (true) {
            if (lo >= hi) {
                return a[lo];
            }
            final float pivot = medianOfThree(a[lo], a[(lo + hi) >>> 1], a[hi]);
            // Three-way partition, descending: [lo, lt) > pivot, [lt, gt] == pivot, (gt, hi] < pivot.
            int lt = lo;
            int gt = hi;
            int i = lo;
            while (i <= gt) {
                final float v = a[i];
                if (v > pivot) {
                    a[i++] = a[lt];
                    a[lt++] = v;
                } else if (v < pivot) {
                    a[i] = a[gt];
                    a[gt--] = v;
                } else {
                    i++;
                }
            }
            if (target < lt) {
                hi = lt - 1;
            } else if (target > gt) {
                lo = gt + 1;
            } else {
                return pivot;
            }
        }
    }

    private static float medianOfThree(float a, float b, float c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
