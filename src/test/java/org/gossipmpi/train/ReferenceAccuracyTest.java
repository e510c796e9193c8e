package org.gossipmpi.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.gossipmpi.comm.local.LocalWorld;
import org.gossipmpi.algo.LocalStep;
import org.gossipmpi.data.Sharding;
import org.gossipmpi.kernel.Devices;
import org.junit.jupiter.api.Test;

/**
 * Centralized reference runs on Fashion-MNIST through the training code, against the dataset paper's
 * scikit-learn baselines (LogisticRegression 0.842, MLPClassifier with 100 ReLU units 0.871).
 */
class ReferenceAccuracyTest {

    static TrainConfig config(String model, double lr, double momentum, double epochs, int ranks) {
        return TrainConfig.builder().algorithm("allreduce").model(model).hidden(100).data("fashion-mnist")
            .batch(64)
            .lr(new LearningRate(LearningRate.Kind.INVERSE, lr, model.equals("mlp") ? 5000 : 2000, 0.1, 1000))
            .momentum(momentum == 0 ? LocalStep.Kind.NONE : LocalStep.Kind.HEAVY_BALL, momentum)
            .l2(0).epochs(epochs).shard(Sharding.iid).seed(1).evalEvery(1_000_000)
            .device(Devices.Kind.java).topology("ring").compressor("none").gamma(1).evalRows(0)
            .build();
    }

    static Training.Outcome train(TrainConfig config, int ranks) {
        final AtomicReference<Training.Outcome> outcome = new AtomicReference<>();
        final StringWriter log = new StringWriter();
        LocalWorld.run(ranks, TimeUnit.MINUTES.toNanos(2), comm -> {
            final Training.Outcome o = new Training(config, comm, new PrintWriter(log)).run();
            if (comm.rank() == 0) {
                outcome.set(o);
            }
        });
        return outcome.get();
    }

    @Test
    void softmaxReachesTheLogisticRegressionBaseline() {
        org.gossipmpi.testing.TestData.requireFashionMnist();
        final Training.Outcome o = train(config("softmax", 0.2, 0, 10, 1), 1);
        assertTrue(o.testAccuracy() >= 0.83, "softmax test accuracy " + o.testAccuracy());
    }

    @Test
    void mlpWithAHundredHiddenUnitsReachesTheMlpBaselineLevel() {
        org.gossipmpi.testing.TestData.requireFashionMnist();
        final Training.Outcome o = train(config("mlp", 0.05, 0.9, 5, 1), 1);
        assertTrue(o.testAccuracy() >= 0.86, "mlp test accuracy " + o.testAccuracy());
    }

    @Test
    void allreduceOnFourRanksGivesEveryRankTheSameModel() {
        org.gossipmpi.testing.TestData.requireFashionMnist();
        final float[][] models = new float[4][];
        final TrainConfig c = TrainConfig.builder().algorithm("allreduce").model("logistic").hidden(0)
            .data("fashion-mnist:binary").batch(32)
            .lr(new LearningRate(LearningRate.Kind.CONST, 0.1, 1, 1, 1)).l2(1e-4).steps(200)
            .shard(Sharding.iid).seed(7).evalEvery(100).device(Devices.Kind.java).topology("ring")
            .compressor("none").gamma(1).evalRows(0).build();
        LocalWorld.run(4, TimeUnit.MINUTES.toNanos(2), comm ->
            models[comm.rank()] = new Training(c, comm, new PrintWriter(new StringWriter())).run().model().clone());
        for (int r = 1; r < 4; r++) {
            for (int i = 0; i < models[0].length; i++) {
                assertEquals(models[0][i], models[r][i], 0f, "rank " + r + " parameter " + i);
            }
        }
    }

    @Test
    void badConfigurationsAreRefusedWithTheOptionAtFault() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.builder().algorithm("gossip").model("logistic").hidden(0).data("x").batch(1)
            .lr(new LearningRate(LearningRate.Kind.CONST, 0.1, 1, 1, 1)).l2(0).steps(10)
            .shard(Sharding.iid).seed(1).evalEvery(1).device(Devices.Kind.java).topology("ring")
            .compressor("none").gamma(1).evalRows(0).build());
        assertTrue(e.getMessage().contains("unknown algorithm 'gossip'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TrainConfig("allreduce", "logistic", 0, "x", null,
            0, 1, new LearningRate(LearningRate.Kind.CONST, 0.1, 1, 1, 1), LocalStep.Kind.NONE, 0, 0, 10, 2,
            Sharding.iid, 1, 1, Devices.Kind.java, "ring", "none", 1, false, Double.NaN, null, null, 0, org.gossipmpi.checkpoint.CheckpointSettings.NONE,
            org.gossipmpi.collective.AllreduceAverage.Kind.MPI));
        assertTrue(e.getMessage().contains("exactly one of steps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LearningRate(LearningRate.Kind.CONST, -1, 1, 1, 1));
        assertTrue(e.getMessage().contains("lr must be a positive finite number"), e.getMessage());
    }
}
