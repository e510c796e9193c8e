package org.gossipmpi.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import org.gossipmpi.comm.local.LocalWorld;
import org.gossipmpi.data.DataSources;
import org.gossipmpi.data.Dataset;
import org.gossipmpi.data.Labels;
import org.gossipmpi.data.Sharding;
import org.gossipmpi.kernel.GemmReference;
import org.gossipmpi.model.Batch;
import org.gossipmpi.model.LinearModel;
import org.gossipmpi.testing.SyntheticData;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A step through the public API allocates nothing in steady state: the gradient, compression, exchange and mixing
 * reuse their buffers, in every form (a computed gradient, a gradient the optimizer asks for, and mix).
 */
class SteadyStateAllocationTest {

    @ParameterizedTest(name = "{0}, {1}, {2}")
    @CsvSource({"dpsgd, none, step", "choco, topk:0.1, step", "choco, qsgd:8:biased, source", "dcd, natural, source",
        "ecd, randk:0.5:unbiased, step", "deepsqueeze, sign, source", "choco, topk-natdither:0.2:4, step",
        "allreduce, none, step", "choco, topk:0.1, mix", "dpsgd, fp16, mix", "allreduce, none, mix",
        "allreduce-ring-overlap, none, source"})
    void stepsAllocateNothing(String algorithm, String compressor, String form, @TempDir Path dir) throws Exception {
        final Path file = SyntheticData.binaryCsv(dir);
        final Dataset all = DataSources.load(file.toString(), null, 0).train();
        final Dataset train = Labels.binary(all).apply(all);
        final AtomicLongArray allocated = new AtomicLongArray(4);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        LocalWorld.run(4, TimeUnit.MINUTES.toNanos(1), comm -> {
            final boolean buckets = algorithm.equals("allreduce-ring-overlap");
            final Dataset data = buckets ? all : train; // the MLP takes the classes 0 and 1, the logistic model +-1
            final Dataset shard = data.subset(Sharding.iid.rows(data, comm.rank(), 4, 1), "shard");
            // the MLP reports its gradient's parts, which the overlapped ring takes into its buckets
            final org.gossipmpi.model.Model model = buckets
                ? new org.gossipmpi.model.Mlp(train.cols(), 5, 2, 0.01, new GemmReference())
                : LinearModel.logistic(train.cols(), 0.01, new GemmReference());
            final Batch batch = new Batch(shard).fill(shard, null, 0, 4);
            final Decentralized.Builder b = Decentralized.builder(GossipWorld.of(comm))
                .algorithm(buckets ? "allreduce" : algorithm).compressor(compressor).topology("ring").momentum(0.5)
                .nesterov(true);
            if (buckets) {
                b.allreduce("ring").overlap(true);
            }
            if (algorithm.startsWith("choco") || algorithm.equals("deepsqueeze")) {
                b.gamma(0.3);
            }
            try (Decentralized opt = b.build(model.dimension())) {
                final float[] x = new float[model.dimension()];
                if (buckets) {
                    model.initialize(x, 1);
                }
                final float[] g = new float[model.dimension()];
                final Gradient gradient = (w, out, progress) -> model.lossAndGradient(w, batch, out, progress);
                long before = 0;
                for (int t = 0; t < 1500; t++) {
                    if (t == 500) { // after the JIT has compiled the step
                        before = threads.getCurrentThreadAllocatedBytes();
                    }
                    switch (form) {
                        case "step":
                            model.lossAndGradient(x, batch, g);
                            opt.step(t, x, g, 0.1 * 100 / (100 + t));
                            break;
                        case "source":
                            opt.step(t, x, gradient, 0.1 * 100 / (100 + t));
                            break;
                        default:
                            model.lossAndGradient(x, batch, g);
                            for (int i = 0; i < x.length; i++) {
                                x[i] -= 0.05f * g[i];
                            }
                            opt.mix(t, x);
                    }
                }
                allocated.set(comm.rank(), threads.getCurrentThreadAllocatedBytes() - before);
            }
        });
        for (int r = 0; r < 4; r++) {
            assertTrue(allocated.get(r) < 16 * 1024, algorithm + " " + compressor + " " + form + ": rank " + r
                + " allocated " + allocated.get(r) + " bytes in 1,000 steps");
        }
    }
}
