package org.gossipmpi.model;

/**
 * A {@code between} of {@link Model#lossAndGradient(float[], Batch, float[], Runnable)} that also takes the parts of
 * the gradient as they become final: what lets an optimizer sum a part over the ranks while the backward pass
 * computes the rest (all-reduce SGD with overlap, whose buckets start as their floats are reported). A model that
 * reports nothing is still right: the parts it never reported are final when it returns.
 */
public interface GradientParts extends Runnable {

    /**
     * Says that {@code grad[from, to)} holds its final values: the computation in progress does not write them again.
     * Each float is reported at most once a computation.
     */
    void ready(int from, int to);

    /** Whether {@code between} takes parts: a model may then compute its gradient in smaller pieces to report. */
    static boolean takesParts(Runnable between) {
        return between instanceof GradientParts;
    }

    /** Reports {@code grad[from, to)} final to {@code between} when it takes parts; does nothing otherwise. */
    static void ready(Runnable between, int from, int to) {
        if (between instanceof GradientParts) {
            ((GradientParts) between).ready(from, to);
        }
    }
}
