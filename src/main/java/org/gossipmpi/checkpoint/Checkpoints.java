package org.gossipmpi.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.gossipmpi.comm.Communicator;
import org.gossipmpi.comm.Messages;
import org.gossipmpi.io.AtomicFiles;

/**
 * The checkpoints of one run, under {@code DIR/RUN/step-NNNNNNNNNNNN/}: one file per rank
 * ({@code rank-R.ckpt}, {@link CheckpointFile}) and, once every rank has written its file, a marker
 * ({@code COMPLETE}) that rank 0 writes after the ranks have agreed. Only marked steps are resumed from; the
 * last {@value #KEEP} are kept. Every rank must see DIR (a shared file system on a cluster).
 */
public final class Checkpoints {
    /** Complete checkpoints kept; older ones are removed after a new one is complete. */
    public static final int KEEP = 2;
    static final String MARKER = "COMPLETE";
    private static final String PREFIX = "step-";
    private static final int TAG = 960;

    private final Path dir;
    private final long every;
    private final Communicator comm;
    private final String fingerprint;
    private final Part[] parts;

    /**
     * A file of a rank's checkpoint besides its state file, which its owner writes and reads itself (the
     * optimizer's {@code save} and {@code restore}): {@code rank-R.NAME} in the step's directory. Each must write
     * its file whole or not at all, and refuse a file it cannot take with an exception naming the file.
     */
    public record Part(String name, java.util.function.Consumer<Path> write, java.util.function.Consumer<Path> read) {
    }

    /**
     * @param fingerprint the settings that shape the trajectory, as {@code name=value} lines; a checkpoint
     *                    written under other ones is refused naming the first that differs
     * @param parts       the other files of each rank's checkpoint
     */
    public Checkpoints(CheckpointSettings settings, String run, Communicator comm, String fingerprint, Part... parts) {
        this.dir = settings.dir().resolve(run);
        this.every = settings.every();
        this.comm = comm;
        this.fingerprint = fingerprint;
        this.parts = parts.clone();
    }

    public Path dir() {
        return dir;
    }

    /**
     * Whether the run, at step t (steps done) after step {@code before} (its last stop: t - 1, or an asynchronous
     * run's previous pause), is due a checkpoint: it passed a multiple of the interval, or {@code last}, the run ends.
     */
    public boolean due(long before, long t, boolean last) {
        return t > 0 && (t / every > before / every || last);
    }

    static Path stepDir(Path runDir, long step) {
        return runDir.resolve(String.format("%s%012d", PREFIX, step));
    }

    static Path rankFile(Path stepDir, int rank) {
        return stepDir.resolve("rank-" + rank + ".ckpt");
    }

    private static Path partFile(Path stepDir, int rank, Part part) {
        return stepDir.resolve("rank-" + rank + "." + part.name());
    }

    /**
     * Every rank writes its state after {@code step} steps; when all have, rank 0 marks the step complete and
     * removes the checkpoints older than the last {@value #KEEP}. A rank that cannot write stops every rank
     * with its reason (the previous checkpoint stays).
     */
    public void save(long step, Stateful state) {
        final Path stepDir = stepDir(dir, step);
        String problem = "";
        try {
            Files.createDirectories(stepDir);
            CheckpointFile.write(rankFile(stepDir, comm.rank()),
                new CheckpointFile.Header(comm.rank(), comm.size(), step, fingerprint), state);
            for (Part p : parts) {
                p.write().accept(partFile(stepDir, comm.rank(), p));
            }
        } catch (java.io.UncheckedIOException e) {
            problem = "rank " + comm.rank() + " could not write its checkpoint of step " + step + " under " + stepDir
                + " ({checkpoint}): " + AtomicFiles.reason(e.getCause());
        } catch (IOException e) {
            problem = "rank " + comm.rank() + " could not write its checkpoint of step " + step + " under " + stepDir
                + " ({checkpoint}): " + AtomicFiles.reason(e);
        } catch (CheckpointException | UnsupportedOperationException e) {
            problem = "rank " + comm.rank() + " could not write its checkpoint of step " + step + " under " + stepDir
                + " ({checkpoint}): " + e.getMessage();
        }
        problem = Messages.firstProblem(comm, TAG, problem);
        if (!problem.isEmpty()) {
            throw new CheckpointException(problem + "; the previous checkpoint is kept");
        }
        if (comm.rank() == 0) {
            try {
                AtomicFiles.write(stepDir.resolve(MARKER), true, out -> out.write(("step " + step + "\nranks "
                    + comm.size() + "\n").getBytes(StandardCharsets.UTF_8)));
                prune();
            } catch (IOException e) {
                throw new CheckpointException("rank 0 could not mark the checkpoint of step " + step + " complete under "
                    + stepDir + " ({checkpoint}): " + AtomicFiles.reason(e) + "; the previous checkpoint is kept", e);
            }
        }
    }

    /** Whether run {@code run} has a complete checkpoint under {@code dir} (the checkpoint directory). */
    public static boolean hasComplete(Path dir, String run) throws IOException {
        return dir != null && !completeSteps(dir.resolve(run)).isEmpty();
    }

