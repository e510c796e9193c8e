package org.gossipmpi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.gossipmpi.testing.SyntheticData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoints and --resume, in-process with 4 ranks through the command line: a run continued from a
 * checkpoint ends with byte-identical model files to an uninterrupted one, for every algorithm; a checkpoint
 * left half-written (no marker, a truncated file) is passed over for the previous one; a checkpoint of other
 * settings, a damaged one, or one of another rank count is refused by name; old ones are pruned.
 */
class CheckpointResumeTest {
    @TempDir
    static Path dir;
    static String data;

    @BeforeAll
    static void files() throws IOException {
        data = SyntheticData.binaryCsv(dir).toString();
    }

    private static String[] train(Path work, String algorithm, long steps, String... extra) {
        final List<String> args = new ArrayList<>(List.of("train", "--ranks", "4", "--data", data, "--model", "logistic",
            "--eval-every", "10", "--seed", "5", "--device", "java",
            "--steps", Long.toString(steps), "--save-model", work.resolve("model").toString(),
            "--out", work.resolve("out").toString(), "--overwrite"));
        args.addAll(switch (algorithm) {
            case "choco" -> List.of("--algorithm", "choco", "--compressor", "topk:0.3", "--gamma", "0.4");
            case "choco-gossip" -> List.of("--algorithm", "choco-gossip", "--compressor", "qsgd:4:biased", "--gamma", "0.3");
            case "dcd" -> List.of("--algorithm", "dcd", "--compressor", "qsgd:16", "--overlap");
            case "ecd" -> List.of("--algorithm", "ecd", "--compressor", "qsgd:16");
            case "deepsqueeze" -> List.of("--algorithm", "deepsqueeze", "--compressor", "sign", "--gamma", "0.2");
            case "dpsgd" -> List.of("--algorithm", "dpsgd", "--momentum", "0.9", "--overlap");
            case "allreduce" -> List.of("--algorithm", "allreduce", "--momentum", "0.9", "--nesterov");
            default -> List.of("--algorithm", algorithm);
        });
        if (!algorithm.equals("choco-gossip")) { // which takes no gradient step, and refuses its options
            args.addAll(List.of("--batch", "8", "--lr", "0.2"));
        }
        args.addAll(List.of(extra));
        final String[] r = MainTest.run(args.toArray(new String[0]));
        return r;
    }

    private static List<byte[]> models(Path work) throws IOException {
        final List<byte[]> m = new ArrayList<>();
        for (int rank = 0; rank < 4; rank++) {
            m.add(Files.readAllBytes(work.resolve("model").resolve("rank-" + rank + ".txt")));
        }
        return m;
    }

    private static void assertSameModels(List<byte[]> expected, List<byte[]> got, String what) {
        for (int rank = 0; rank < expected.size(); rank++) {
            assertArrayEquals(expected.get(rank), got.get(rank), what + ": rank " + rank + "'s model differs");
        }
    }

    private static Path run(Path work) throws IOException {
        try (Stream<Path> s = Files.list(work.resolve("ckpt"))) {
            return s.findFirst().orElseThrow();
        }
    }

