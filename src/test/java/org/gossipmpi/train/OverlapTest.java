package org.gossipmpi.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.gossipmpi.comm.local.LocalWorld;
import org.gossipmpi.data.Sharding;
import org.gossipmpi.kernel.Devices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Overlapping the next gradient with the exchange changes nothing in the results. */
class OverlapTest {

    static float[][] train(String algorithm, String compressor, boolean overlap, Path data) {
        final TrainConfig c = TrainConfig.builder().algorithm(algorithm).model("logistic").hidden(0).data(data.toString())
            .batch(8).lr(new LearningRate(LearningRate.Kind.CONST, 0.2, 1, 1, 1)).l2(0.01).steps(60)
            .shard(Sharding.iid).seed(9).evalEvery(20).device(Devices.Kind.java).topology("ring")
            .compressor(compressor).gamma(1).overlap(overlap).evalRows(0).build();
        final float[][] models = new float[4][];
        LocalWorld.run(4, TimeUnit.MINUTES.toNanos(1), comm ->
            models[comm.rank()] = new Training(c, comm, new PrintWriter(new StringWriter())).run().model().clone());
        return models;
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"dpsgd, none", "dcd, qsgd:8", "ecd, natural"})
    void overlappedAndPlainRunsGiveTheSameModels(String algorithm, String compressor) throws Exception {
        final Path data = AlgorithmTrajectoryTest.dataFile();
        final float[][] plain = train(algorithm, compressor, false, data);
        final float[][] overlapped = train(algorithm, compressor, true, data);
        for (int r = 0; r < 4; r++) {
            assertArrayEquals(plain[r], overlapped[r], 0f, algorithm + " rank " + r);
        }
    }

    /**
     * All-reduce SGD on its ring with overlap: an MLP of three buckets that reports W1's gradient in blocks, each
     * bucket summed while the rest is computed. Every rank ends with the same bits, and with the models of the ring
     * without overlap but for the order of the sums' additions.
     */
    @Test
    void allreduceOverlappedInBucketsTrainsAsTheRingDoes() throws Exception {
        final Path data = AlgorithmTrajectoryTest.dataFile();
        final float[][] plain = trainMlp(false, data);
        final float[][] overlapped = trainMlp(true, data);
        assertTrue(plain[0].length > 2 * org.gossipmpi.collective.AllreduceAverage.BUCKET_FLOATS, "three buckets");
        double diff = 0;
        double norm = 0;
        for (int r = 0; r < 4; r++) {
            assertArrayEquals(overlapped[0], overlapped[r], 0f, "rank " + r + " differs from rank 0");
            for (int i = 0; i < plain[r].length; i++) {
                diff = Math.max(diff, Math.abs(plain[r][i] - overlapped[r][i]));
                norm = Math.max(norm, Math.abs(plain[r][i]));
            }
        }
        assertTrue(diff <= 1e-4 * norm, "overlapped models differ by " + diff + " (largest weight " + norm + ")");
    }

    private static float[][] trainMlp(boolean overlap, Path data) {
        final TrainConfig c = TrainConfig.builder().algorithm("allreduce").model("mlp").hidden(40_000)
            .data(data.toString()).batch(8).lr(new LearningRate(LearningRate.Kind.CONST, 0.1, 1, 1, 1)).l2(0.01)
            .steps(30).shard(Sharding.iid).seed(9).evalEvery(30).device(Devices.Kind.java).compressor("none").gamma(1)
            .allreduce(org.gossipmpi.collective.AllreduceAverage.Kind.RING).overlap(overlap).evalRows(0).build();
        final float[][] models = new float[4][];
        LocalWorld.run(4, TimeUnit.MINUTES.toNanos(1), comm ->
            models[comm.rank()] = new Training(c, comm, new PrintWriter(new StringWriter())).run().model().clone());
        return models;
    }

    @Test
    void algorithmsThatCannotOverlapOrCompressAreRefusedWithAReason() {
        final org.gossipmpi.topology.Topology ring = org.gossipmpi.topology.Topologies.parse("ring", 4);
        final org.gossipmpi.topology.Topology onePeer = org.gossipmpi.topology.Topologies.parse("onepeer-exp", 4);
        final var topk = org.gossipmpi.compress.Compressors.parse("topk:0.01", 1, 0);
        final var none = org.gossipmpi.compress.Compressors.parse("none", 1, 0);
        assertTrue(refusal("dcd", ring, topk, false).contains("needs an unbiased compressor"));
        assertTrue(refusal("ecd", ring, topk, false).contains("topk:0.01 is biased"));
        assertTrue(refusal("choco", onePeer, topk, false).contains("needs a static topology"));
        assertTrue(refusal("choco", ring, topk, true).contains("cannot overlap"));
        assertTrue(refusal("dpsgd", ring, topk, false).contains("exchanges models exactly"));
        assertTrue(refusal("choco", ring, topk, false) == null);
        assertTrue(refusal("dpsgd", onePeer, none, true) == null);
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().algorithm("choco").model("logistic").hidden(0).data("x").batch(1)
            .lr(new LearningRate(LearningRate.Kind.CONST, 0.1, 1, 1, 1)).l2(0).steps(10)
            .shard(Sharding.iid).seed(1).evalEvery(1).device(Devices.Kind.java).topology("ring")
            .compressor("none").gamma(1.5).evalRows(0).build());
    }

    /** Why the combination is refused, with the library's setting names, or null when it is not. */
    private static String refusal(String algorithm, org.gossipmpi.topology.Topology t,
                                  org.gossipmpi.compress.Compressor c, boolean overlap) {
        try {
            org.gossipmpi.algo.Algorithms.check(algorithm, t, c, overlap);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
