package org.gossipmpi.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.gossipmpi.comm.local.LocalWorld;
import org.gossipmpi.data.DataSources;
import org.gossipmpi.data.Dataset;
import org.gossipmpi.data.Labels;
import org.gossipmpi.data.Sharding;
import org.gossipmpi.kernel.Devices;
import org.gossipmpi.model.LinearModel;
import org.gossipmpi.testing.SyntheticData;
import org.gossipmpi.train.LearningRate;
import org.gossipmpi.train.MinibatchSampler;
import org.gossipmpi.train.TrainConfig;
import org.gossipmpi.train.Training;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The public optimizer: its steps are train's bit for bit on the same gradients, mix is CHOCO-Gossip, settings are
 * refused as train refuses them (naming the setting), saved state resumes bit for bit, a custom graph works, and
 * the world's collectives give every rank the same bits.
 */
class DecentralizedTest {
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
    private static final int STEPS = 30;

    /** Runs {@code body} on 4 in-process ranks, each with its GossipWorld. */
    private static void onFourRanks(RankProgram body) {
        LocalWorld.run(4, MINUTE, comm -> body.run(GossipWorld.of(comm)));
    }

    /**
     * A user's loop through the API, on gradients it computes itself from the same shards, model and minibatches as
     * train, ends with train's models, bit for bit, for every algorithm (with momentum on two of them).
     */
    @ParameterizedTest(name = "{0} {1} momentum {2}")
    @CsvSource({"dpsgd, none, 0", "choco, topk:0.25, 0", "choco, sign, 0.9", "dcd, qsgd:16, 0", "ecd, natural, 0",
        "deepsqueeze, sign, 0", "allreduce, none, 0.9"})
    void aStepLoopOfTheCallersOwnEndsWithTrainsModelsBitForBit(String algorithm, String compressor, double momentum,
                                                               @TempDir Path dir) throws Exception {
        final Path data = SyntheticData.binaryCsv(dir);
        final LearningRate lr = new LearningRate(LearningRate.Kind.INVERSE, 0.2, 20, 0.1, 1);
        final TrainConfig config = TrainConfig.builder().algorithm(algorithm).compressor(compressor).model("logistic")
            .data(data.toString()).batch(8).lr(lr).l2(0.01).steps(STEPS).evalEvery(STEPS).seed(5)
            .device(Devices.Kind.java).gamma(0.4).evalRows(0)
            .momentum(momentum == 0 ? org.gossipmpi.algo.LocalStep.Kind.NONE
                : org.gossipmpi.algo.LocalStep.Kind.HEAVY_BALL, momentum).build();
        final float[][] byTrain = new float[4][];
        LocalWorld.run(4, MINUTE, comm -> byTrain[comm.rank()] = new Training(config, comm,
            new PrintWriter(new StringWriter())).run().model());
        final Dataset all = DataSources.load(data.toString(), null, 0).train();
        final Dataset train = Labels.binary(all).apply(all);
        final float[][] byApi = new float[4][];
        onFourRanks(world -> {
            final Dataset shard = train.subset(Sharding.iid.rows(train, world.rank(), 4, 5), "shard");
            final LinearModel model = LinearModel.logistic(train.cols(), 0.01,
                Devices.gemm(Devices.choose(Devices.Kind.java)));
            final MinibatchSampler sampler = new MinibatchSampler(shard, 8, 5, world.rank());
            final Decentralized.Builder b = Decentralized.builder(world).algorithm(algorithm).compressor(compressor)
                .topology("ring").seed(5).momentum(momentum).device("java");
            if (algorithm.startsWith("choco") || algorithm.equals("deepsqueeze")) {
                b.gamma(0.4);
            }
            try (Decentralized opt = b.build(model.dimension())) {
                final float[] x = new float[model.dimension()];
                model.initialize(x, 5);
                final float[] g = new float[x.length];
                for (long t = 0; t < STEPS; t++) {
                    model.lossAndGradient(x, sampler.next(), g);
                    opt.step(t, x, g, lr.at(t));
                }
                byApi[world.rank()] = x;
            }
        });
        for (int r = 0; r < 4; r++) {
            assertArrayEquals(byTrain[r], byApi[r], 0f, algorithm + " rank " + r);
        }
    }

