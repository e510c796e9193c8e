package org.gossipmpi.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gossipmpi.comm.local.LocalWorld;
import org.gossipmpi.data.Sharding;
import org.gossipmpi.kernel.Devices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training time apart from evaluation: summary.json's train_seconds, eval_seconds and seconds_to_target,
 * history.csv's train_seconds, the loss-against-time plot, and the training loss estimated on a seeded sample
 * ({@code --eval-rows}).
 */
class RunTimingTest {

    static TrainConfig config(Path data, double target, Path out, int evalRows, long steps) {
        return TrainConfig.builder().algorithm("choco").model("logistic").hidden(0).data(data.toString()).batch(8)
            .lr(new LearningRate(LearningRate.Kind.CONST, 0.2, 1, 1, 1)).l2(1e-3).steps(steps)
            .shard(Sharding.iid).seed(3).evalEvery(10).device(Devices.Kind.java).topology("ring")
            .compressor("sign").gamma(0.4).targetLoss(target).out(out).evalRows(evalRows).build();
    }

    static Training.Outcome run(TrainConfig c) {
        final AtomicReference<Training.Outcome> outcome = new AtomicReference<>();
        LocalWorld.run(4, TimeUnit.MINUTES.toNanos(2), comm -> {
            final Training.Outcome o = new Training(c, comm, new PrintWriter(new StringWriter())).run();
            if (comm.rank() == 0) {
                outcome.set(o);
            }
        });
        return outcome.get();
    }

    private static String field(String json, String key) {
        final Matcher m = Pattern.compile("\"" + key + "\": ?([^,}\\n]+)").matcher(json);
        assertTrue(m.find(), key + " missing from " + json);
        return m.group(1).trim();
    }

    /** The numbers of the array {@code key} (the first one after the start of {@code json}). */
    private static double[] perRank(String json, String key) {
        final Matcher m = Pattern.compile("\"" + key + "\": ?\\[([^]]*)]").matcher(json);
        assertTrue(m.find(), key + " missing from " + json);
        final String[] items = m.group(1).split(",");
        final double[] v = new double[items.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Double.parseDouble(items[i].trim());
        }
        return v;
    }

