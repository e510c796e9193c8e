package org.gossipmpi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.gossipmpi.launch.Launch;
import org.gossipmpi.launch.Launcher;

import picocli.CommandLine;

class MainTest {

    /** Runs the command line with its output captured; returns {exit code, stdout, stderr}. */
    static String[] run(String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream oldOut = System.out;
        final PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            final int code = Main.execute(args);
            return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void infoListsTheOpenMpiParametersOfTheEnvironmentByName() {
        assertEquals("Open MPI parameters: btl_tcp_rdma_pipeline_frag_size=131072, coll_libnbc_iallreduce_algorithm=3"
            + " (the rest: Open MPI's defaults and parameter files)",
            InfoCommand.mcaSettings(Map.of("OMPI_MCA_coll_libnbc_iallreduce_algorithm", "3", "PATH", "/bin",
                "OMPI_MCA_btl_tcp_rdma_pipeline_frag_size", "131072", "OMPI_MCA_orte_app_num", "0")));
        assertTrue(InfoCommand.mcaSettings(Map.of("HOME", "/root")).startsWith("Open MPI parameters: none of pml, btl,"));
    }

    @Test
    void infoWithInProcessRanksReportsEveryRankAndItsRingPing() {
        final String[] r = run("info", "--ranks", "3", "--pings", "5");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("gossip-mpi " + org.gossipmpi.metrics.Version.get() + " info: 3 ranks, backend local"),
            r[1]);
        assertTrue(org.gossipmpi.metrics.Version.get().matches("\\d+\\.\\d+\\.\\d+.*"), org.gossipmpi.metrics.Version.get());
        for (int rank = 0; rank < 3; rank++) {
            assertTrue(r[1].contains("rank " + rank + "/3 on "), r[1]);
            assertTrue(r[1].contains("ring ping to rank " + (rank + 1) % 3 + ": round trip"), r[1]);
        }
        assertTrue(r[1].contains("Open MPI's Java bindings: "), r[1]);
        assertTrue(r[1].contains("backend: local"), r[1]);
        assertTrue(r[1].contains("kernels: "), r[1]);
    }

    @Test
    void benchCodecsPrintsOneRowPerCompressorAndSizeAndRefusesTooFewReps() {
        final String[] r = run("bench", "codecs", "--device", "java", "--sizes", "100,5000", "--compressors",
            "sign,qsgd:16", "--reps", "15");
        assertEquals("0", r[0], r[2]);
        final String[] lines = r[1].trim().split("\n");
        assertEquals(org.gossipmpi.bench.CodecBenchmark.HEADER, lines[0]);
        assertEquals(5, lines.length, r[1]);
        assertTrue(lines[1].contains(",sign,100,") && lines[4].contains(",qsgd:16,5000,"), r[1]);
        for (int i = 1; i < lines.length; i++) {
            final String[] f = lines[i].split(",");
            assertEquals(12, f.length, lines[i]);
            assertTrue(Double.parseDouble(f[8]) > 0 && Double.parseDouble(f[10]) > 0, lines[i]);
            assertTrue(Long.parseLong(f[11]) >= 0, lines[i]); // heap bytes a round trip
        }
        final String[] few = run("bench", "codecs", "--sizes", "100", "--reps", "5");
        assertEquals("1", few[0]);
        assertTrue(few[2].contains("--reps 5: a median needs 15 or more"), few[2]);
    }

    @Test
    void benchPlotDrawsEveryColumnAgainstXAndNamesABadColumnOrValue(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        final java.nio.file.Path csv = dir.resolve("t.csv");
        java.nio.file.Files.writeString(csv, "ranks,a_ms,b_ms\n2,10,5\n4,20,5\n8,40,6\n");
        final java.nio.file.Path png = dir.resolve("t.png");
        final String[] r = run("bench", "plot", csv.toString(), "--x", "ranks", "--log-x", "--out", png.toString());
        assertEquals("0", r[0], r[2]);
        final byte[] bytes = java.nio.file.Files.readAllBytes(png);
        assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', "not a PNG");
        final String[] noColumn = run("bench", "plot", csv.toString(), "--x", "hosts", "--out", png.toString());
        assertEquals("1", noColumn[0]);
        assertTrue(noColumn[2].contains("has no column 'hosts'; its columns: ranks, a_ms, b_ms"), noColumn[2]);
        java.nio.file.Files.writeString(csv, "ranks,a_ms\n2,fast\n");
        final String[] text = run("bench", "plot", csv.toString(), "--x", "ranks", "--out", png.toString());
        assertEquals("1", text[0]);
        assertTrue(text[2].contains("line 2, column a_ms: 'fast' is not a number"), text[2]);
    }

