package org.gossipmpi.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.gossipmpi.comm.local.LocalWorld;
import org.gossipmpi.data.Sharding;
import org.gossipmpi.kernel.Devices;
import org.junit.jupiter.api.Test;

/**
 * Bytes to a target loss on real data, the CHOCO paper's comparison: logistic regression on Fashion-MNIST's
 * T-shirt/top vs Shirt task, a ring of 8 in-process ranks, batch 32, l2 1e-4, eta_t = 0.1 * 1000 / (1000 + t).
 * L is the training loss of the averaged model that exact D-PSGD reaches after T = 4000 steps.
 */
class BytesToTargetTest {
    static final long T = 4000;

    static Training.Outcome run(String algorithm, String compressor, double gamma, Sharding shard, long steps,
                                double target) {
        final TrainConfig c = TrainConfig.builder().algorithm(algorithm).model("logistic").hidden(0).data("fashion-mnist:binary")
            .batch(32).lr(new LearningRate(LearningRate.Kind.INVERSE, 0.1, 1000, 1, 1)).l2(1e-4)
            .steps(steps).shard(shard).seed(1).evalEvery(100).device(Devices.Kind.java)
            .topology("ring").compressor(compressor).gamma(gamma).targetLoss(target).evalRows(0)
            .build();
        final AtomicReference<Training.Outcome> outcome = new AtomicReference<>();
        LocalWorld.run(8, TimeUnit.MINUTES.toNanos(5), comm -> {
            final Training.Outcome o = new Training(c, comm, new PrintWriter(new StringWriter())).run();
            if (comm.rank() == 0) {
                outcome.set(o);
            }
        });
        final Training.Outcome o = outcome.get();
        System.out.printf("%s %s %s: %d steps, loss %.5f, %.3f MB, target %s%n", shard, algorithm, compressor,
            o.steps(), o.trainLoss(), o.bytesTotal() / 1e6, o.reachedTarget() ? "reached" : "not reached");
        return o;
    }

    private static void assumeData() {
        org.gossipmpi.testing.TestData.requireFashionMnist();
    }

    @Test
    void iidShardsChocoReachesDpsgdsLossWithFarFewerBytes() {
        assumeData();
        final Training.Outcome dpsgd = run("dpsgd", "none", 1, Sharding.iid, T, Double.NaN);
        final double target = dpsgd.trainLoss();
        final Training.Outcome topk = run("choco", "topk:0.01", 0.04, Sharding.iid, T * 3 / 2, target);
        assertTrue(topk.reachedTarget(), "choco topk:0.01 did not reach " + target + " within 1.5T");
        assertTrue(dpsgd.bytesTotal() / topk.bytesTotal() >= 40, "topk:0.01 sent only "
            + dpsgd.bytesTotal() / topk.bytesTotal() + "x fewer bytes");
        final Training.Outcome sign = run("choco", "sign", 0.45, Sharding.iid, 2 * T, target);
        assertTrue(sign.reachedTarget(), "choco sign did not reach " + target + " within 2T");
        assertTrue(dpsgd.bytesTotal() / sign.bytesTotal() >= 15, "sign sent only "
            + dpsgd.bytesTotal() / sign.bytesTotal() + "x fewer bytes");
    }

    @Test
    void sortedShardsChocoAndDeepSqueezeWithSignReachItDcdWithRandkDoesNot() {
        assumeData();
        final Training.Outcome dpsgd = run("dpsgd", "none", 1, Sharding.sorted, T, Double.NaN);
        final double target = dpsgd.trainLoss();
        final Training.Outcome choco = run("choco", "sign", 0.45, Sharding.sorted, 2 * T, target);
        assertTrue(choco.reachedTarget(), "choco sign did not reach " + target + " within 2T on sorted shards");
        assertTrue(dpsgd.bytesTotal() / choco.bytesTotal() >= 15, "choco sign sent only "
            + dpsgd.bytesTotal() / choco.bytesTotal() + "x fewer bytes");
        final Training.Outcome squeeze = run("deepsqueeze", "sign", 0.45, Sharding.sorted, 3 * T, target);
        assertTrue(squeeze.reachedTarget(), "deepsqueeze sign did not reach " + target + " within 3T");
        // DCD with aggressive unbiased compression stalls or diverges (the paper's finding): either way it
        // does not reach the target within 3T.
        boolean reached;
        try {
            reached = run("dcd", "randk:0.01:unbiased", 1, Sharding.sorted, 3 * T, target).reachedTarget();
        } catch (IllegalArgumentException | IllegalStateException diverged) {
            assertTrue(diverged.getMessage().contains("diverged"), diverged.getMessage());
            reached = false;
        }
        assertTrue(!reached, "dcd with randk:0.01:unbiased reached the target, against the paper's finding");
    }
}
