package org.gossipmpi.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Files that a reader sees whole or not at all: written to a temporary sibling, optionally forced to disk, then
 * renamed over the target. The temporary is created like any new file, with mode 0666 less the process's umask
 * ({@code Files.createTempFile} would make it 0600, and the rename keeps that mode, so a cluster group could not
 * read a run's files). When anything fails (a full disk, a vanished directory) the temporary is removed and the
 * target keeps its earlier content; the exception names the file.
 */
public final class AtomicFiles {
    /** What goes into the file. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes {@code text} as UTF-8 into {@code file}, whole. */
    public static void writeString(Path file, CharSequence text) throws IOException {
        final byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        write(file, false, out -> out.write(bytes));
    }

    /**
     * Writes {@code file} whole from {@code body}.
     *
     * @param force whether the data and the rename are forced to disk before returning (checkpoints)
     * @param body  writes the content; an {@link java.io.UncheckedIOException} it throws counts as its IOException
     * @throws IOException naming {@code file}; the file is then as it was before the call
     */
    public static void write(Path file, boolean force, Body body) throws IOException {
        final Path dir = file.toAbsolutePath().getParent();
        final Path tmp = createTemporary(dir, file.getFileName().toString());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                final OutputStream out = Channels.newOutputStream(ch);
                body.write(out);
                out.flush();
                if (force) {
                    ch.force(true);
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically", e);
            }
            if (force) {
                forceDirectory(dir);
            }
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + reason(e), e);
        } catch (java.io.UncheckedIOException e) {
            // a body whose writes cannot throw IOException (a State visitor) wraps them
            throw new IOException("cannot write " + file + ": " + reason(e.getCause()), e.getCause());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A new, empty, uniquely named hidden file in {@code dir}, made with the umask's mode. */
    private static Path createTemporary(Path dir, String name) throws IOException {
        while (true) {
            final Path tmp = dir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
            try {
                FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                // another writer's temporary: draw another name
            } catch (IOException e) {
                throw new IOException("cannot create a file in " + dir + ": " + reason(e), e);
            }
        }
    }

    /** Forces a directory's entries (a rename, a new file) to disk, where the file system allows it. */
    public static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some file systems cannot open a directory; the rename is then as durable as they make it
        }
    }

    /** An I/O failure in words: the message without a repeated path, or the exception's kind. */
    public static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException fse) {
            final String why = fse.getReason();
            if (why != null) {
                return why;
            }
            return e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                .toLowerCase(java.util.Locale.ROOT);
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
