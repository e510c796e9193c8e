package org.gossipmpi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.gossipmpi.testing.SyntheticData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file a run writes (summaries, histories, JSONL, charts, saved models, checkpoints, the report) has the
 * mode any new file of the user gets, 0666 less the umask, so the rest of a cluster group can read a run's
 * results; temporary files made on the way do not remain.
 */
class OutputFilesTest {
    /** This process's umask, from /proc/self/status ("Umask: 0022"). */
    private static int umask() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Umask:")) {
                return Integer.parseInt(line.substring("Umask:".length()).trim(), 8);
            }
        }
        throw new IllegalStateException("no Umask line in /proc/self/status");
    }

    private static Set<PosixFilePermission> mode(int bits) {
        final Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        final PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((bits & (1 << i)) != 0) {
                p.add(order[i]);
            }
        }
        return p;
    }

    @Test
    void filesOfARunAndItsReportHaveTheUmasksModeAndNoTemporaryIsLeft(@TempDir Path work) throws IOException {
        final String data = SyntheticData.binaryCsv(work).toString();
        final Path out = work.resolve("out");
        final String[] r = MainTest.run("train", "--ranks", "2", "--data", data, "--batch", "8", "--steps", "20",
            "--eval-every", "10", "--device", "java", "--algorithm", "choco,allreduce", "--compressor", "sign",
            "--gamma", "0.3", "--out", out.toString(), "--save-model", work.resolve("models").toString(),
            "--checkpoint", work.resolve("ckpt").toString());
        assertEquals("0", r[0], r[2]);
        final String[] rep = MainTest.run("report", out.toString(), "--out", work.resolve("report").toString());
        assertEquals("0", rep[0], rep[2]);
        final Set<PosixFilePermission> expected = mode(0666 & ~umask());
        final List<Path> files;
        try (Stream<Path> all = Files.walk(work)) {
            files = all.filter(Files::isRegularFile).filter(f -> !f.equals(Path.of(data))).toList();
        }
        int checked = 0;
        for (Path f : files) {
            final String name = f.getFileName().toString();
            assertTrue(!name.endsWith(".tmp"), "a temporary file is left: " + f);
            assertEquals(PosixFilePermissions.toString(expected),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
            checked++;
        }
        for (String must : new String[] {"summary.json", "history.csv", "rank-1.jsonl", "loss-vs-steps.png",
            "rank-1.txt", "rank-1.ckpt", "COMPLETE", "report.md"}) {
            assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals(must)), must + " not written");
        }
        assertTrue(checked > 15, "only " + checked + " files");
    }
}