    /** mix without a gradient is CHOCO-Gossip: every rank's vector goes to the average of the initial vectors. */
    @Test
    void mixAloneDrivesEveryRankToTheAverageOfTheStartingVectors() {
        final int d = 50;
        final float[][] xs = new float[4][];
        onFourRanks(world -> {
            final float[] x = new float[d];
            final SplittableRandom r = new SplittableRandom(world.rank() + 11);
            for (int i = 0; i < d; i++) {
                x[i] = (float) r.nextGaussian();
            }
            final float[] mean = world.average(x);
            try (Decentralized opt = Decentralized.builder(world).algorithm("choco-gossip").compressor("topk:0.3")
                    .gamma(0.3).build(d)) {
                for (long t = 0; t < 600; t++) {
                    opt.mix(t, x);
                }
                for (int i = 0; i < d; i++) {
                    assertEquals(mean[i], x[i], 1e-3, "rank " + world.rank() + " element " + i);
                }
                final String step = assertThrows(IllegalArgumentException.class,
                    () -> opt.step(0, x, new float[d], 0.1)).getMessage();
                assertTrue(step.contains("choco-gossip averages without a gradient step"), step);
            }
            xs[world.rank()] = x;
        });
    }

    /** The same refusals as train, each naming the setting, before any message is sent. */
    @Test
    void settingsAreRefusedAsTrainRefusesThemNamingTheSetting() {
        expectRefused(b -> b.algorithm("choco").compressor("qsgd:16"), "choco needs a contractive compressor",
            "qsgd:16:biased");
        expectRefused(b -> b.algorithm("dcd").compressor("topk:0.01"), "dcd needs an unbiased compressor");
        expectRefused(b -> b.algorithm("choco").overlap(true), "overlap: choco cannot overlap");
        expectRefused(b -> b.algorithm("dpsgd").compressor("sign"), "dpsgd exchanges models exactly");
        expectRefused(b -> b.algorithm("dpsgd").gamma(0.2), "dpsgd has no consensus step: drop gamma");
        expectRefused(b -> b.algorithm("choco").gamma(1.5), "gamma must be in (0, 1], got 1.5");
        expectRefused(b -> b.algorithm("sgd"), "unknown algorithm 'sgd'");
        expectRefused(b -> b.compressor("zip"), "compressor 'zip': unknown compressor");
        expectRefused(b -> b.momentum(1.5), "momentum must be in (0, 1)");
        expectRefused(b -> b.nesterov(true), "nesterov is a kind of momentum: give momentum MU");
        expectRefused(b -> b.codecThreads(100_000), "codecThreads must be in [1, ");
        expectRefused(b -> b.algorithm("allreduce").codecThreads(2), "codecThreads 2: allreduce encodes nothing");
        expectRefused(b -> b.algorithm("choco-gossip").compressor("sign").momentum(0.9),
            "momentum: choco-gossip takes no gradient step");
        expectRefused(b -> b.topology("star"), "unknown topology 'star'");
        expectRefused(b -> b.algorithm("choco").topology("onepeer-exp"), "needs a static topology");
        expectRefused(b -> b.device("gpu"), "unknown device 'gpu'");
        expectRefused(b -> b.algorithm("choco").compressor("sign").allreduce("ring"), "allreduce ring chooses the"
            + " all-reduce of the allreduce algorithm; choco sends only to its neighbours: drop allreduce");
        expectRefused(b -> b.algorithm("allreduce").allreduce("tree"), "unknown allreduce 'tree'; valid: mpi");
        expectRefused(b -> b.algorithm("dpsgd").allreduce("mpi"), "allreduce mpi chooses the all-reduce of the"
            + " allreduce algorithm; dpsgd sends only to its neighbours: drop allreduce");
        expectRefused(b -> b.topology(new int[][] {{0, 1}, {2, 3}}, null), "not connected");
        expectRefused(b -> b.topology(new int[][] {{0, 1}, {1, 2}, {2, 3}, {3, 0}}, new double[] {0.5, 0.5, 0.5, 0.6}),
            "row 0", "is negative");
    }

