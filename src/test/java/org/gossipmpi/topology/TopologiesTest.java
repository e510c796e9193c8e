package org.gossipmpi.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologiesTest {
    private static final String[] BUILT_IN = {"ring", "torus", "exponential", "onepeer-exp", "complete"};

    @TempDir
    Path dir;

    @Test
    void everyBuiltInTopologyPassesTheWeightChecksForRandomSizes() {
        final SplittableRandom random = new SplittableRandom(42);
        for (int trial = 0; trial < 40; trial++) {
            final int n = 1 + random.nextInt(64);
            for (String kind : BUILT_IN) {
                final Topology t = Topologies.parse(kind, n); // parse checks; throws on a violation
                assertEquals(n, t.size(), kind);
                for (int s = 0; s < t.period(); s++) {
                    final double[][] w = t.step(s).dense();
                    for (int i = 0; i < n; i++) {
                        double row = 0;
                        double col = 0;
                        for (int j = 0; j < n; j++) {
                            assertTrue(w[i][j] >= 0, kind + " n=" + n);
                            row += w[i][j];
                            col += w[j][i];
                            if (t.isSymmetric()) {
                                assertEquals(w[i][j], w[j][i], 1e-12, kind + " n=" + n + " symmetric");
                            }
                        }
                        assertEquals(1, row, 1e-9, kind + " n=" + n + " row " + i);
                        assertEquals(1, col, 1e-9, kind + " n=" + n + " column " + i);
                    }
                }
            }
        }
    }

    @Test
    void rhoAndBetaMatchADirectEigenvalueComputationAndThePowerIteration() {
        final SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 25; trial++) {
            final int n = 2 + random.nextInt(63);
            for (String kind : new String[] {"ring", "torus", "exponential", "complete"}) {
                final Topology t = Topologies.parse(kind, n);
                final Spectrum sp = Spectrum.of(t);
                // Directly: all eigenvalues of the dense W, sorted by absolute value.
                final double[] eig = new EigenDecomposition(new Array2DRowRealMatrix(t.step(0).dense()))
                    .getRealEigenvalues();
                final double[] abs = new double[n];
                double beta = 0;
                for (int i = 0; i < n; i++) {
                    abs[i] = Math.abs(eig[i]);
                    beta = Math.max(beta, Math.abs(1 - eig[i]));
                }
                java.util.Arrays.sort(abs);
                assertEquals(1.0, abs[n - 1], 1e-9, kind + " n=" + n + ": lambda_1 = 1");
                assertEquals(1 - abs[n - 2], sp.rho, 1e-9, kind + " n=" + n + " rho");
                assertEquals(beta, sp.beta, 1e-9, kind + " n=" + n + " beta");
                // The iterative method used above the dense limit agrees.
                assertEquals(abs[n - 2], Spectrum.lambda2ByPowerIteration(t.step(0)), 1e-6, kind + " n=" + n + " power");
                assertEquals(beta, Spectrum.betaByPowerIteration(t.step(0)), 1e-6, kind + " n=" + n + " power beta");
                // And so does the characters' spectrum used above it for translation-invariant graphs (all four).
                final int[] shape = Spectrum.translationShape(t);
                org.junit.jupiter.api.Assertions.assertNotNull(shape, kind + " n=" + n + " is translation-invariant");
                final double[] fast = Spectrum.translationInvariantEigenvalues(t.step(0), shape[0], shape[1]);
                final double[] sortedFast = fast.clone();
                final double[] sortedEig = eig.clone();
                java.util.Arrays.sort(sortedFast);
                java.util.Arrays.sort(sortedEig);
                org.junit.jupiter.api.Assertions.assertArrayEquals(sortedEig, sortedFast, 1e-9, kind + " n=" + n
                    + " characters");
                assertEquals(sp.diameter, Spectrum.eccentricity(t, 0), kind + " n=" + n + " diameter");
            }
        }
    }

    @Test
    void aGraphThatIsNotTranslationInvariantIsNotTreatedAsOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path d)
            throws java.io.IOException {
        final java.nio.file.Path f = java.nio.file.Files.writeString(d.resolve("path.edges"), "0 1\n1 2\n2 3\n");
        assertEquals(null, Spectrum.translationShape(Topologies.parse("file:" + f, 4)));
        final java.nio.file.Path g = java.nio.file.Files.writeString(d.resolve("ring.edges"), "0 1\n1 2\n2 3\n3 0\n");
        org.junit.jupiter.api.Assertions.assertNotNull(Spectrum.translationShape(Topologies.parse("file:" + g, 4)));
    }

    @Test
    void ringOfNineHasTheClosedFormGap() {
        final Spectrum sp = Spectrum.of(Topologies.parse("ring", 9));
        assertEquals(1 - (1 + 2 * Math.cos(2 * Math.PI / 9)) / 3, sp.rho, 1e-12);
        assertEquals(0.1560, sp.rho, 5e-5);
        assertEquals(1.2931, sp.beta, 5e-5);
        assertEquals(4, sp.diameter);
        assertEquals(2, sp.maxDegree);
    }

    @Test
    void smallSizesAreHandled() {
        final Topology one = Topologies.parse("ring", 1);
        assertEquals(0, one.step(0).recvFrom(0).length);
        assertEquals(1.0, one.step(0).selfWeight(0));
        final Topology two = Topologies.parse("ring", 2);
        assertArrayEquals(new int[] {1}, two.step(0).recvFrom(0), "a ring of 2 has one neighbour, not the same twice");
        assertArrayEquals(new double[] {0.5}, two.step(0).recvWeights(0));
        final Topology torus = Topologies.parse("torus:2x2", 4);
        assertEquals(2, torus.step(0).recvFrom(0).length, "2x2 torus: up = down, left = right");
        for (String kind : BUILT_IN) {
            assertEquals(1, Topologies.parse(kind, 1).step(0).selfWeight(0), 0.0, kind);
        }
    }

    @Test
    void onePeerExponentialFollowsItsSchedule() {
        final Topology t = Topologies.parse("onepeer-exp", 8);
        assertEquals(3, t.period());
        assertFalse(t.isSymmetric());
        for (long step = 0; step < 7; step++) {
            final int hop = 1 << (step % 3);
            final MixingStep w = t.step(step);
            for (int i = 0; i < 8; i++) {
                assertArrayEquals(new int[] {(i + hop) % 8}, w.sendTo(i));
                assertArrayEquals(new int[] {(i - hop + 8) % 8}, w.recvFrom(i));
            }
        }
        // With n a power of 2, one period of one-peer gossip averages exactly: rho = 1.
        assertEquals(1.0, Spectrum.of(t).rho, 1e-9);
        assertEquals(5, Topologies.parse("onepeer-exp", 17).period());
    }

    @Test
    void torusPicksTheMostSquareShapeAndRejectsImpossibleOnes() {
        assertEquals("torus:4x4", Topologies.parse("torus", 16).name());
        assertEquals("torus:3x4", Topologies.parse("torus", 12).name());
        assertEquals("torus:1x7", Topologies.parse("torus", 7).name());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Topologies.parse("torus:3x5", 16));
        assertTrue(e.getMessage().contains("a 3x5 torus has 15 ranks, but there are 16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Topologies.parse("torus:4by4", 16));
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> Topologies.parse("star", 4));
        assertTrue(unknown.getMessage().contains("valid: ring, torus"), unknown.getMessage());
    }

    @Test
    void edgeListFilesGiveMetropolisHastingsOrTheirOwnWeights() throws IOException {
        final Path path = dir.resolve("star.txt");
        Files.writeString(path, "# a star around rank 0\n0 1\n0 2\n\n0 3  # last\n");
        final Topology star = Topologies.parse("file:" + path, 4);
        final MixingStep w = star.step(0);
        assertArrayEquals(new int[] {1, 2, 3}, w.recvFrom(0));
        assertEquals(0.25, w.recvWeights(0)[0], 1e-12, "MH: 1 / (1 + max(3, 1))");
        assertEquals(0.25, w.selfWeight(0), 1e-12);
        assertEquals(0.75, w.selfWeight(1), 1e-12);

        final Path weighted = dir.resolve("weighted.txt");
        Files.writeString(weighted, "0 1 0.5\n1 2 0.25\n2 0 0.25\n");
        final MixingStep ww = Topologies.parse("file:" + weighted, 3).step(0);
        assertEquals(0.25, ww.selfWeight(0), 1e-12);
        assertEquals(0.25, ww.selfWeight(1), 1e-12);
        assertEquals(0.5, ww.selfWeight(2), 1e-12);
    }

    @Test
    void wrongWeightsAndBadFilesAreRejectedNamingTheRowEdgeOrLine() throws IOException {
        final Path heavy = dir.resolve("heavy.txt");
        Files.writeString(heavy, "0 1 0.7\n1 2 0.7\n2 0 0.1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Topologies.parse("file:" + heavy, 3));
        assertTrue(e.getMessage().contains("row 1: w_11 = ") && e.getMessage().contains("is negative"), e.getMessage());

        final Path selfTooBig = dir.resolve("self.txt");
        Files.writeString(selfTooBig, "0 1 0.5\n0 0 0.9\n");
        e = assertThrows(IllegalArgumentException.class, () -> Topologies.parse("file:" + selfTooBig, 2));
        assertTrue(e.getMessage().contains("row 0 sums to 1.4"), e.getMessage());

        final Path disconnected = dir.resolve("two-parts.txt");
        Files.writeString(disconnected, "0 1\n2 3\n");
        e = assertThrows(IllegalArgumentException.class, () -> Topologies.parse("file:" + disconnected, 4));
        assertTrue(e.getMessage().contains("not connected: rank 2 cannot be reached from rank 0"), e.getMessage());

        final Path outside = dir.resolve("outside.txt");
        Files.writeString(outside, "0 1\n1 4\n");
        e = assertThrows(IllegalArgumentException.class, () -> Topologies.parse("file:" + outside, 4));
        assertTrue(e.getMessage().contains("outside.txt:2: rank 4 outside [0, 4)"), e.getMessage());

        final Path mixed = dir.resolve("mixed.txt");
        Files.writeString(mixed, "0 1 0.5\n1 2\n");
        e = assertThrows(IllegalArgumentException.class, () -> Topologies.parse("file:" + mixed, 3));
        assertTrue(e.getMessage().contains("mixed.txt:2: either every line has a weight or none does"), e.getMessage());

        final Path twice = dir.resolve("twice.txt");
        Files.writeString(twice, "0 1\n1 0\n");
        e = assertThrows(IllegalArgumentException.class, () -> Topologies.parse("file:" + twice, 2));
        assertTrue(e.getMessage().contains("twice.txt:2: edge 1-0 listed twice"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> Topologies.parse("file:" + dir.resolve("none"), 2));
        assertTrue(e.getMessage().contains(dir.resolve("none") + ": no such file"), e.getMessage());
    }

    @Test
    void asymmetricOrNonStochasticMatricesFailTheCheck() {
        // Row-stochastic but not column-stochastic: rank 0 listens to rank 1 only.
        final MixingStep bad = new MixingStep(new int[][] {{1}, {}}, new double[][] {{0.5}, {}},
            new int[][] {{}, {0}}, new double[] {0.5, 1.0});
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Topologies.check(new Topology("bad", new MixingStep[] {bad}, false)));
        assertTrue(e.getMessage().contains("column 0 sums to 0.5, not 1"), e.getMessage());

        final MixingStep asym = new MixingStep(new int[][] {{1, 2}, {0, 2}, {0, 1}},
            new double[][] {{0.2, 0.3}, {0.3, 0.2}, {0.2, 0.3}}, new int[][] {{1, 2}, {0, 2}, {0, 1}},
            new double[] {0.5, 0.5, 0.5});
        final IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
            () -> Topologies.check(new Topology("asym", new MixingStep[] {asym}, true)));
        assertTrue(s.getMessage().contains("edge 0-1: w_ij = 0.2 but w_ji = 0.3"), s.getMessage());
    }
}