    @Test
    void summaryAndHistorySeparateTrainingFromEvaluationAndTellTheTimeToTarget(@TempDir Path dir) throws Exception {
        final Path data = AlgorithmTrajectoryTest.dataFile();
        final Training.Outcome free = run(config(data, Double.NaN, dir, 0, 60));
        final double target = free.history().get(2).trainLoss(); // reached by step 30 of the same run
        int first = 0;
        while (free.history().get(first).trainLoss() > target) {
            first++;
        }
        final Training.Outcome reached = run(config(data, target, dir, 0, 60));
        assertTrue(reached.reachedTarget());
        assertEquals(free.history().get(first).step(), reached.steps(), "the run stops at the first evaluation at target");
        final String summary = Files.readString(dir.resolve(reached.run()).resolve("summary.json"),
            StandardCharsets.UTF_8);
        final double train = Double.parseDouble(field(summary, "train_seconds"));
        final double eval = Double.parseDouble(field(summary, "eval_seconds"));
        final double wall = Double.parseDouble(field(summary, "wall_seconds"));
        final double toTarget = Double.parseDouble(field(summary, "seconds_to_target"));
        assertTrue(train > 0 && eval > 0 && train + eval <= wall * 1.0001, summary);
        assertEquals(train, toTarget, 1e-9, "the run stopped at the target");
        assertEquals(reached.history().get(reached.history().size() - 1).trainSeconds(), toTarget, 1e-9);
        assertTrue(field(summary, "train_loss_on").contains("all"), summary);
        // Where a step's time goes: every phase's mean per step, and the whole step's, which they account for.
        final String step = summary.substring(summary.indexOf("\"step_rank0\""));
        final double stepMean = Double.parseDouble(field(step, "mean_us"));
        final double share = Double.parseDouble(field(step, "in_no_phase_share"));
        assertTrue(stepMean > 0 && share > -1e-9 && share < 1, step);
        double phases = 0;
        for (String phase : new String[] {"gradient", "compress", "exchange", "mix"}) {
            final String ph = summary.substring(summary.indexOf("\"" + phase + "\""));
            phases += Double.parseDouble(field(ph, "mean_us_per_step"));
        }
        assertEquals(1 - phases / stepMean, share, 1e-6, "the share is what the phases leave of the step");
        // Every rank's pace: one mean step and one mean per phase a rank, rank 0's the same as step_rank0's.
        final double[] steps = perRank(summary, "step_mean_us_per_rank");
        final String perPhase = summary.substring(summary.indexOf("\"phase_mean_us_per_rank\""));
        final double[] gradients = perRank(perPhase, "gradient");
        assertEquals(4, steps.length, summary);
        assertEquals(4, gradients.length, summary);
        assertEquals(stepMean, steps[0], 0.051 + 1e-6 * stepMean, summary);
        final String gradient0 = summary.substring(summary.indexOf("\"gradient\""));
        final double gradientMean = Double.parseDouble(field(gradient0, "mean_us_per_step"));
        assertEquals(gradientMean, gradients[0], 0.051 + 1e-6 * gradientMean, summary);
        for (int r = 0; r < 4; r++) {
            assertTrue(steps[r] > 0 && gradients[r] > 0 && gradients[r] < steps[r] * 1.001, "rank " + r + ": " + summary);
        }
        // Every rank's start-up and its parts, which add up to it (each rounded to 0.01 s).
        final double[] startup = perRank(summary, "startup_seconds_per_rank");
        final String parts = summary.substring(summary.indexOf("\"startup_parts_seconds_per_rank\""));
        final double[] launch = perRank(parts, "launch");
        final double[] reading = perRank(parts, "data");
        final double[] rest = perRank(parts, "model_and_optimizer");
        for (int r = 0; r < 4; r++) {
            assertTrue(launch[r] > 0 && reading[r] >= 0 && rest[r] >= 0, "rank " + r + ": " + summary);
            assertEquals(startup[r], launch[r] + reading[r] + rest[r], 0.0301, "rank " + r + ": " + summary);
        }
        // The heap a step allocates is counted over the run's second half, which this run, stopped at its target
        // by step 30 of 60, never began: -1 on every rank.
        assertEquals("[-1.0, -1.0, -1.0, -1.0]",
            java.util.Arrays.toString(perRank(summary, "step_heap_bytes_per_rank")), summary);
        assertEquals("[-1.0, -1.0, -1.0, -1.0]",
            java.util.Arrays.toString(perRank(summary, "step_heap_allocating_share_per_rank")), summary);

        final List<String> history = Files.readAllLines(dir.resolve(reached.run()).resolve("history.csv"));
        assertTrue(history.get(0).endsWith(",seconds,train_seconds"), history.get(0));
        double previous = 0;
        for (String line : history.subList(1, history.size())) {
            final String[] f = line.split(",");
            final double trainSeconds = Double.parseDouble(f[8]);
            // written to the millisecond: equal neighbours are possible on a fast machine, a decrease is not
            assertTrue(trainSeconds >= previous && trainSeconds <= Double.parseDouble(f[7]), line);
            previous = trainSeconds;
        }

        final Training.Outcome never = run(config(data, 0, dir, 0, 20)); // a logistic loss is never 0
        assertTrue(!never.reachedTarget());
        final String neverSummary = Files.readString(dir.resolve(never.run()).resolve("summary.json"));
        final double[] heap = perRank(neverSummary, "step_heap_bytes_per_rank");
        assertEquals(4, heap.length, neverSummary);
        final double[] allocating = perRank(neverSummary, "step_heap_allocating_share_per_rank");
        assertEquals(4, allocating.length, neverSummary);
        for (int r = 0; r < 4; r++) {
            assertTrue(heap[r] >= 0, "every rank counted the steps of its second half: " + neverSummary);
            // a share of steps, 0 exactly where no byte was counted
            assertTrue(allocating[r] >= 0 && allocating[r] <= 1 && (allocating[r] == 0) == (heap[r] == 0),
                "rank " + r + ": " + neverSummary);
        }
        assertEquals("null", field(neverSummary, "seconds_to_target"));

        final List<Path> plots = RunFiles.plot(dir);
        assertTrue(plots.contains(dir.resolve("loss-vs-time.png")), plots.toString());
        final byte[] png = Files.readAllBytes(dir.resolve("loss-vs-time.png"));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "not a PNG");
    }

    @Test
    void theTrainingLossIsEstimatedOnASeededSampleOfTheGivenSize() {
        final Path data;
        try {
            data = AlgorithmTrajectoryTest.dataFile();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        final Training.Outcome all = run(config(data, Double.NaN, null, 0, 20));
        final Training.Outcome sample = run(config(data, Double.NaN, null, 20, 20));
        final Training.Outcome again = run(config(data, Double.NaN, null, 20, 20));
        assertTrue(sample.lossEstimatedOn().startsWith("a seeded sample of 20 of the 48"), sample.lossEstimatedOn());
        assertTrue(all.lossEstimatedOn().startsWith("all "), all.lossEstimatedOn());
        assertEquals(sample.trainLoss(), again.trainLoss(), "the sample depends on the seed alone");
        assertNotEquals(all.trainLoss(), sample.trainLoss(), "a sample of 20 rows gives another estimate");
        assertTrue(Math.abs(all.trainLoss() - sample.trainLoss()) < 0.5 * all.trainLoss(),
            all.trainLoss() + " vs " + sample.trainLoss());
        assertEquals(java.util.Arrays.toString(all.model()), java.util.Arrays.toString(sample.model()),
            "evaluation does not change the training");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> config(data, Double.NaN, null, -2, 20));
        assertTrue(e.getMessage().startsWith("evalRows must be >= 0"), e.getMessage());
    }
}