    @Test
    void badOptionValuesExitNonZeroWithOneClearLine() {
        final String[] zero = run("info", "--ranks", "0");
        assertEquals("1", zero[0]);
        assertTrue(zero[2].contains("gossip-mpi: --ranks must be >= 1, got 0"), zero[2]);
        final String[] unknown = run("info", "--no-such-option");
        assertEquals("2", unknown[0]);
        assertTrue(unknown[2].contains("Unknown option: '--no-such-option'"), unknown[2]);
        final String[] timeout = run("info", "--timeout", "-1");
        assertEquals("1", timeout[0]);
        assertTrue(timeout[2].contains("--timeout must be in (0, 1e6] seconds"), timeout[2]);
    }

    @Test
    void backendFollowsTheLauncherEnvironmentUnlessRanksAreGiven() {
        final LaunchOptions options = new LaunchOptions();
        new CommandLine(options).parseArgs();
        assertEquals(Launch.Backend.LOCAL, Launcher.resolve(options.launch(), Map.of()));
        // Under Open MPI's launcher with mpi.jar on the class path (as here): the bindings; any other launcher
        // (MPICH's hydra, srun with PMIx): the native backend.
        assertEquals(Launch.Backend.OPENMPI_JAVA, Launcher.resolve(options.launch(),
            Map.of("OMPI_COMM_WORLD_SIZE", "4")));
        assertEquals(Launch.Backend.NATIVE, Launcher.resolve(options.launch(), Map.of("PMIX_RANK", "0")));
        assertEquals(Launch.Backend.NATIVE, Launcher.resolve(options.launch(), Map.of("PMI_RANK", "0", "PMI_SIZE", "4")));
        final LaunchOptions nativeMpi = new LaunchOptions();
        new CommandLine(nativeMpi).parseArgs("--backend", "native");
        assertEquals(Launch.Backend.NATIVE, Launcher.resolve(nativeMpi.launch(), Map.of("OMPI_COMM_WORLD_SIZE", "4")));
        assertTrue(assertThrows(CommandLine.ParameterException.class, () -> new CommandLine(new LaunchOptions())
            .parseArgs("--backend", "mpich")).getMessage().contains("valid: auto, mpi, openmpi-java, native, local"));

        final LaunchOptions ranks = new LaunchOptions();
        new CommandLine(ranks).parseArgs("--ranks", "4");
        assertEquals(Launch.Backend.LOCAL, Launcher.resolve(ranks.launch(), Map.of("OMPI_COMM_WORLD_SIZE", "1")));
        final IllegalArgumentException duplicated = assertThrows(IllegalArgumentException.class,
            () -> Launcher.resolve(ranks.launch(), Map.of("OMPI_COMM_WORLD_SIZE", "4")));
        assertTrue(duplicated.getMessage().contains("one of 4 processes, but ranks 4 asks for in-process ranks"),
            duplicated.getMessage());
        final LaunchOptions local = new LaunchOptions();
        new CommandLine(local).parseArgs("--backend", "local");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Launcher.resolve(local.launch(),
            Map.of("PMI_RANK", "0", "PMI_SIZE", "8"))).getMessage().contains("drop backend local"));

        final LaunchOptions both = new LaunchOptions();
        new CommandLine(both).parseArgs("--ranks", "4", "--backend", "mpi");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Launcher.resolve(both.launch(), Map.of()));
        assertTrue(e.getMessage().contains("mpirun -np"), e.getMessage());
    }

    @Test
    void topologyPrintsTheRingOfNinesGapAndWritesGraphviz(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        final java.nio.file.Path dot = dir.resolve("ring.dot");
        final String[] r = run("topology", "--kind", "ring", "--ranks", "9", "--dot", dot.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("rank 0: self 0.333333, 1: 0.333333, 8: 0.333333"), r[1]);
        assertTrue(r[1].contains("rho = 0.1560"), r[1]);
        assertTrue(r[1].contains("beta = 1.2931"), r[1]);
        assertTrue(r[1].contains("diameter = 4, degree 2..2"), r[1]);
        final String graph = java.nio.file.Files.readString(dot);
        assertTrue(graph.startsWith("graph \"ring\" {"), graph);
        assertTrue(graph.contains("0 -- 8 [label=\"0.333\"]"), graph);

        final String[] bad = run("topology", "--kind", "torus:3x5", "--ranks", "16");
        assertEquals("1", bad[0]);
        assertTrue(bad[2].contains("a 3x5 torus has 15 ranks, but there are 16"), bad[2]);
    }
}
