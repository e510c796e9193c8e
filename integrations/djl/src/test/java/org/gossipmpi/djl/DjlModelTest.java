package org.gossipmpi.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.gossipmpi.config.SettingException;
import org.gossipmpi.data.Dataset;
import org.gossipmpi.model.Batch;
import org.gossipmpi.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A DJL network as a gossip-mpi model: its gradient, flattened in the network's parameter order, equals DJL's own
 * gradient tensors computed apart, at every step (so the gradient views are neither stale nor accumulating); the
 * initialisation is the seed's; BatchNorm's running statistics are the model's buffers; the L2 term covers the
 * weights only; data of another shape is refused.
 */
class DjlModelTest {
    private static final int ROWS = 16;
    private static final int PIXELS = Networks.IMAGE * Networks.IMAGE;

    private static Dataset images(long seed) {
        return images(seed, ROWS);
    }

    private static Dataset images(long seed, int rows) {
        final SplittableRandom r = new SplittableRandom(seed);
        final float[] x = new float[rows * PIXELS];
        final float[] y = new float[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(10);
        }
        return Dataset.dense("random images", rows, PIXELS, 10, y, x);
    }

    private static Batch batch(Dataset d) {
        return new Batch(d).fill(d, null, 0, d.rows());
    }

    /** DJL's gradient of the mean cross-entropy at w, computed on a network of its own, flattened in order. */
    private static float[] djlGradient(String net, float[] w, Dataset d) {
        try (NDManager m = NDManager.newBaseManager()) {
            final Block block = Networks.of(net, 10);
            block.initialize(m, DataType.FLOAT32, Networks.input(1));
            final ParameterVector p = ParameterVector.of(block, ParameterVector.Buffers.LOCAL);
            p.scatter(w);
            final NDArray input = m.create(Arrays.copyOf(d.denseValues(), ROWS * PIXELS), Networks.input(ROWS));
            final float[] labels = new float[ROWS];
            for (int i = 0; i < ROWS; i++) {
                labels[i] = d.target(i);
            }
            try (GradientCollector c = m.getEngine().newGradientCollector()) {
                final NDList out = block.forward(new ParameterStore(m, false), new NDList(input), true);
                c.backward(Loss.softmaxCrossEntropyLoss().evaluate(new NDList(m.create(labels)), out));
            }
            final float[] g = new float[p.dimension()];
            int k = 0;
            for (Pair<String, Parameter> e : block.getParameters()) {
                if (e.getValue().requiresGradient()) {
                    final float[] part = e.getValue().getArray().getGradient().toFloatArray();
                    System.arraycopy(part, 0, g, k, part.length);
                    k += part.length;
                }
            }
            assertEquals(g.length, k);
            return g;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lenet5", "resnet20"})
    void gradientIsDjlsOwnAtEveryStep(String net) {
        try (Model model = new DjlModels().create(net, PIXELS, 10, 0)) {
            final float[] w = new float[model.dimension()];
            model.initialize(w, 11);
            final float[] g = new float[w.length];
            for (int step = 0; step < 3; step++) {
                final Dataset d = images(step);
                model.lossAndGradient(w, batch(d), g);
                final float[] expected = djlGradient(net, w, d);
                for (int i = 0; i < g.length; i++) {
                    assertEquals(expected[i], g[i], 1e-5f + 1e-4f * Math.abs(expected[i]),
                        net + ", step " + step + ", coordinate " + i);
                }
                for (int i = 0; i < w.length; i++) {
                    w[i] -= 0.1f * g[i];
                }
            }
        }
    }

    /**
     * An evaluation batch longer than {@link DjlModel#EVALUATION_ROWS}, taken in parts: its loss sum and number
     * correct are those of DJL's own inference over the whole batch at once (every row counted once, with its own
     * label).
     */
    @ParameterizedTest
    @ValueSource(strings = {"lenet5", "resnet20"})
    void evaluationInPartsIsDjlsInferenceOverTheBatch(String net) {
        final int rows = 2 * DjlModel.EVALUATION_ROWS + 5;
        final Dataset d = images(3, rows);
        try (Model model = new DjlModels().create(net, PIXELS, 10, 0); NDManager m = NDManager.newBaseManager()) {
            final float[] w = new float[model.dimension()];
            model.initialize(w, 4);
            final double[] sums = new double[2];
            model.evaluate(w, batch(d), sums);

            final Block block = Networks.of(net, 10);
            block.initialize(m, DataType.FLOAT32, Networks.input(1));
            ParameterVector.of(block, ParameterVector.Buffers.LOCAL).scatter(w);
            final NDArray input = m.create(Arrays.copyOf(d.denseValues(), rows * PIXELS), Networks.input(rows));
            final float[] labels = new float[rows];
            for (int i = 0; i < rows; i++) {
                labels[i] = d.target(i);
            }
            final NDList out = block.forward(new ParameterStore(m, false), new NDList(input), false);
            final double loss = Loss.softmaxCrossEntropyLoss().evaluate(new NDList(m.create(labels)), out).getFloat();
            final long correct = out.singletonOrThrow().argMax(1).toType(DataType.FLOAT32, false)
                .eq(m.create(labels)).countNonzero().getLong();
            assertEquals(loss * rows, sums[0], 1e-4 * rows * Math.abs(loss), net + ": the loss summed over the rows");
            assertEquals(correct, sums[1], net + ": the rows classified correctly");
        }
    }

    @Test
    void initialisationIsTheSeeds() {
        try (Model a = new DjlModels().create("lenet5", PIXELS, 10, 0);
             Model b = new DjlModels().create("lenet5", PIXELS, 10, 0)) {
            final float[] wa = new float[a.dimension()];
            final float[] wb = new float[b.dimension()];
            a.initialize(wa, 5);
            b.initialize(wb, 5);
            assertArrayEquals(wa, wb);
            b.initialize(wb, 6);
            assertFalse(Arrays.equals(wa, wb));
            assertEquals(61_706, a.dimension());
        }
    }

    @Test
    void batchNormStatisticsAreTheBuffers() {
        try (Model model = new DjlModels().create("resnet20", PIXELS, 10, 0)) {
            final float[] w = new float[model.dimension()];
            model.initialize(w, 1);
            assertTrue(model.bufferLength() > 0);
            final float[] before = new float[model.bufferLength()];
            model.readBuffers(before);
            final Dataset d = images(1);
            final double[] sums = new double[2];
            model.evaluate(w, batch(d), sums);
            final float[] same = new float[before.length];
            model.readBuffers(same);
            assertArrayEquals(before, same, "an evaluation changed the running statistics");
            model.lossAndGradient(w, batch(d), new float[w.length]);
            final float[] after = new float[before.length];
            model.readBuffers(after);
            assertFalse(Arrays.equals(before, after), "a training pass left the running statistics alone");
            model.writeBuffers(before);
            model.readBuffers(same);
            assertArrayEquals(before, same);
            final double[] again = new double[2];
            model.evaluate(w, batch(d), again);
            assertArrayEquals(sums, again, 1e-9, "the restored statistics evaluate as before");
        }
        try (Model lenet = new DjlModels().create("lenet5", PIXELS, 10, 0)) {
            assertEquals(0, lenet.bufferLength());
        }
    }

    @Test
    void l2CoversTheWeightsOnly() {
        try (Model plain = new DjlModels().create("lenet5", PIXELS, 10, 0);
             Model l2 = new DjlModels().create("lenet5", PIXELS, 10, 0.5)) {
            final float[] w = new float[plain.dimension()];
            plain.initialize(w, 2);
            Arrays.fill(w, w.length - 10, w.length, 0.25f); // the last layer's biases
            final float[] g0 = new float[w.length];
            final float[] g1 = new float[w.length];
            final Dataset d = images(3);
            final double loss0 = plain.lossAndGradient(w, batch(d), g0);
            final double loss1 = l2.lossAndGradient(w, batch(d), g1);
            assertEquals(loss0 + l2.regularization(w), loss1, 1e-5);
            assertTrue(l2.regularization(w) > 0);
            assertEquals(g0[0] + 0.5f * w[0], g1[0], 1e-5f, "the first convolution's weight");
            for (int i = w.length - 10; i < w.length; i++) {
                assertEquals(g0[i], g1[i], 1e-6f, "bias " + i);
            }
        }
    }

    /** Saved in DJL's format, the network loads into DJL with this rank's parameters and running statistics. */
    @Test
    void savedNetworkLoadsIntoDjl(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (Model model = new DjlModels().create("resnet20", PIXELS, 10, 0)) {
            final float[] w = new float[model.dimension()];
            model.initialize(w, 4);
            model.lossAndGradient(w, batch(images(2)), new float[w.length]); // running statistics move
            final float[] buffers = new float[model.bufferLength()];
            model.readBuffers(buffers);
            model.saveNative(dir, 3, w);
            final double[] before = new double[2];
            model.evaluate(w, batch(images(5)), before);
            try (ai.djl.Model loaded = ai.djl.Model.newInstance("resnet20")) {
                loaded.setBlock(Networks.of("resnet20", 10));
                loaded.load(dir, "rank-3-resnet20");
                final float[] got = new float[w.length];
                ParameterVector.of(loaded.getBlock(), ParameterVector.Buffers.LOCAL).gather(got);
                assertArrayEquals(w, got);
                final float[] gotBuffers = new float[buffers.length];
                ParameterVector.withoutGradients(loaded.getBlock()).gather(gotBuffers);
                assertArrayEquals(buffers, gotBuffers);
            }
            final double[] after = new double[2];
            model.evaluate(w, batch(images(5)), after);
            assertArrayEquals(before, after, 0, "saving changed the model");
            // Saved again: the file is replaced (DJL alone numbers it on, -0001), and no directory of the
            // rank's own (where DJL writes before the file is renamed into place) is left behind.
            model.saveNative(dir, 3, w);
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
                assertEquals(java.util.List.of("rank-3-resnet20-0000.params"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
            }
        }
    }

    @Test
    void otherImageSizesAreRefused() {
        final SettingException e = assertThrows(SettingException.class,
            () -> new DjlModels().create("lenet5", 100, 10, 0));
        assertTrue(e.getMessage().contains("28x28"), e.getMessage());
    }
}
