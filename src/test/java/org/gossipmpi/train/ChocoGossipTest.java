package org.gossipmpi.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.gossipmpi.comm.local.LocalWorld;
import org.gossipmpi.data.Sharding;
import org.gossipmpi.kernel.Devices;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** CHOCO-Gossip with compressed messages drives every rank to the average of the initial vectors. */
class ChocoGossipTest {

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"ring, topk:0.1", "ring, sign", "torus, topk:0.1", "torus, sign", "exponential, topk:0.1",
        "exponential, sign"})
    void compressedGossipReachesTheInitialAverage(String topology, String compressor) throws Exception {
        final int n = 9;
        final long seed = 5;
        final Path data = AlgorithmTrajectoryTest.dataFile();
        final TrainConfig c = TrainConfig.builder().algorithm("choco-gossip").model("logistic").hidden(0).data(data.toString())
            .batch(0).lr(new LearningRate(LearningRate.Kind.CONST, 0.1, 1, 1, 1)).l2(0).steps(3000)
            .shard(Sharding.contiguous).seed(seed).evalEvery(3000).device(Devices.Kind.java)
            .topology(topology).compressor(compressor).gamma(0.2).evalRows(0).build();
        final float[][] models = new float[n][];
        final double[] consensus = new double[1];
        LocalWorld.run(n, TimeUnit.MINUTES.toNanos(2), comm -> {
            final Training.Outcome o = new Training(c, comm, new PrintWriter(new StringWriter())).run();
            models[comm.rank()] = o.model().clone();
            consensus[0] = o.consensus();
        });
        assertTrue(consensus[0] < 1e-6, topology + " " + compressor + ": consensus distance " + consensus[0]);
        // The initial vectors: seeded N(0, 1) of (seed, rank), as Training draws them for choco-gossip.
        final int d = models[0].length;
        final double[] mean = new double[d];
        for (int r = 0; r < n; r++) {
            final SplittableRandom rnd = new SplittableRandom(seed * 7919 + r);
            for (int i = 0; i < d; i++) {
                mean[i] += (float) rnd.nextGaussian() / (double) n;
            }
        }
        // In exact arithmetic gossip with a doubly stochastic W keeps the sum of the x_i; in float, 3,000 steps
        // of accumulating s_i and xhat_i drift by up to ~1e-4 of the values (measured with `none` too).
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < d; i++) {
                assertEquals(mean[i], models[r][i], 2e-3 * (1 + Math.abs(mean[i])), "rank " + r + " element " + i);
            }
        }
    }
}
