package org.gossipmpi.checkpoint;

/** Something whose state a checkpoint holds: {@link #state} visits every value that the next steps depend on. */
public interface Stateful {
    void state(State s);
}
