package org.gossipmpi.algo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import org.gossipmpi.comm.local.LocalWorld;
import org.gossipmpi.compress.Compressors;
import org.gossipmpi.data.DataSources;
import org.gossipmpi.data.Dataset;
import org.gossipmpi.data.Labels;
import org.gossipmpi.data.Sharding;
import org.gossipmpi.kernel.GemmReference;
import org.gossipmpi.metrics.PhaseTimers;
import org.gossipmpi.model.LinearModel;
import org.gossipmpi.topology.Topologies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A training step allocates nothing in steady state: gradient, compression, exchange and mixing reuse buffers. */
class SteadyStateAllocationTest {

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"dpsgd, none", "choco, topk:0.1", "choco, qsgd:8:biased", "dcd, natural", "ecd, randk:0.5:unbiased",
        "deepsqueeze, sign", "choco, topk-natdither:0.2:4", "allreduce, none"})
    void stepsAllocateNothing(String algorithm, String compressor) throws Exception {
        final Path file = AlgorithmTrajectoryTest.dataFile();
        final Dataset all = DataSources.load(file.toString(), null, 0).train();
        final Dataset train = Labels.binary(all).apply(all);
        final AtomicLongArray allocated = new AtomicLongArray(4);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        LocalWorld.run(4, TimeUnit.MINUTES.toNanos(1), comm -> {
            final Dataset shard = train.subset(Sharding.iid.rows(train, comm.rank(), 4, 1), "shard");
            final LinearModel model = LinearModel.logistic(train.cols(), 0.01, new GemmReference());
            final Algorithm a = Algorithms.create(algorithm, comm, model, new MinibatchSampler(shard, 4, 1, comm.rank()),
                new LearningRate(LearningRate.Kind.INVERSE, 0.1, 100, 1, 1),
                new LocalStep(LocalStep.Kind.NESTEROV, 0.5, model.dimension()), Topologies.parse("ring", 4),
                Compressors.parse(compressor, 1, comm.rank()), 0.3, false, new PhaseTimers(), 1, null);
            long before = 0;
            for (int t = 0; t < 1500; t++) {
                if (t == 500) { // after the JIT has compiled the step
                    before = threads.getCurrentThreadAllocatedBytes();
                }
                a.step(t);
            }
            allocated.set(comm.rank(), threads.getCurrentThreadAllocatedBytes() - before);
        });
        for (int r = 0; r < 4; r++) {
            assertTrue(allocated.get(r) < 16 * 1024, algorithm + " " + compressor + ": rank " + r + " allocated "
                + allocated.get(r) + " bytes in 1,000 steps");
        }
    }
}