    private static List<String> stepDirs(Path runDir) throws IOException {
        try (Stream<Path> s = Files.list(runDir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-")).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"choco", "choco-gossip", "dcd", "ecd", "deepsqueeze", "dpsgd", "allreduce"})
    void aResumedRunEndsWithTheUninterruptedRunsModels(String algorithm, @TempDir Path work) throws IOException {
        final String[] whole = train(work.resolve("whole"), algorithm, 40);
        assertEquals("0", whole[0], whole[2]);
        final List<byte[]> expected = models(work.resolve("whole"));

        // Stopped after 25 steps (checkpoints at 10, 20 and the end, 25), then continued to 40.
        final Path split = work.resolve("split");
        final String ckpt = split.resolve("ckpt").toString();
        String[] r = train(split, algorithm, 25, "--checkpoint", ckpt, "--checkpoint-every", "10");
        assertEquals("0", r[0], r[2]);
        assertEquals(List.of("step-000000000020", "step-000000000025"), stepDirs(run(split)), "the last 2 are kept");
        r = train(split, algorithm, 40, "--checkpoint", ckpt, "--checkpoint-every", "10", "--resume");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("resume: continuing from the checkpoint of step 25"), r[1]);
        assertSameModels(expected, models(split), algorithm + " resumed at 25");

        // Killed while writing the last checkpoint (step 40): no marker, a file cut short, a stray temporary file.
        final Path runDir = run(split);
        assertEquals(List.of("step-000000000030", "step-000000000040"), stepDirs(runDir));
        final Path step40 = runDir.resolve("step-000000000040");
        Files.delete(step40.resolve("COMPLETE"));
        final byte[] whole1 = Files.readAllBytes(step40.resolve("rank-1.ckpt"));
        Files.write(step40.resolve("rank-1.ckpt"), Arrays.copyOf(whole1, whole1.length / 2));
        Files.writeString(step40.resolve(".rank-2.ckpt.123.tmp"), "half");
        r = train(split, algorithm, 40, "--checkpoint", ckpt, "--checkpoint-every", "10", "--resume");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("continuing from the checkpoint of step 30"), r[1]);
        assertSameModels(expected, models(split), algorithm + " resumed after a half-written checkpoint");
    }

    /**
     * An asynchronous run (adpsgd) checkpoints at its pauses, where every rank stopped with no message in flight, and
     * resumes from the last one: the run's step (the ranks' mean) goes on from it, no evaluation is repeated, each
     * rank's own step count goes on from its own (summary.json), and the header says how the cut is made. The pauses
     * fall exactly on the evaluations, checkpoints and the end: the ranks' steps add up to exactly 4 x --steps.
     */
    @Test
    void anAsynchronousRunResumesFromTheConsistentCutOfItsLastPause(@TempDir Path work) throws IOException {
        final String ckpt = work.resolve("ckpt").toString();
        String[] r = train(work, "adpsgd", 40, "--checkpoint", ckpt, "--checkpoint-every", "10");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("asynchronous: each rank steps at its own pace") && r[1].contains("to evaluate and"
            + " checkpoint: a consistent cut, every rank stopped and no message in flight"), r[1]);
        final List<String> kept = stepDirs(run(work));
        final long saved = Long.parseLong(kept.get(kept.size() - 1).substring("step-".length()));
        assertEquals(40, saved, "the last checkpoint is of the run's end: " + kept);
        final Path runDir = work.resolve("out").resolve("adpsgd-ring");
        final int firstEvaluations = Files.readAllLines(runDir.resolve("history.csv")).size() - 1;
        r = train(work, "adpsgd", 80, "--checkpoint", ckpt, "--checkpoint-every", "10", "--resume");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("resume: continuing from the checkpoint of step " + saved), r[1]);
        final List<String> history = Files.readAllLines(runDir.resolve("history.csv"));
        long previous = -1;
        for (String line : history.subList(1, history.size())) {
            final long step = Long.parseLong(line.substring(0, line.indexOf(',')));
            assertTrue(step > previous, "steps increase, none evaluated twice: " + history);
            assertEquals(0, step % 10, "evaluated at the multiples of --eval-every: " + history);
            previous = step;
        }
        assertTrue(previous == 80 && history.size() - 1 > firstEvaluations, history.toString());
        final String summary = Files.readString(runDir.resolve("summary.json"));
        final java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"steps_per_rank\":\\[([0-9,]+)\\]")
            .matcher(summary);
        assertTrue(m.find(), summary);
        long total = 0;
        for (String v : m.group(1).split(",")) {
            total += Long.parseLong(v);
        }
        assertEquals(4 * 80, total, "the ranks' steps " + m.group(1) + " add up to 4 x 80");
    }

    @Test
    void resumingWithoutACheckpointStartsAtStepZeroAndTheHistoryIsWhole(@TempDir Path work) throws IOException {
        final String ckpt = work.resolve("ckpt").toString();
        String[] r = train(work, "choco", 30, "--checkpoint", ckpt, "--resume");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("resume: no complete checkpoint under"), r[1]);
        final List<byte[]> first = models(work);
        r = train(work, "choco", 50, "--checkpoint", ckpt, "--resume");
        assertEquals("0", r[0], r[2]);
        final Path runDir = work.resolve("out").resolve("choco-topk_0.3-ring");
        final List<String> history = Files.readAllLines(runDir.resolve("history.csv"));
        assertEquals(1 + 5, history.size(), "evaluations at 10, 20, 30 (first attempt), 40, 50: " + history);
        final List<String> jsonl = Files.readAllLines(runDir.resolve("rank-2.jsonl"));
        assertEquals(5, jsonl.size(), "one line per evaluation, none twice: " + jsonl);
        assertFalse(Arrays.equals(first.get(0), models(work).get(0)), "the second attempt went on training");
    }

    @Test
    void checkpointsOfOtherSettingsOrDamagedOnesAreRefusedByName(@TempDir Path work) throws IOException {
        final String ckpt = work.resolve("ckpt").toString();
        String[] r = train(work, "choco", 20, "--checkpoint", ckpt);
        assertEquals("0", r[0], r[2]);

        r = train(work, "choco", 30, "--checkpoint", ckpt, "--resume", "--l2", "0.01");
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("was written with --l2 0.0; this run has --l2 0.01"), r[2]);

        r = MainTest.run("train", "--ranks", "2", "--data", data, "--batch", "8", "--lr", "0.2", "--eval-every", "10",
            "--seed", "5", "--device", "java", "--steps", "30", "--algorithm", "choco", "--compressor", "topk:0.3",
            "--gamma", "0.4", "--checkpoint", ckpt, "--resume");
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("resume with as many ranks as the first run had"), r[2]);

        final Path file = run(work).resolve("step-000000000020").resolve("rank-3.ckpt");
        final byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        r = train(work, "choco", 30, "--checkpoint", ckpt, "--resume");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("checkpoint " + file + " is truncated or corrupted"), r[2]);
        assertFalse(r[2].contains("\tat "), "no stack trace: " + r[2]);

        r = train(work, "choco", 10, "--checkpoint", work.resolve("ckpt2").toString(), "--checkpoint-every", "5");
        assertEquals("0", r[0], r[2]);
        r = train(work, "choco", 5, "--checkpoint", work.resolve("ckpt2").toString(), "--resume");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("is at step 10, beyond the 5 steps asked for"), r[2]);

        r = train(work, "choco", 10, "--resume");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("give --checkpoint DIR as well"), r[2]);
        r = train(work, "choco", 10, "--checkpoint-every", "5");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("give --checkpoint DIR as well"), r[2]);
    }

    /** In-process ranks see one directory: a missing rank file was removed, and the hint says that, not NFS. */
    @Test
    void aRankFileMissingInProcessIsNamedWithoutASharedFileSystemHint(@TempDir Path work) throws IOException {
        final String ckpt = work.resolve("ckpt").toString();
        assertEquals("0", train(work, "choco", 20, "--checkpoint", ckpt)[0]);
        final Path file = run(work).resolve("step-000000000020").resolve("rank-2.ckpt");
        Files.delete(file);
        final String[] r = train(work, "choco", 30, "--checkpoint", ckpt, "--resume");
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("rank 2 finds no " + file), r[2]);
        assertTrue(r[2].contains("the file was removed or moved after it was written"), r[2]);
        assertFalse(r[2].contains("shared file system"), r[2]);
    }
}