    /** Complete steps under {@code runDir}, newest first. */
    static List<Long> completeSteps(Path runDir) throws IOException {
        final List<Long> steps = new ArrayList<>();
        if (!Files.isDirectory(runDir)) {
            return steps;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(runDir, PREFIX + "*")) {
            for (Path p : ds) {
                final Long step = stepOf(p);
                if (step != null && Files.isRegularFile(p.resolve(MARKER))) {
                    steps.add(step);
                }
            }
        }
        steps.sort(Comparator.reverseOrder());
        return steps;
    }

    private static Long stepOf(Path stepDir) {
        try {
            return Long.parseLong(stepDir.getFileName().toString().substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Removes step directories older than the {@value #KEEP} newest complete ones (complete or not). */
    private void prune() throws IOException {
        final List<Long> complete = completeSteps(dir);
        if (complete.size() <= KEEP) {
            return;
        }
        final long oldestKept = complete.get(KEEP - 1);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path p : ds) {
                final Long step = stepOf(p);
                if (step != null && step < oldestKept) {
                    removeTree(p);
                }
            }
        }
    }

    private static void removeTree(Path p) throws IOException {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /**
     * With {@code resume}: restores {@code state} from the newest checkpoint that rank 0 finds complete, on
     * every rank, and returns its step; returns -1 (state untouched) when there is none. Stops every rank,
     * naming the rank and the file, when a rank's file is missing, damaged, or written with other settings.
     */
    public long resume(Stateful state) {
        String candidate = "";
        if (comm.rank() == 0) {
            try {
                final List<Long> steps = completeSteps(dir);
                candidate = steps.isEmpty() ? "" : Long.toString(steps.get(0));
            } catch (IOException e) {
                candidate = "!" + "rank 0 cannot list the checkpoints under " + dir + ": " + e.getMessage();
            }
        }
        candidate = Messages.broadcast(comm, TAG, candidate);
        if (candidate.startsWith("!")) {
            throw new CheckpointException(candidate.substring(1));
        }
        if (candidate.isEmpty()) {
            return -1;
        }
        final long step = Long.parseLong(candidate);
        final Path file = rankFile(stepDir(dir, step), comm.rank());
        String problem = "";
        try {
            if (!Files.isRegularFile(file)) {
                throw new CheckpointException("rank " + comm.rank() + " finds no " + file + ", though rank 0 finds the"
                    + " checkpoint of step " + step + " complete: " + (comm.backend().startsWith("local")
                    ? "the file was removed or moved after it was written (all ranks of this process see the same"
                    + " directory); remove " + stepDir(dir, step) + " to resume from the checkpoint before it"
                    : "{checkpoint} must be a directory every rank sees (a shared file system), or the file was"
                    + " removed after it was written"));
            }
            final CheckpointFile.Loaded loaded = CheckpointFile.read(file);
            final CheckpointFile.Header h = loaded.header();
            if (h.ranks() != comm.size() || h.rank() != comm.rank() || h.step() != step) {
                throw new CheckpointException("checkpoint " + file + " was written by rank " + h.rank() + " of "
                    + h.ranks() + " at step " + h.step() + "; this is rank " + comm.rank() + " of " + comm.size()
                    + ": resume with as many ranks as the first run had");
            }
            final String differs = difference(h.fingerprint(), fingerprint);
            if (differs != null) {
                throw new CheckpointException("checkpoint " + file + " was written " + differs + ": resume with the"
                    + " first run's settings (only {steps} or {epochs}, {evalEvery}, {targetLoss}, {out} and"
                    + " {saveModel} may change), or give another {checkpoint} to start afresh");
            }
            state.state(loaded.state());
            loaded.finish();
            for (Part p : parts) {
                final Path f = partFile(stepDir(dir, step), comm.rank(), p);
                if (!Files.isRegularFile(f)) {
                    throw new CheckpointException("rank " + comm.rank() + " finds no " + f + " beside " + file);
                }
                p.read().accept(f);
            }
        } catch (CheckpointException | IllegalArgumentException e) {
            problem = e instanceof org.gossipmpi.config.Templated ? ((org.gossipmpi.config.Templated) e).template()
                : e.getMessage();
        }
        problem = Messages.firstProblem(comm, TAG, problem);
        if (!problem.isEmpty()) {
            throw new CheckpointException(problem);
        }
        return step;
    }

    /** "with {SETTING} A; this run has {SETTING} B" for the first differing line, or null when they agree. */
    static String difference(String theirs, String ours) {
        return difference(theirs, ours, "this run");
    }

    /**
     * How two fingerprints ("name=value" lines) differ: "with {NAME} A; HOLDER has {NAME} B" for the first line
     * that differs (NAME as a {@code config.SettingException} template), or null when they agree.
     */
    public static String difference(String theirs, String ours, String holder) {
        final String[] a = theirs.split("\n");
        final String[] b = ours.split("\n");
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            final String x = i < a.length ? a[i] : "";
            final String y = i < b.length ? b[i] : "";
            if (!x.equals(y)) {
                final String name = (x.isEmpty() ? y : x).split("=", 2)[0];
                return "with {" + name + "} " + value(x) + "; " + holder + " has {" + name + "} " + value(y);
            }
        }
        return null;
    }

    private static String value(String line) {
        final int eq = line.indexOf('=');
        return eq < 0 ? "(none)" : line.substring(eq + 1);
    }
}
