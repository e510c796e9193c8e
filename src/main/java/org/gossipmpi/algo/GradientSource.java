package org.gossipmpi.algo;

/**
 * Where an optimizer gets a step's minibatch gradient when it decides when to compute it (to overlap it with the
 * exchange): the caller's model, wrapped.
 */
@FunctionalInterface
public interface GradientSource {
    /**
     * Writes the minibatch gradient at {@code x} into {@code g} and returns the minibatch loss (NaN if unknown).
     *
     * @param x        the model, not modified
     * @param g        overwritten
     * @param progress to be called between the large pieces of the computation: it moves the messages in flight
     *                 along (MPI progresses them only inside its calls); may be ignored
     */
    double compute(float[] x, float[] g, Runnable progress);
}
