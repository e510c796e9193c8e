package org.gossipmpi.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.gossipmpi.api.Decentralized;
import org.gossipmpi.api.GossipWorld;
import org.gossipmpi.config.SettingException;
import org.gossipmpi.testing.World;
import org.gossipmpi.testing.Worlds;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * AD-PSGD (asynchronous pairwise averaging) on 4 ranks of a ring: rank 0 and 2 active, 1 and 3 passive, one rank
 * made slower than the others so that the ranks really step at different paces. Its averaging is atomic (the sum of
 * the models is kept to rounding), it converges to the optimum all-reduce converges to, and what it cannot run is
 * refused. Runs in-process under Surefire and over the MPI job under mpirun.
 */
class AdPsgdTest {
    static List<World> worlds() {
        return Worlds.of(4);
    }

    /** A vector of {@code d} Gaussians that depend only on {@code seed}. */
    private static float[] gaussians(int d, long seed) {
        final SplittableRandom r = new SplittableRandom(seed);
        final float[] v = new float[d];
        for (int i = 0; i < d; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static double distanceSquared(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            final double e = a[i] - b[i];
            s += e * e;
        }
        return s;
    }

    /** Slows rank 1 (passive) and rank 2 (active) by a millisecond a step, with different counts. */
    private static void pace(int rank, long t) {
        if (rank == 1 || rank == 2 && t % 3 == 0) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Averaging alone (mix, no gradient) keeps the ranks' sum of models (an average that is not atomic, or a reply
     * of the averaged rather than the old model, changes it) and brings the ranks together; after every rank paused,
     * each holds its own model (a passive rank refuses to save before), the ranks' collectives work, and steps after
     * the pause resume the exchanges.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void pairwiseAveragingKeepsTheSumAndReachesConsensus(World world) throws Exception {
        world.run(comm -> {
            final GossipWorld w = GossipWorld.of(comm);
            final int d = 1000;
            final float[] x = gaussians(d, 40 + comm.rank());
            final float[] mean = w.average(x);
            final double spread = distanceSquared(x, mean);
            try (Decentralized opt = Decentralized.builder(w).algorithm("adpsgd").compressor("none").seed(3)
                    .build(d)) {
                assertTrue(opt.asynchronous());
                for (int round = 0; round < 2; round++) {
                    for (long t = 0; t < 60; t++) {
                        opt.mix(t, x);
                        pace(comm.rank(), t);
                    }
                    final java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("adpsgd");
                    final java.nio.file.Path file = dir.resolve("rank-" + comm.rank());
                    try {
                        if (round == 0 && comm.rank() % 2 == 1) { // a passive rank: its neighbours may be averaging
                            final IllegalStateException early = assertThrows(IllegalStateException.class,
                                () -> opt.save(file, x));
                            assertTrue(early.getMessage().contains("pause before saving"), early.getMessage());
                        }
                        opt.pause(x);
                        opt.save(file, x); // after the pause: the model is the rank's own
                    } finally {
                        java.nio.file.Files.deleteIfExists(file);
                        java.nio.file.Files.delete(dir);
                    }
                    final float[] now = w.average(x);
                    for (int i = 0; i < d; i++) {
                        assertEquals(mean[i], now[i], 2e-6 * (1 + Math.abs(mean[i])), "rank " + comm.rank()
                            + " round " + round + " element " + i + ": the sum of the models changed");
                    }
                }
                final double[] apart = {distanceSquared(x, mean)};
                final float[] sums = {(float) apart[0], (float) spread};
                final float[] total = w.average(sums);
                assertTrue(total[0] < 1e-3 * total[1], "consensus distance " + total[0] + " of " + total[1]
                    + " at the start");
            }
        });
    }

    /**
     * On f(x) = (1/n) sum_i ||x - b_i||^2 / 2, each rank's gradient at its own b_i (heterogeneous: rank i alone would
     * go to b_i), with a decaying learning rate, the ranks stepping at their own paces between pauses, every rank's
     * model ends near the mean of the b_i, the optimum all-reduce SGD converges to; without averaging rank i would
     * stay near its b_i, a squared distance of about 3d/4 from it, and an average that loses or doubles a model
     * moves the mean. Each rank makes 10 steps between pauses, so that every f_i has the same weight (asynchronous
     * SGD weighs each rank's objective by how often it steps, which a run's pauses keep in balance).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void convergesToTheOptimumOfTheSumWhereAllReduceDoes(World world) throws Exception {
        world.run(comm -> {
            final GossipWorld w = GossipWorld.of(comm);
            final int d = 200;
            final float[] b = gaussians(d, 70 + comm.rank());
            final float[] optimum = w.average(b);
            final float[] x = new float[d];
            try (Decentralized opt = Decentralized.builder(w).algorithm("adpsgd").seed(9).build(d)) {
                long t = 0;
                for (; t < 400; t++) {
                    final long step = t;
                    opt.step(t, x, (at, g, progress) -> {
                        double loss = 0;
                        for (int i = 0; i < d; i++) {
                            g[i] = at[i] - b[i];
                            loss += 0.5 * g[i] * g[i];
                        }
                        pace(comm.rank(), step);
                        return loss;
                    }, 0.5 / (1 + t / 10.0));
                    if (t % 10 == 9) {
                        opt.pause(x);
                    }
                }
                final float[] average = w.average(x);
                final double own = distanceSquared(x, optimum);
                final double ofAverage = distanceSquared(average, optimum);
                assertTrue(own < 0.02 * d, "rank " + comm.rank() + ": squared distance " + own + " from the optimum"
                    + " after " + t + " steps");
                assertTrue(ofAverage < 0.005 * d, "averaged model: squared distance " + ofAverage
                    + " from the optimum");
            }
        });
    }

    /**
     * Deterministic where a schedule makes it so: in-process ranks take turns in a seeded order (rank 1 half as often
     * as the others, passive ranks first so that their responders run), an active rank's turn ending when its
     * passive partner has applied the averaging; then every model equals a direct sequential execution of
     * Algorithm 1 in that order (each turn: the gradient at the model before the turn; an active rank averages with
     * the passive neighbour drawn from the seed, its rank and its step, both taking (x_i + x_j)/2; then x -= eta g).
     */
    @org.junit.jupiter.api.Test
    void aSeededTurnOrderGivesAlgorithmOnesModelsStepByStep() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Worlds.underMpi());
        final int n = 4;
        final int d = 50;
        final long seed = 7;
        final float eta = 0.1f;
        final int[] order = new int[240];
        final SplittableRandom random = new SplittableRandom(seed);
        order[0] = 1;
        order[1] = 3;
        for (int k = 2; k < order.length; k++) {
            int r;
            do {
                r = random.nextInt(n);
            } while (r == 1 && random.nextBoolean());
            order[k] = r;
        }
        final float[][] b = new float[n][];
        for (int r = 0; r < n; r++) {
            b[r] = gaussians(d, 100 + r);
        }
        final org.gossipmpi.topology.Bipartition sides = org.gossipmpi.topology.Bipartition.of(
            org.gossipmpi.topology.Topologies.parse("ring", n), "adpsgd");

