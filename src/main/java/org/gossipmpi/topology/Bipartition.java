package org.gossipmpi.topology;

import org.gossipmpi.config.SettingException;

/**
 * The two sides of a bipartite communication graph, as asynchronous pairwise averaging (AD-PSGD) splits its ranks:
 * every edge joins an active rank (the side of rank 0, and of the lowest rank of each further connected part) to
 * a passive one. Immutable.
 */
public final class Bipartition {
    private final boolean[] active;
    private final int[][] partners;

    private Bipartition(boolean[] active, int[][] partners) {
        this.active = active;
        this.partners = partners;
    }

    /**
     * Two-colours the graph of a static, symmetric topology (breadth first from rank 0).
     *
     * @throws SettingException naming the topology when it changes with the step, is directed, or has an odd cycle
     */
    public static Bipartition of(Topology topology, String algorithm) {
        if (!topology.isStatic() || !topology.isSymmetric()) {
            throw new SettingException("topology", algorithm + " averages pairs of neighbours across the two sides of"
                + " a fixed undirected graph: it needs a static topology, not " + topology.name());
        }
        final MixingStep w = topology.step(0);
        final int n = topology.size();
        final int[] colour = new int[n];
        final int[] queue = new int[n];
        java.util.Arrays.fill(colour, -1);
        for (int root = 0; root < n; root++) {
            if (colour[root] >= 0) {
                continue;
            }
            colour[root] = 0;
            int head = 0;
            int tail = 0;
            queue[tail++] = root;
            while (head < tail) {
                final int i = queue[head++];
                for (int j : w.recvFrom(i)) {
                    if (colour[j] < 0) {
                        colour[j] = 1 - colour[i];
                        queue[tail++] = j;
                    } else if (colour[j] == colour[i]) {
                        throw new SettingException("topology", algorithm + " needs a bipartite graph (every edge"
                            + " between an active and a passive rank), and " + topology + " has an odd cycle through"
                            + " ranks " + i + " and " + j + ": use a ring of an even number of ranks, or a torus"
                            + " with even sides");
                    }
                }
            }
        }
        final boolean[] active = new boolean[n];
        final int[][] partners = new int[n][];
        for (int i = 0; i < n; i++) {
            active[i] = colour[i] == 0;
            partners[i] = w.recvFrom(i).clone();
        }
        return new Bipartition(active, partners);
    }

    /** Whether {@code rank} starts averagings (rank 0's side). */
    public boolean active(int rank) {
        return active[rank];
    }

    /** The neighbours of {@code rank}, all on the other side (a copy). */
    public int[] partners(int rank) {
        return partners[rank].clone();
    }
}