    private static void expectRefused(Consumer<Decentralized.Builder> settings, String... words) {
        onFourRanks(world -> {
            final Decentralized.Builder b = Decentralized.builder(world);
            settings.accept(b);
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.build(10));
            for (String w : words) {
                assertTrue(e.getMessage().contains(w), "'" + w + "' not in: " + e.getMessage());
            }
            assertFalse(e.getMessage().contains("--"), "a library message names a flag: " + e.getMessage());
        });
    }

    /** Ranks built with different settings stop together, naming the setting and both values. */
    @Test
    void ranksWithDifferentSettingsAreRefusedNamingTheSetting() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> onFourRanks(world ->
            Decentralized.builder(world).algorithm("choco").compressor("sign")
                .gamma(world.rank() == 2 ? 0.3 : 0.4).build(10)));
        assertTrue(e.getMessage().contains("rank 2 was started with other settings than rank 0: gamma is 0.3 there, 0.4"
            + " on rank 0"), e.getMessage());
    }

    /** One rank summing by the ring and the others by MPI would wait on each other forever: refused up front. */
    @Test
    void ranksWithDifferentAllreducesAreRefusedNamingTheSetting() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> onFourRanks(world ->
            Decentralized.builder(world).algorithm("allreduce").allreduce(world.rank() == 3 ? "ring" : "mpi")
                .build(10)));
        assertTrue(e.getMessage().contains("rank 3 was started with other settings than rank 0: allreduce is ring there,"
            + " mpi on rank 0"), e.getMessage());
    }

    /** The caller's own graph and weights: a ring with heavier self weights, the same model as its spec's weights. */
    @Test
    void aGraphOfTheCallersOwnMixesWithItsWeights() {
        onFourRanks(world -> {
            final int[][] ring = {{0, 1}, {1, 2}, {2, 3}, {3, 0}};
            try (Decentralized custom = Decentralized.builder(world).algorithm("dpsgd")
                    .topology(ring, new double[] {0.25, 0.25, 0.25, 0.25}).build(3)) {
                assertArrayEquals(java.util.stream.IntStream.of((world.rank() + 3) % 4, (world.rank() + 1) % 4).sorted()
                    .toArray(), custom.neighbours(0));
                assertEquals(0.5, custom.selfWeight(0), 1e-12);
                final float[] x = {world.rank(), 0, 1};
                custom.neighborAverage(0, x);
                final int left = (world.rank() + 3) % 4;
                final int right = (world.rank() + 1) % 4;
                assertEquals(0.5f * world.rank() + 0.25f * left + 0.25f * right, x[0], 1e-6f);
                assertEquals(1f, x[2], 1e-6f);
            }
        });
    }

    /** save after k steps, restore into a new optimizer, go on: the same bits as never stopping. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"choco, topk:0.3", "dcd, qsgd:16", "ecd, natural", "deepsqueeze, sign", "dpsgd, none"})
    void savedStateResumesBitForBit(String algorithm, String compressor, @TempDir Path dir) throws Exception {
        final int d = 40;
        final float[][] straight = new float[4][];
        final float[][] resumed = new float[4][];
        for (int pass = 0; pass < 2; pass++) {
            final int p = pass;
            onFourRanks(world -> {
                final float[] x = new float[d];
                long t = 0;
                if (p == 1) {
                    try (Decentralized first = build(world, algorithm, compressor, d)) {
                        for (; t < 15; t++) {
                            first.step(t, x, gradient(x, t, world.rank()), 0.05);
                        }
                        first.save(dir.resolve("rank-" + world.rank()), x);
                    }
                    java.util.Arrays.fill(x, 99f);
                }
                try (Decentralized opt = build(world, algorithm, compressor, d)) {
                    if (p == 1) {
                        t = opt.restore(dir.resolve("rank-" + world.rank()), x);
                        assertEquals(15, t);
                    }
                    for (; t < 30; t++) {
                        opt.step(t, x, gradient(x, t, world.rank()), 0.05);
                    }
                }
                (p == 0 ? straight : resumed)[world.rank()] = x;
            });
        }
        for (int r = 0; r < 4; r++) {
            assertArrayEquals(straight[r], resumed[r], 0f, algorithm + " rank " + r);
        }
        final IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> onFourRanks(world -> {
            try (Decentralized opt = build(world, algorithm, compressor, d, 2)) {
                opt.restore(dir.resolve("rank-" + world.rank()), new float[d]);
            }
        }));
        assertTrue(other.getMessage().contains("was saved with seed 1; this optimizer has seed 2"), other.getMessage());
    }

    private static Decentralized build(GossipWorld world, String algorithm, String compressor, int d) {
        return build(world, algorithm, compressor, d, 1);
    }

    private static Decentralized build(GossipWorld world, String algorithm, String compressor, int d, long seed) {
        final Decentralized.Builder b = Decentralized.builder(world).algorithm(algorithm).compressor(compressor)
            .seed(seed);
        if (algorithm.startsWith("choco") || algorithm.equals("deepsqueeze")) {
            b.gamma(0.3);
        }
        return b.build(d);
    }

    /** A gradient that depends on x, the step and the rank: a quadratic pulled to a rank's own point. */
    private static float[] gradient(float[] x, long t, int rank) {
        final float[] g = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            g[i] = x[i] - (float) Math.sin(i + rank + 0.01 * t);
        }
        return g;
    }

    /** broadcast gives every rank the root's bits; average gives every rank the same mean. */
    @Test
    void broadcastAndAverageGiveEveryRankTheSameBits() {
        for (int n : new int[] {1, 2, 3, 5, 8}) {
            LocalWorld.run(n, MINUTE, comm -> {
                final GossipWorld world = GossipWorld.of(comm);
                for (int root = 0; root < n; root++) {
                    final float[] x = new float[33];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = world.rank() == root ? Float.intBitsToFloat(0x3f800000 + 7919 * i + root) : -1;
                    }
                    world.broadcast(x, root);
                    for (int i = 0; i < x.length; i++) {
                        assertEquals(Float.intBitsToFloat(0x3f800000 + 7919 * i + root), x[i], 0f, "n " + n + " root "
                            + root + " rank " + world.rank());
                    }
                }
                final float[] mine = {world.rank(), 1};
                final float[] mean = world.average(mine);
                assertEquals((n - 1) / 2f, mean[0], 1e-6f);
                assertEquals(1f, mean[1], 0f);
            });
        }
    }

    /** run: in-process ranks from --ranks, the other arguments left to the program. */
    @Test
    void runStartsInProcessRanksAndLeavesTheProgramsArguments() {
        final int[] seen = new int[3];
        GossipWorld.run(new String[] {"--ranks", "3", "--steps", "7"}, world -> {
            assertEquals(3, world.size());
            assertArrayEquals(new String[] {"--steps", "7"}, world.arguments());
            seen[world.rank()] = 1;
        });
        assertArrayEquals(new int[] {1, 1, 1}, seen);
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> GossipWorld.run(new String[] {"--ranks", "0"}, world -> { }));
        assertTrue(bad.getMessage().contains("ranks must be >= 1"), bad.getMessage());
        final IllegalStateException failed = assertThrows(IllegalStateException.class,
            () -> GossipWorld.run(new String[] {"--ranks", "2"}, world -> {
                if (world.rank() == 1) {
                    throw new IllegalStateException("rank 1 gave up");
                }
                world.barrier();
            }));
        assertEquals("rank 1 gave up", failed.getMessage());
    }
}
