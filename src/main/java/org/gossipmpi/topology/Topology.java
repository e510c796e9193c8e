package org.gossipmpi.topology;

/**
 * A communication graph with its mixing weights, possibly changing with the step: immutable data, no
 * transport inside. A static topology has one {@link MixingStep}; a time-varying one cycles through
 * {@link #period()} of them ({@code step(t) = steps[t mod period]}).
 *
 * <p>Built and checked by {@link Topologies}: every W_t is non-negative with rows and columns summing to 1
 * (1e-9), a static one is symmetric, and the graph (the union over a period) is connected.
 */
public final class Topology {
    private final String name;
    private final MixingStep[] steps;
    private final boolean symmetric;

    Topology(String name, MixingStep[] steps, boolean symmetric) {
        this.name = name;
        this.steps = steps;
        this.symmetric = symmetric;
    }

    /** The spec it was built from, e.g. {@code ring}, {@code torus:4x4}, {@code file:graph.txt}. */
    public String name() {
        return name;
    }

    public int size() {
        return steps[0].size();
    }

    /** How many distinct mixing steps it cycles through; 1 for a static topology. */
    public int period() {
        return steps.length;
    }

    public boolean isStatic() {
        return steps.length == 1;
    }

    /** Whether every W_t is symmetric (undirected graph). */
    public boolean isSymmetric() {
        return symmetric;
    }

    /** W_t. */
    public MixingStep step(long t) {
        return steps[(int) Math.floorMod(t, (long) steps.length)];
    }

    /** The largest number of ranks any rank receives from at any step. */
    public int maxInDegree() {
        int max = 0;
        for (MixingStep s : steps) {
            for (int i = 0; i < s.size(); i++) {
                max = Math.max(max, s.recvFrom(i).length);
            }
        }
        return max;
    }

    /** The largest number of ranks any rank sends to at any step. */
    public int maxOutDegree() {
        int max = 0;
        for (MixingStep s : steps) {
            for (int i = 0; i < s.size(); i++) {
                max = Math.max(max, s.sendTo(i).length);
            }
        }
        return max;
    }

    @Override
    public String toString() {
        return name + " (" + size() + " ranks" + (isStatic() ? "" : ", period " + period()) + ")";
    }
}
