package org.gossipmpi.topology;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.gossipmpi.collective.ConsensusCheck;
import org.gossipmpi.comm.local.LocalWorld;
import org.gossipmpi.testing.Worlds;
import org.junit.jupiter.api.Test;

/** The consensus check can fail: with weights that are not doubly stochastic, gossip misses the mean. */
class WrongWeightsConsensusTest {

    @Test
    void rowStochasticButNotColumnStochasticWeightsMissTheMean() {
        // A ring of 4 where rank 0 keeps 0.8 of itself: rows sum to 1, columns do not.
        final int n = 4;
        final int[][] from = new int[n][];
        final double[][] w = new double[n][];
        final double[] self = new double[n];
        for (int i = 0; i < n; i++) {
            from[i] = new int[] {(i + n - 1) % n, (i + 1) % n};
            java.util.Arrays.sort(from[i]);
            final double other = i == 0 ? 0.1 : 1.0 / 3;
            w[i] = new double[] {other, other};
            self[i] = 1 - 2 * other;
        }
        final Topology wrong = new Topology("wrong-weights", new MixingStep[] {new MixingStep(from, w, from, self)}, true);
        assertThrows(IllegalArgumentException.class, () -> Topologies.check(wrong), "the check rejects it");
        // Used anyway, the ranks agree on a value, but not the mean: the consensus assertion fails.
        assertThrows(AssertionError.class, () -> LocalWorld.run(n, Worlds.TIMEOUT_NANOS, c -> {
            final float[] x = ConsensusCheck.gossip(c, wrong, "none", 16, 300, 5);
            ConsensusCheck.assertAtMean(c, x, 5, 1e-5, "wrong weights");
        }));
    }
}
