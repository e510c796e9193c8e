package org.gossipmpi.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Rank 0's care of the run directories under {@code --out} that {@code --overwrite} replaces: an earlier run is
 * renamed to {@code OUT/.RUN.replaced} before step 0 ({@link #setAside}), removed once the new run has finished
 * ({@link #replaced}), and put back in place of the new run's partial files when the new run fails
 * ({@link #restore}). Nothing is deleted before the new run has something whole to put in its place. A run set
 * aside by a job that was killed outright stays there, and the next start names it.
 */
final class OutputDirs {
    private final Path out;
    private final Set<String> aside = new HashSet<>();

    OutputDirs(Path out) {
        this.out = out;
    }

    /** Where run {@code run} under {@code out} is set aside. */
    static Path aside(Path out, String run) {
        return out.resolve("." + run + ".replaced");
    }

    /** Moves the earlier run {@code run} aside (a rename: nothing is copied or deleted). */
    void setAside(String run) throws IOException {
        Files.move(out.resolve(run), aside(out, run), StandardCopyOption.ATOMIC_MOVE);
        aside.add(run);
    }

    /** The new run {@code run} finished: the earlier one it replaces is removed. */
    void replaced(String run) {
        if (aside.remove(run)) {
            try {
                removeTree(aside(out, run));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("the run has finished, but the earlier run it replaces, set"
                    + " aside under " + aside(out, run) + ", cannot be removed (" + e.getMessage() + "): remove it", e);
            }
        }
    }

    /** The new run {@code run} failed: its partial files give way to the earlier run again. */
    void restore(String run, PrintWriter w) {
        if (!aside.remove(run)) {
            return;
        }
        final Path dir = out.resolve(run);
        try {
            removeTree(dir);
            Files.move(aside(out, run), dir, StandardCopyOption.ATOMIC_MOVE);
            w.println("overwrite: the run failed; the earlier run is back in " + dir);
        } catch (IOException e) {
            w.println("overwrite: the run failed, and the earlier run could not be put back (" + e.getMessage() + "):"
                + " it is in " + aside(out, run));
        }
        w.flush();
    }

    /**
     * Why this rank cannot write {@code file} in {@code dir} ({@code option} names where it comes from), or ""
     * when it can: the file is a directory, or the directory (or its nearest existing parent) is not writable.
     */
    static String unwritable(Path dir, Path file, String option, int rank) {
        final Path target = dir.resolve(file);
        if (Files.isDirectory(target)) {
            return "rank " + rank + " would write " + target + " (" + option + "), which is a directory: remove it or"
                + " give another " + option;
        }
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            return "rank " + rank + " would write under " + dir + " (" + option + "), but " + existing + " is a file:"
                + " give another " + option;
        }
        if (existing != null && !Files.isWritable(existing)) {
            return "rank " + rank + " cannot write under " + dir + " (" + option + "): " + existing + " is not"
                + " writable there";
        }
        if (Files.exists(target) && !Files.isWritable(target)) {
            return "rank " + rank + " cannot replace " + target + " (" + option + "): it is not writable";
        }
        return "";
    }

    private static void removeTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
