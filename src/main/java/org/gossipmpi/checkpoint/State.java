package org.gossipmpi.checkpoint;

/**
 * A rank's training state, visited by name in a fixed order: the same method saves it (each call writes its
 * value) and restores it (each call reads the value saved under that name into the array, or returns it).
 * One method per stateful piece ({@link Stateful#state}) so that saving and restoring cannot drift apart.
 */
public interface State {
    /** Saves {@code values}, or fills it with the values saved under {@code name} (same length). */
    void floats(String name, float[] values);

    /** As {@link #floats}, for ints. */
    void ints(String name, int[] values);

    /** As {@link #floats}, for doubles. */
    void doubles(String name, double[] values);

    /** Saves {@code value} and returns it, or returns the value saved under {@code name}. */
    long longValue(String name, long value);

    /** As {@link #longValue}, for a double. */
    double doubleValue(String name, double value);

    /** As {@link #longValue}, for a flag. */
    default boolean flag(String name, boolean value) {
        return longValue(name, value ? 1 : 0) != 0;
    }

    /** Whether this visit restores (reads) rather than saves. */
    boolean restoring();
}
