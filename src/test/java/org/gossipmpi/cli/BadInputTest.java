package org.gossipmpi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.gossipmpi.testing.SyntheticData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input, one row each: the command line, the exit code it must end with (1: refused or failed, 2: bad
 * usage), and the words its one message must hold (the option, the file and line, what to do). No case may
 * print a stack trace. Data and topology files are written to a temporary directory.
 */
class BadInputTest {
    @TempDir
    static Path dir;

    static String csv;
    static String libsvm;

    @BeforeAll
    static void files() throws IOException {
        csv = SyntheticData.binaryCsv(dir).toString();
        libsvm = write("ok.libsvm", "1 1:0.5 3:1\n0 2:1\n1 1:1 2:1\n0 3:0.25\n").toString();
        write("empty.libsvm", "");
        write("comments.libsvm", "# nothing\n\n");
        write("huge.libsvm", "1 1:1e300\n0 2:1\n");
        write("nan.libsvm", "1 1:NaN\n");
        write("token.libsvm", "1 1:0.5 oops\n");
        write("index0.libsvm", "1 0:0.5\n");
        write("descending.libsvm", "1 3:1 2:1\n");
        write("badindex.libsvm", "1 x:1\n");
        write("badlabel.libsvm", "yes 1:1\n");
        write("ragged.csv", "1,0.5,0.5\n0,0.5\n");
        write("word.csv", "1,0.5,abc\n");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("data.libsvm.gz")))) {
            out.write("1 1:1\n".getBytes());
        }
        Files.write(dir.resolve("binary.libsvm"), new byte[] {'1', ' ', 0, 1, 2, 3});
        Files.write(dir.resolve("bad-images-idx3-ubyte"), new byte[] {0, 0, 8, 4, 0, 0, 0, 1});
        Files.write(dir.resolve("short-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0, 0, 0, 1, 0, 0});
        Files.write(dir.resolve("huge-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0x77, 0x35, (byte) 0x94, 0,
            0, 0, 0, 28, 0, 0, 0, 28});
        write("selfloop.edges", "0 0\n0 1\n");
        write("twice.edges", "0 1\n1 0\n");
        write("outside.edges", "0 9\n");
        write("mixed.edges", "0 1 0.5\n1 2\n");
        write("none.edges", "# no edges\n");
        write("word.edges", "0 one\n");
        Files.createDirectories(dir.resolve("prev/choco-none-ring"));
        write("prev/choco-none-ring/summary.json", "{}\n");
        Files.createDirectories(dir.resolve("models/rank-1.txt"));
        write("narrow.csv", "0,0.5\n6,0.25\n0,0.1\n6,0.9\n");
        Files.createDirectories(dir.resolve("noruns/sub"));
        write("noruns/sub/notes.txt", "no run here\n");
    }

    private static Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static String f(String name) {
        return dir.resolve(name).toString();
    }

    private static Arguments row(String name, int code, String[] words, String... args) {
        return Arguments.of(Named.of(name, args), code, words);
    }

    private static String[] w(String... words) {
        return words;
    }

    /** A short in-process training run on the synthetic data; {@code extra} options replace the defaults. */
    private static String[] train(String... extra) {
        return command(csv, "8", extra);
    }

    private static String[] trainOn(String data, String... extra) {
        return command(data, "1", extra);
    }

    private static String[] command(String data, String batch, String[] extra) {
        final java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
        for (String[] d : new String[][] {{"--ranks", "2"}, {"--data", data}, {"--steps", "5"}, {"--eval-every", "5"},
                {"--batch", batch}, {"--device", "java"}}) {
            options.put(d[0], d[1]);
        }
        final List<String> flags = new ArrayList<>();
        for (int i = 0; i < extra.length; i++) {
            if (i + 1 < extra.length && !extra[i + 1].startsWith("--")) {
                options.put(extra[i], extra[i + 1]);
                i++;
            } else {
                flags.add(extra[i]);
            }
        }
        final List<String> a = new ArrayList<>(List.of("train"));
        options.forEach((k, v) -> {
            a.add(k);
            a.add(v);
        });
        a.addAll(flags);
        return a.toArray(new String[0]);
    }

    static List<Arguments> cases() {
        return List.of(
            // data files
            row("missing data file", 1, w("nope.libsvm: no such file"), trainOn(f("nope.libsvm"))),
            row("empty LIBSVM file", 1, w("empty.libsvm", "empty"), trainOn(f("empty.libsvm"))),
            row("LIBSVM file of comments only", 1, w("comments.libsvm", "no data lines"), trainOn(f("comments.libsvm"))),
            row("value overflowing float", 1, w("huge.libsvm:1", "1e300", "overflows float"), trainOn(f("huge.libsvm"))),
            row("NaN value", 1, w("nan.libsvm:1", "not finite"), trainOn(f("nan.libsvm"))),
            row("token without colon", 1, w("token.libsvm:1", "malformed token 'oops'"), trainOn(f("token.libsvm"))),
            row("index 0", 1, w("index0.libsvm:1", "indices start at 1"), trainOn(f("index0.libsvm"))),
            row("descending indices", 1, w("descending.libsvm:1", "must ascend"), trainOn(f("descending.libsvm"))),
            row("index not a number", 1, w("badindex.libsvm:1", "malformed index"), trainOn(f("badindex.libsvm"))),
            row("label not a number", 1, w("badlabel.libsvm:1", "label 'yes' is not a number"),
                trainOn(f("badlabel.libsvm"))),
            row("index beyond --features", 1, w("ok.libsvm:1", "beyond --features 2"),
                trainOn(libsvm, "--features", "2")),
            row("gzip-compressed LIBSVM", 1, w("data.libsvm.gz", "gzip-compressed: decompress it first"),
                trainOn(f("data.libsvm.gz"))),
            row("binary file as LIBSVM", 1, w("binary.libsvm", "a binary file"), trainOn(f("binary.libsvm"))),
            row("ragged CSV", 1, w("ragged.csv:2", "features, but line 1 had"), trainOn(f("ragged.csv"))),
            row("word in CSV", 1, w("word.csv:1", "'abc' is not a number"), trainOn(f("word.csv"))),
            row("IDX with a wrong magic", 1, w("bad-images-idx3-ubyte", "wrong magic"), trainOn(f("bad-images-idx3-ubyte"))),
            row("truncated IDX header", 1, w("short-images-idx3-ubyte", "truncated at byte offset"),
                trainOn(f("short-images-idx3-ubyte"))),
            row("IDX announcing 2e9 images", 1, w("huge-images-idx3-ubyte", "announces 2000000000 images",
                "more than one array holds"), trainOn(f("huge-images-idx3-ubyte"))),
            row("--features with CSV data", 1, w("--features applies to LIBSVM files", "drop --features"),
                train("--features", "20")),
            row("--batch above the shard", 1, w("--batch 500 is more than the 200 rows of rank", "or 0 for the whole"),
                trainOn(csv, "--batch", "500")),
            // topology files
            row("missing edge list", 1, w("nope.edges: no such file"), train("--topology", "file:" + f("nope.edges"))),
            row("self-loop in an edge list", 1, w("selfloop.edges", "self-loop"),
                train("--topology", "file:" + f("selfloop.edges"))),
            row("edge listed twice", 1, w("twice.edges", "listed twice"), train("--topology", "file:" + f("twice.edges"))),
            row("rank outside the world", 1, w("outside.edges", "rank 9 outside [0, 2)"),
                train("--topology", "file:" + f("outside.edges"))),
            row("weights on some lines only", 1, w("mixed.edges", "every line has a weight or none does"),
                train("--topology", "file:" + f("mixed.edges"))),
            row("edge list without edges", 1, w("none.edges", "lists no edges"), train("--topology", "file:" + f("none.edges"))),
            row("rank not an integer", 1, w("word.edges", "rank 'one' is not an integer"),
                train("--topology", "file:" + f("word.edges"))),
            row("unknown topology", 1, w("unknown topology 'star'", "valid:"), train("--topology", "star")),
            row("torus of the wrong size", 1, w("torus:3x3", "torus has"), train("--topology", "torus:3x3")),
            row("torus spec malformed", 1, w("expected torus:RxC"), train("--topology", "torus:3by3")),
            // options
            row("unknown algorithm", 1, w("unknown --algorithm 'sgdx'", "valid:"), train("--algorithm", "sgdx")),
            row("unknown model", 1, w("unknown --model 'cnn'"), train("--model", "cnn")),
            row("unknown compressor", 1, w("compressor 'zip'", "unknown compressor", "valid:"),
                train("--compressor", "zip")),
            row("top-k of 0", 1, w("compressor 'topk:0'"), train("--compressor", "topk:0")),
            row("unknown schedule", 1, w("unknown --lr-schedule 'cosine'"), train("--lr-schedule", "cosine")),
            row("steps and epochs", 1, w("give exactly one of --steps T", "--epochs E"), train("--epochs", "1")),
            row("neither steps nor epochs", 1, w("give exactly one of --steps"), train("--steps", "0")),
            row("epochs infinite", 1, w("--epochs must be a finite number"), train("--steps", "0", "--epochs", "Infinity")),
            row("negative batch", 1, w("--batch must be >= 0"), train("--batch", "-1")),
            row("gamma 0", 1, w("--gamma must be in (0, 1]"), train("--gamma", "0")),
            row("gamma above 1", 1, w("--gamma must be in (0, 1]"), train("--gamma", "2")),
            row("eval every 0", 1, w("--eval-every must be >= 1"), train("--eval-every", "0")),
            row("negative eval rows", 1, w("--eval-rows must be >= 0"), train("--eval-rows", "-1")),
            row("negative l2", 1, w("--l2 must be >= 0"), train("--l2", "-1")),
            row("hidden 0", 1, w("--hidden must be >= 1"), train("--model", "mlp", "--hidden", "0")),
            row("hidden 2e9", 1, w("--hidden 2000000000", "parameters", "lower --hidden"),
                train("--model", "mlp", "--hidden", "2000000000")),
            row("nesterov without momentum", 1, w("--nesterov", "--momentum MU"), train("--nesterov")),
            row("hidden for a model without", 1, w("--hidden sets the hidden units of the mlp; --model logistic has none",
                "drop --hidden"), train("--model", "logistic", "--hidden", "64")),
            row("lr-b for the constant schedule", 1, w("--lr-b belongs to the inverse schedule", "--lr-schedule is const",
                "give --lr-schedule inverse or drop --lr-b"), train("--lr-b", "100")),
            row("lr-every for the inverse schedule", 1, w("--lr-every belongs to the step schedule",
                "--lr-schedule is inverse"), train("--lr-schedule", "inverse", "--lr-every", "10")),
            row("topology for allreduce alone", 1, w("--topology: allreduce averages over all ranks", "drop --topology"),
                train("--algorithm", "allreduce", "--topology", "torus")),
            row("codec threads for allreduce alone", 1, w("--codec-threads 2: allreduce encodes nothing",
                "drop --codec-threads"), train("--algorithm", "allreduce", "--codec-threads", "2")),
            row("eval rows above the training rows", 1, w("--eval-rows 1000000 is more than the",
                "training rows: give at most"), train("--eval-rows", "1000000")),
            row("overwrite without out", 1, w("--overwrite replaces earlier runs under --out", "give --out DIR or drop"
                + " --overwrite"), train("--overwrite")),
            row("learning rate for choco-gossip", 1, w("--lr: choco-gossip takes no gradient step", "drop --lr"),
                train("--algorithm", "choco-gossip", "--compressor", "topk:0.5", "--gamma", "0.2", "--lr", "0.2")),
            row("infinite target loss", 1, w("--target-loss must be a finite number"), train("--target-loss", "Infinity")),
            row("timeout 0", 1, w("--timeout must be in (0, 1e6]"), train("--timeout", "0")),
            row("not a number for --lr", 2, w("--lr", "'fast'"), train("--lr", "fast")),
            row("unknown option", 2, w("Unknown option", "--learning-rate"), train("--learning-rate", "0.1")),
            row("no --data", 2, w("Missing required option", "--data"), "train", "--ranks", "2", "--steps", "5"),
            // combinations
            row("allreduce with a compressor", 1, w("--compressor topk:0.01", "no --algorithm of [allreduce] takes it"),
                train("--algorithm", "allreduce", "--compressor", "topk:0.01")),
            row("ring all-reduce without allreduce", 1, w("--allreduce ring", "no --algorithm of [choco] sums by"
                + " all-reduce"), train("--algorithm", "choco", "--compressor", "sign", "--allreduce", "ring")),
            row("the default all-reduce given without allreduce", 1, w("--allreduce mpi", "no --algorithm of [dpsgd]"
                + " sums by all-reduce"), train("--algorithm", "dpsgd", "--allreduce", "mpi")),
            row("unknown all-reduce", 1, w("unknown --allreduce 'tree'", "valid: mpi", "ring"),
                train("--algorithm", "allreduce", "--allreduce", "tree")),
            row("dpsgd with top-k alone", 1, w("--compressor topk:0.01", "no --algorithm of [dpsgd] takes it"),
                train("--algorithm", "dpsgd", "--compressor", "topk:0.01")),
            row("choco with unbiased QSGD", 1, w("choco needs a contractive compressor", "qsgd:16:biased"),
                train("--algorithm", "choco", "--compressor", "qsgd:16")),
            row("deepsqueeze with natural", 1, w("deepsqueeze needs a contractive compressor", "topk:F, sign"),
                train("--algorithm", "deepsqueeze", "--compressor", "natural")),
            row("choco with unbiased rand-k", 1, w("randk:0.1:unbiased is unbiased", "use randk:0.1"),
                train("--algorithm", "choco", "--compressor", "randk:0.1:unbiased")),
            row("dcd with a biased compressor", 1, w("dcd needs an unbiased compressor", "topk:0.01 is biased"),
                train("--algorithm", "dcd", "--compressor", "topk:0.01")),
            row("choco overlapped", 1, w("--overlap: choco cannot overlap", "without --overlap"),
                train("--algorithm", "choco", "--overlap")),
            row("allreduce overlapped on MPI's all-reduce", 1, w("--overlap with allreduce", "add --allreduce ring"),
                train("--algorithm", "allreduce", "--overlap")),
            row("overlap in a mixed sweep", 1, w("--overlap: deepsqueeze cannot overlap"),
                train("--algorithm", "dpsgd,deepsqueeze", "--compressor", "sign", "--overlap")),
            row("choco on a time-varying graph", 1, w("needs a static topology", "onepeer-exp"),
                train("--ranks", "4", "--algorithm", "choco", "--compressor", "sign", "--topology", "onepeer-exp")),
            row("adpsgd on a graph with odd cycles", 1, w("adpsgd needs a bipartite graph", "ring of an even number"),
                train("--ranks", "4", "--algorithm", "adpsgd", "--topology", "complete")),
            row("adpsgd on an odd ring", 1, w("adpsgd needs a bipartite graph", "odd cycle"),
                train("--ranks", "3", "--algorithm", "adpsgd")),
            row("adpsgd with a compressor", 1, w("--compressor sign", "no --algorithm of [adpsgd] takes it",
                "adpsgd exact models"), train("--algorithm", "adpsgd", "--compressor", "sign")),
            row("a sweep with one impossible run", 1, w("dcd-sign-ring: dcd needs an unbiased compressor"),
                train("--algorithm", "choco,dcd", "--compressor", "sign")),
            row("codec threads on OpenCL", 1, w("--codec-threads"), train("--codec-threads", "0")),
            row("--out under a file", 1, w("--out", "cannot create the directory"), train("--out", libsvm + "/sub")),
            row("--out holding an earlier run", 1, w("choco-none-ring holds an earlier run's files (summary.json)",
                "--overwrite"), train("--out", f("prev"))),
            row("--resume without a checkpoint over a finished run", 1, w("--resume: ", "holds no complete checkpoint",
                "holds a finished run (summary.json)", "--overwrite to start over"),
                train("--out", f("prev"), "--checkpoint", f("no-checkpoints"), "--resume")),
            row("--save-model where one rank's file is a directory", 1, w("rank 1 would write", "rank-1.txt",
                "(--save-model), which is a directory"), train("--save-model", f("models"))),
            row("codec threads beyond the cores", 1, w("--codec-threads must be in [1, ", "got 1000"),
                train("--codec-threads", "1000")),
            row("target loss below zero", 1, w("--target-loss must be a finite number >= 0", "got -1"),
                train("--target-loss", "-1")),
            row("all-reduce SGD whose loss explodes", 1, w("at step 5 the averaged model's loss is",
                "times the initial model's loss", "the run diverged; lower --lr", "no model is saved"),
                train("--algorithm", "allreduce", "--lr", "1e30", "--save-model", f("exploded"))),
            row("exact CHOCO whose loss explodes: the learning rate, not gamma", 1, w("the run diverged; lower --lr",
                "no model is saved"), train("--algorithm", "choco", "--compressor", "none", "--lr", "1e30",
                "--save-model", f("exploded-choco"))),
            row("test data narrower than the training data", 1, w("narrow.csv has 1 features, the training data 784",
                "give test data with the training data's features"),
                trainOn("fashion-mnist:binary", "--test-data", f("narrow.csv"), "--model", "logistic")),
            row("infinite learning rate", 1, w("--lr must be a positive finite number, got Infinity"),
                train("--lr", "Infinity")),
            row("2e9 features of a LIBSVM file", 1, w("2000000000", "more than one message holds"),
                trainOn(libsvm, "--features", "2000000000")),
            // launching
            row("zero ranks", 1, w("--ranks must be >= 1"), "train", "--ranks", "0", "--data", csv, "--steps", "5"),
            row("--ranks with --backend mpi", 1, w("--ranks is for in-process ranks", "mpirun -np"),
                "info", "--ranks", "2", "--backend", "mpi"),
            row("info pings 0", 1, w("--pings must be >= 1"), "info", "--ranks", "1", "--pings", "0"),
            row("topology of 0 ranks", 1, w("at least 1 rank"), "topology", "--kind", "ring", "--ranks", "0"),
            row("ring of 1e8 ranks", 1, w("topology 'ring' on 100000000 ranks has 200000000 links", "GB of memory",
                "GOSSIP_MPI_JAVA_OPTS=-Xmx"), "topology", "--kind", "ring", "--ranks", "100000000"),
            row("complete graph of 200,000 ranks", 1, w("39999800000 links", "GB of memory"),
                "topology", "--kind", "complete", "--ranks", "200000"),
            // reports and benchmarks
            row("report of a missing directory", 1, w("nope: no such directory"), "report", f("nope")),
            row("report of a file", 1, w("ok.libsvm: not a directory"), "report", libsvm),
            row("report of a directory without runs", 1, w("no runs under"), "report", f("noruns")),
            row("report --svg without --out", 1, w("--svg writes charts, which need --out DIR"), "report", dir.toString(),
                "--svg"),
            row("report in an unknown format", 2, w("--format", "'html'"), "report", dir.toString(), "--format", "html"),
            row("bench codecs with few repetitions", 1, w("--reps 5: a median needs 15 or more"),
                "bench", "codecs", "--sizes", "100", "--reps", "5", "--device", "java"),
            row("bench codecs with no threads", 1, w("--threads must be in [1, ", "got 0"),
                "bench", "codecs", "--sizes", "100", "--threads", "0", "--device", "java"),
            row("bench codecs with 1000 threads", 1, w("--threads must be in [1, ", "got 1000"),
                "bench", "codecs", "--sizes", "100", "--threads", "1000", "--device", "java"),
            row("bench exchange compressors for no codec op", 1, w("--compressors applies to the ops exchange and"
                + " codec, and --ops transport,allreduce has neither"), "bench", "exchange", "--ranks", "2", "--sizes",
                "100", "--ops", "transport,allreduce", "--compressors", "fp16", "--device", "java"),
            row("bench kernels hidden without the mlp", 1, w("--hidden sets the mlp's hidden units, and --models"
                + " logistic has no mlp"), "bench", "kernels", "--models", "logistic", "--hidden", "64", "--devices",
                "java", "--data", libsvm),
            row("report with a target loss below zero", 1, w("--target-loss must be a finite number >= 0"),
                "report", f("prev"), "--target-loss", "-1"),
            row("report --out naming a file", 1, w("--out", "is a file", "give a directory"),
                "report", f("prev"), "--out", libsvm),
            row("bench plot of a missing column", 1, w("has no column 'y'"),
                "bench", "plot", csvWithHeader(), "--x", "y", "--out", f("p.png")));
    }

    private static String csvWithHeader() {
        try {
            return Files.writeString(dir.resolve("t.csv"), "a,b\n1,2\n2,3\n").toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithOneClearMessage(String[] args, int code, String[] words) {
        final String[] r = MainTest.run(args);
        final String err = r[2];
        assertEquals(Integer.toString(code), r[0], "exit code; stderr:\n" + err);
        for (String word : words) {
            assertTrue(err.contains(word), "'" + word + "' missing from:\n" + err);
        }
        assertFalse(err.contains("\tat ") || err.contains("Exception in thread"), "a stack trace:\n" + err);
        if (!words[0].startsWith("--codec")) {
            assertFalse(String.join(" ", args).contains("bench codecs") && err.contains("--codec-threads"),
                "bench codecs names train's option:\n" + err);
        }
    }

    @org.junit.jupiter.api.Test
    void aDivergedRunSavesNoModel() {
        assertEquals("1", MainTest.run(train("--algorithm", "allreduce", "--lr", "1e30", "--save-model",
            f("exploded-too")))[0]);
        assertFalse(Files.exists(dir.resolve("exploded-too/rank-0.txt")), "a diverged run saved its model");
    }

    /**
     * The README's old recommendation for top-1% (gamma 0.2, from a sweep that picked the fewest steps to the
     * target) drifts apart after about 300 steps: the run must stop with the step, the trend and the cause, not
     * end with "final" and a model of loss 1e9.
     */
    @org.junit.jupiter.api.Test
    void compressedGossipWhoseModelsDriftApartStopsNamingGamma() {
        org.gossipmpi.testing.TestData.requireFashionMnist();
        final String[] r = MainTest.run("train", "--ranks", "4", "--algorithm", "choco", "--compressor", "topk:0.01",
            "--gamma", "0.2", "--model", "mlp", "--hidden", "256", "--data", "fashion-mnist", "--batch", "32", "--lr",
            "0.1", "--lr-schedule", "inverse", "--lr-b", "1000", "--steps", "2000", "--eval-every", "125",
            "--eval-rows", "2000", "--device", "java");
        assertEquals("1", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("growing at each of the last 3 evaluations"), r[2]);
        assertTrue(r[2].contains("the ranks' models drift apart without bound; the consensus step is too large for"
            + " this compressor: lower --gamma (0.2 now)"), r[2]);
        assertFalse(r[1].contains("final:"), r[1]);
    }

    @org.junit.jupiter.api.Test
    void aSaveModelTargetThatIsADirectoryStopsTheRunBeforeAnyModelIsWritten() {
        assertEquals("1", MainTest.run(train("--save-model", f("models")))[0]);
        assertFalse(Files.exists(dir.resolve("models/rank-0.txt")), "rank 0 wrote its model before the refusal");
    }

    /**
     * --overwrite keeps the earlier run until the new one has finished: a new run that fails leaves the earlier
     * one where it was, whole.
     */
    @org.junit.jupiter.api.Test
    void overwriteOfARunThatFailsKeepsTheEarlierRun() throws IOException {
        final Path out = dir.resolve("kept");
        assertEquals("0", MainTest.run(train("--out", out.toString(), "--algorithm", "allreduce"))[0]);
        final String summary = Files.readString(out.resolve("allreduce/summary.json"));
        final String[] r = MainTest.run(train("--out", out.toString(), "--algorithm", "allreduce", "--lr", "1e30",
            "--overwrite"));
        assertEquals("1", r[0], r[2]);
        assertTrue(r[1].contains("the earlier run is back in"), r[1]);
        assertEquals(summary, Files.readString(out.resolve("allreduce/summary.json")), "the earlier run was lost");
        assertFalse(Files.exists(out.resolve(".allreduce.replaced")), "the set-aside copy is left behind");
    }

    /** A run set aside by an --overwrite that was killed outright is named, not overwritten again. */
    @org.junit.jupiter.api.Test
    void aRunSetAsideByAKilledOverwriteIsNamed() throws IOException {
        final Path out = dir.resolve("aside");
        Files.createDirectories(out.resolve(".allreduce.replaced"));
        Files.writeString(out.resolve(".allreduce.replaced/summary.json"), "{}");
        final String[] r = MainTest.run(train("--out", out.toString(), "--algorithm", "allreduce", "--overwrite"));
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains(".allreduce.replaced holds a run that an interrupted --overwrite set aside"), r[2]);
    }

    @org.junit.jupiter.api.Test
    void overwriteReplacesAnEarlierRunWhole() throws IOException {
        final Path out = dir.resolve("again");
        assertEquals("0", MainTest.run(train("--out", out.toString()))[0]);
        final Path stale = Files.writeString(out.resolve("choco-none-ring/stale.txt"), "from before");
        assertEquals("1", MainTest.run(train("--out", out.toString()))[0]);
        final String[] r = MainTest.run(train("--out", out.toString(), "--overwrite"));
        assertEquals("0", r[0], r[2]);
        assertFalse(Files.exists(stale), "--overwrite left the earlier run's file");
        assertTrue(Files.exists(out.resolve("choco-none-ring/summary.json")));
    }

    @org.junit.jupiter.api.Test
    void dpsgdWithFp16SendsHalfPrecisionNotTheCompressorItWasGivenSilently() throws IOException {
        final Path out = dir.resolve("fp16");
        final String[] r = MainTest.run(train("--algorithm", "dpsgd", "--compressor", "none,fp16", "--out", out.toString()));
        assertEquals("0", r[0], r[2]);
        final com.fasterxml.jackson.databind.JsonNode exact = org.gossipmpi.metrics.JsonIo.read(
            out.resolve("dpsgd-ring/summary.json"));
        final com.fasterxml.jackson.databind.JsonNode half = org.gossipmpi.metrics.JsonIo.read(
            out.resolve("dpsgd-fp16-ring/summary.json"));
        assertEquals("fp16", half.get("compressor").asText());
        final double ratio = half.get("bytes_sent_total").asDouble() / exact.get("bytes_sent_total").asDouble();
        // the logistic model of 20 features: (24-byte header + 2 x 20) / (24 + 4 x 20) = 64 / 104 per message
        assertEquals(64.0 / 104.0, ratio, 1e-9, "fp16 sent " + ratio + " of fp32's bytes");
    }

    @org.junit.jupiter.api.Test
    void thereAreAtLeastSixtyCases() {
        assertTrue(cases().size() >= 60, "only " + cases().size() + " cases");
    }
}
