package org.gossipmpi.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingConfig;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.HashSet;
import java.util.Set;
import org.gossipmpi.api.GossipWorld;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The flattened parameters of a DJL block: gather and scatter round-trip every parameter shape (4-D
 * convolution weights, 2-D linear weights, 1-D biases and BatchNorm's four vectors), BatchNorm's running
 * statistics are in or out as asked, and ranks that built different networks are refused by name and shape.
 */
class ParameterVectorTest {

    /** Conv2d (4-D weight, bias), BatchNorm (gamma, beta, running mean and variance), Linear (2-D, bias). */
    private static Block network(int outputs) {
        return new SequentialBlock()
            .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build())
            .add(BatchNorm.builder().build())
            .add(Blocks.batchFlattenBlock())
            .add(Linear.builder().setUnits(outputs).build());
    }

    private static Block initialized(NDManager manager, int outputs) {
        final Block block = network(outputs);
        block.setInitializer(new NormalInitializer(0.1f), ai.djl.nn.Parameter.Type.WEIGHT);
        block.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 6, 6));
        return block;
    }

    @Test
    void gatherAndScatterRoundTripEveryShape() {
        try (NDManager manager = NDManager.newBaseManager()) {
            final Block block = initialized(manager, 10);
            final ParameterVector vector = ParameterVector.of(block, ParameterVector.Buffers.MIX);
            assertEquals(0, vector.copiedParameters(), "CPU tensors are viewed, not copied");
            final Set<Integer> ranks = new HashSet<>();
            long expected = 0;
            for (int i = 0; i < vector.parameters(); i++) {
                ranks.add(vector.shape(i).dimension());
                expected += vector.shape(i).size();
            }
            assertEquals(Set.of(1, 2, 4), ranks, "1-D, 2-D and 4-D parameters");
            assertEquals(expected, vector.dimension());

            final float[] x = new float[vector.dimension()];
            vector.gather(x);
            int i = 0;
            for (var entry : block.getParameters()) {
                final float[] own = entry.getValue().getArray().toFloatArray();
                final float[] part = new float[own.length];
                System.arraycopy(x, vector.offset(i), part, 0, own.length);
                assertArrayEquals(own, part, entry.getKey() + " gathered");
                i++;
            }

            for (int k = 0; k < x.length; k++) {
                x[k] = 0.001f * k - 0.5f;
            }
            vector.scatter(x);
            i = 0;
            for (var entry : block.getParameters()) {
                final float[] own = entry.getValue().getArray().toFloatArray();
                for (int k = 0; k < own.length; k++) {
                    assertEquals(x[vector.offset(i) + k], own[k], entry.getKey() + " written back at " + k);
                }
                i++;
            }
            final float[] again = new float[x.length];
            vector.gather(again);
            assertArrayEquals(x, again, "gather after scatter");
        }
    }

    /** DJL's SGD and Adam on PyTorch write into the tensors, so views taken before a step see its result. */
    @ParameterizedTest
    @ValueSource(strings = {"sgd", "adam"})
    void viewsSeeTheOptimizersSteps(String optimizerName) {
        final Optimizer optimizer = optimizerName.equals("sgd")
            ? Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).optMomentum(0.9f).build()
            : Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build();
        try (Model model = Model.newInstance("net")) {
            model.setBlock(network(10));
            final TrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer);
            try (Trainer trainer = model.newTrainer(config)) {
                final Shape input = new Shape(2, 1, 6, 6);
                trainer.initialize(input);
                final ParameterVector vector = ParameterVector.of(model.getBlock(), ParameterVector.Buffers.MIX);
                final float[] before = new float[vector.dimension()];
                vector.gather(before);
                final NDManager manager = trainer.getManager();
                for (int step = 0; step < 3; step++) {
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        final NDList data = new NDList(manager.randomNormal(input));
                        final NDList labels = new NDList(manager.create(new float[] {1, 3}));
                        final NDArray loss = trainer.getLoss().evaluate(labels, trainer.forward(data, labels));
                        collector.backward(loss);
                    }
                    trainer.step();
                }
                final float[] after = new float[vector.dimension()];
                vector.gather(after);
                int i = 0;
                for (var entry : model.getBlock().getParameters()) {
                    final float[] own = entry.getValue().getArray().toFloatArray();
                    final float[] part = new float[own.length];
                    System.arraycopy(after, vector.offset(i), part, 0, own.length);
                    assertArrayEquals(own, part, entry.getKey() + " seen through the view after 3 steps");
                    i++;
                }
                assertTrue(!java.util.Arrays.equals(before, after), "the steps changed the parameters");
            }
        }
    }

    @Test
    void runningStatisticsAreLeftOutWhenLocal() {
        try (NDManager manager = NDManager.newBaseManager()) {
            final Block block = initialized(manager, 10);
            final ParameterVector mixed = ParameterVector.of(block, ParameterVector.Buffers.MIX);
            final ParameterVector local = ParameterVector.of(block, ParameterVector.Buffers.LOCAL);
            assertEquals(mixed.parameters() - 2, local.parameters(), "running mean and variance left out");
            assertEquals(mixed.dimension() - 2 * 4, local.dimension(), "4 channels of each statistic");
            for (int i = 0; i < local.parameters(); i++) {
                assertTrue(!local.name(i).contains("running"), local.name(i));
            }
            int running = 0;
            while (!block.getParameters().get(running).getKey().contains("running")) {
                running++;
            }
            final float[] before = block.getParameters().get(running).getValue().getArray().toFloatArray();
            final float[] x = new float[local.dimension()];
            java.util.Arrays.fill(x, 7f);
            local.scatter(x);
            assertArrayEquals(before, block.getParameters().get(running).getValue().getArray().toFloatArray(),
                "a local statistic is not written");
        }
    }

    @Test
    void uninitializedBlocksAndShortVectorsAreRefused() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ParameterVector.of(network(10), ParameterVector.Buffers.MIX));
        assertTrue(e.getMessage().contains("not initialized"), e.getMessage());
        try (NDManager manager = NDManager.newBaseManager()) {
            final ParameterVector vector = ParameterVector.of(initialized(manager, 10), ParameterVector.Buffers.MIX);
            final IllegalArgumentException shortVector = assertThrows(IllegalArgumentException.class,
                () -> vector.gather(new float[vector.dimension() - 1]));
            assertTrue(shortVector.getMessage().contains(String.valueOf(vector.dimension())), shortVector.getMessage());
        }
    }

    @Test
    void sameNetworksAgree() {
        final String[] failures = new String[3];
        GossipWorld.run(new String[] {"--ranks", "3"}, world -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                ParameterVector.of(initialized(manager, 10), ParameterVector.Buffers.MIX).checkSameOnAllRanks(world);
            } catch (IllegalStateException e) {
                failures[world.rank()] = e.getMessage();
            }
        });
        for (String failure : failures) {
            assertNull(failure);
        }
    }

    @Test
    void differentNetworksAreRefusedOnEveryRankNamingTheParameter() {
        final String[] failures = new String[3];
        GossipWorld.run(new String[] {"--ranks", "3"}, world -> {
            try (NDManager manager = NDManager.newBaseManager()) {
                final int outputs = world.rank() == 2 ? 11 : 10;
                ParameterVector.of(initialized(manager, outputs), ParameterVector.Buffers.MIX)
                    .checkSameOnAllRanks(world);
            } catch (IllegalStateException e) {
                failures[world.rank()] = e.getMessage();
            }
        });
        assertTrue(failures[2] != null && failures[2].contains("(11, 64)") && failures[2].contains("(10, 64)")
            && failures[2].contains("weight"), String.valueOf(failures[2]));
        for (int rank = 0; rank < 2; rank++) {
            assertTrue(failures[rank] != null && failures[rank].contains("another rank"), String.valueOf(failures[rank]));
        }
    }
}
