package org.gossipmpi.api;

/**
 * A rank's minibatch gradient, computed when the optimizer asks for it: what lets D-PSGD, DCD and ECD compute it
 * while their messages travel ({@link Decentralized.Builder#overlap}). Each call takes the next minibatch.
 */
@FunctionalInterface
public interface Gradient {
    /**
     * Writes the minibatch gradient at {@code x} into {@code g} and returns the minibatch loss (NaN if not known).
     *
     * @param x        the model, not to be modified
     * @param g        overwritten with the gradient
     * @param progress a computation that takes long should call it between its large pieces (its matrix products):
     *                 it moves the messages in flight along, as MPI progresses them only inside its own calls; it
     *                 does nothing when no messages are in flight, and may be ignored
     * @return the minibatch loss, or NaN
     */
    double compute(float[] x, float[] g, Runnable progress);
}
