package org.gossipmpi.data;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * Target conventions: +-1 for binary tasks, 0..C-1 for multiclass, raw values for regression. A mapping is
 * fitted on the training file and applied to it and to the test file, so both use the same classes.
 */
public final class Labels {
    /** The distinct labels of the training file, ascending; a label maps to its position (or +-1). */
    private final float[] labels;
    private final boolean binary;

    private Labels(float[] labels, boolean binary) {
        this.labels = labels;
        this.binary = binary;
    }

    /** The number of distinct labels if all are integers (a classification file), else 0. */
    public static int integerClasses(float[] targets) {
        final ClassCounter c = new ClassCounter();
        for (float t : targets) {
            c.add(t);
        }
        return c.classes();
    }

    /** {@link #integerClasses}, one target at a time (for rows streamed into a file). */
    static final class ClassCounter {
        private final TreeSet<Float> distinct = new TreeSet<>();
        private boolean real;

        /** The first distinct labels, looked up before the tree: most files have a few. */
        private final float[] seen = new float[16];
        private int seenCount;

        void add(float t) {
            if (real) {
                return;
            }
            for (int i = 0; i < seenCount; i++) {
                if (Float.floatToIntBits(seen[i]) == Float.floatToIntBits(t)) { // as the tree compares
                    return;
                }
            }
            if (seenCount < seen.length && t == Math.rint(t)) {
                seen[seenCount++] = t;
            }
            if (t != Math.rint(t) || (distinct.add(t) && distinct.size() > 100_000)) {
                real = true;
                distinct.clear();
            }
        }

        /** The number of distinct integer labels, or 0 when a label is not an integer (or too many are distinct). */
        int classes() {
            return real ? 0 : distinct.size();
        }
    }

    /**
     * Two labels to +-1: {-1, +1} stay, {0, 1} become {-1, +1}; of any other pair the smaller becomes -1.
     *
     * @throws DataException if the training file has not exactly two distinct labels
     */
    public static Labels binary(Rows train) {
        final float[] l = distinct(train);
        if (l.length != 2) {
            throw new DataException(train.source() + ": a binary model needs exactly 2 distinct labels, found "
                + l.length + (l.length <= 12 ? " " + Arrays.toString(l) : ""));
        }
        return new Labels(l, true);
    }

    /**
     * Integer labels to class indices 0..C-1 in ascending label order.
     *
     * @throws DataException if a label is not an integer
     */
    public static Labels classes(Rows train) {
        final float[] l = distinct(train);
        for (float v : l) {
            if (v != Math.rint(v)) {
                throw new DataException(train.source() + ": label " + v + " is not a class (an integer); use the"
                    + " leastsquares model for real-valued targets");
            }
        }
        return new Labels(l, false);
    }

    /** The number of classes (2 for binary). */
    public int classes() {
        return labels.length;
    }

    /**
     * The dataset with its targets mapped.
     *
     * @throws DataException naming the row of a label the training file does not have
     */
    public Dataset apply(Dataset d) {
        final float[] t = new float[d.rows()];
        for (int i = 0; i < t.length; i++) {
            final int k = Arrays.binarySearch(labels, d.target(i));
            if (k < 0) {
                throw new DataException(d.source() + ": row " + (i + 1) + " has label " + d.target(i)
                    + ", which the training data does not have " + Arrays.toString(labels));
            }
            t[i] = binary ? (k == 0 ? -1f : 1f) : k;
        }
        return d.withTargets(t, labels.length, d.source());
    }

    private static float[] distinct(Rows d) {
        final TreeSet<Float> s = new TreeSet<>();
        for (int i = 0; i < d.rows(); i++) {
            s.add(d.target(i));
        }
        final float[] l = new float[s.size()];
        int k = 0;
        for (float v : s) {
            l[k++] = v;
        }
        return l;
    }
}
