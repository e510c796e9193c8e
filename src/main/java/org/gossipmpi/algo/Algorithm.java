package org.gossipmpi.algo;

import org.gossipmpi.checkpoint.Stateful;

/**
 * One training algorithm on one rank: {@link #step} does the gradient, the local update, the communication
 * and the mixing of step t, on preallocated state. {@link #state} visits all of that state (model, every
 * algorithm vector, momentum, sampler, byte counters) for checkpoints, so a resumed run continues bit for bit.
 */
public interface Algorithm extends Stateful {

    /** The name {@code --algorithm} uses. */
    String name();

    /** Step t; returns the local minibatch loss at the start of the step. */
    double step(long t);

    /** This rank's model x_i (owned by the algorithm; not to be modified). */
    float[] model();

    /** Bytes this rank has sent so far. */
    long bytesSent();
}