        final float[][] got = new float[n][];
        final Optimizer[] opts = new Optimizer[n];
        final java.util.concurrent.CountDownLatch built = new java.util.concurrent.CountDownLatch(n);
        final int[] turn = {0};
        org.gossipmpi.comm.local.LocalWorld.run(n, Worlds.TIMEOUT_NANOS, comm -> {
            final int me = comm.rank();
            final Optimizer opt = Optimizer.create(new OptimizerSettings("adpsgd", "none", "ring", null, null, 1, seed,
                LocalStep.Kind.NONE, 0, false, 1, org.gossipmpi.kernel.Devices.Kind.java,
                org.gossipmpi.collective.AllreduceAverage.Kind.MPI), comm, d);
            opts[me] = opt;
            built.countDown();
            built.await();
            final float[] x = new float[d];
            long t = 0;
            for (int k = 0; k < order.length; k++) {
                if (order[k] != me) {
                    continue;
                }
                synchronized (turn) {
                    while (turn[0] != k) {
                        turn.wait();
                    }
                }
                final int j = sides.active(me) ? partner(sides, seed, me, t) : -1;
                final long answered = j < 0 ? 0 : opts[j].averagingsAnswered();
                opt.step(t, x, (at, g, progress) -> {
                    for (int i = 0; i < d; i++) {
                        g[i] = at[i] - b[me][i];
                    }
                    return 0;
                }, eta);
                while (j >= 0 && opts[j].averagingsAnswered() == answered) {
                    Thread.onSpinWait();
                }
                t++;
                synchronized (turn) {
                    turn[0] = k + 1;
                    turn.notifyAll();
                }
            }
            opt.pause(x);
            got[me] = x;
            opt.close();
        });

        final float[][] xs = new float[n][d];
        final long[] steps = new long[n];
        for (int r : order) {
            final float[] g = new float[d];
            for (int i = 0; i < d; i++) {
                g[i] = xs[r][i] - b[r][i];
            }
            if (sides.active(r)) {
                final int j = partner(sides, seed, r, steps[r]);
                final float[] mine = xs[r].clone();
                final float[] theirs = xs[j].clone();
                for (int i = 0; i < d; i++) {
                    xs[r][i] = 0.5f * mine[i] + 0.5f * theirs[i];
                    xs[j][i] = xs[j][i] + 0.5f * mine[i] - 0.5f * theirs[i];
                }
            }
            for (int i = 0; i < d; i++) {
                xs[r][i] -= eta * g[i];
            }
            steps[r]++;
        }
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < d; i++) {
                assertEquals(xs[r][i], got[r][i], 1e-5f, "rank " + r + " element " + i);
            }
        }
    }

    private static int partner(org.gossipmpi.topology.Bipartition sides, long seed, int rank, long step) {
        final int[] p = sides.partners(rank);
        return p[org.gossipmpi.compress.CounterRandom.below(org.gossipmpi.compress.CounterRandom.streamKey(seed, rank,
            step), 0, p.length)];
    }

    /**
     * A rank that fails mid-run ends the run of every rank, within seconds, with its failure as the cause: an active
     * rank (its neighbours' responders and the other active rank stop waiting), then a passive one (its active
     * neighbours stop waiting for its replies). In-process only: under MPI a failed rank aborts the job.
     */
    @ParameterizedTest(name = "rank {0} fails")
    @org.junit.jupiter.params.provider.ValueSource(ints = {2, 3})
    void aRankThatFailsMidRunEndsEveryRank(int failing) {
        org.junit.jupiter.api.Assumptions.assumeFalse(Worlds.underMpi());
        final long start = System.nanoTime();
        final IllegalStateException e = assertThrows(IllegalStateException.class, () -> org.gossipmpi.comm.local
            .LocalWorld.run(4, Worlds.TIMEOUT_NANOS, comm -> {
                final GossipWorld w = GossipWorld.of(comm);
                final float[] x = gaussians(100, comm.rank());
                try (Decentralized opt = Decentralized.builder(w).algorithm("adpsgd").build(x.length)) {
                    for (long t = 0; t < 1_000_000; t++) {
                        final long step = t;
                        opt.step(t, x, (at, g, progress) -> {
                            if (comm.rank() == failing && step == 50) {
                                throw new IllegalStateException("rank " + failing + " broke at step 50");
                            }
                            for (int i = 0; i < g.length; i++) {
                                g[i] = at[i];
                            }
                            pace(comm.rank(), step);
                            return 0;
                        }, 0.01);
                    }
                }
            }));
        assertEquals("rank " + failing + " broke at step 50", e.getMessage());
        final double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 10, "the ranks took " + seconds + " s to end");
    }

    /** A graph with an odd cycle, a compressor, overlap: each refused naming the setting and what to use. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("worlds")
    void whatAdPsgdCannotRunIsRefused(World world) throws Exception {
        world.run(comm -> {
            final GossipWorld w = GossipWorld.of(comm);
            final SettingException complete = assertThrows(SettingException.class,
                () -> Decentralized.builder(w).algorithm("adpsgd").topology("complete").build(10));
            assertTrue(complete.getMessage().contains("needs a bipartite graph") && complete.getMessage()
                .contains("ring of an even number of ranks"), complete.getMessage());
            final SettingException compressed = assertThrows(SettingException.class,
                () -> Decentralized.builder(w).algorithm("adpsgd").compressor("topk:0.1").build(10));
            assertTrue(compressed.getMessage().contains("adpsgd averages pairs of models exactly"),
                compressed.getMessage());
            final SettingException overlap = assertThrows(SettingException.class,
                () -> Decentralized.builder(w).algorithm("adpsgd").overlap(true).build(10));
            assertTrue(overlap.getMessage().contains("run it without"), overlap.getMessage());
            comm.barrier();
        });
    }
}
