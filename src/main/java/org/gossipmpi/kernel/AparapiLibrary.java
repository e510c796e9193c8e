package org.gossipmpi.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Aparapi copies its native library into a new directory under {@code java.io.tmpdir} ({@code Aparapi<digits>/
 * libaparapi.so}, 2.8 MB) each time a JVM loads it, and leaves the removal to the JVM's orderly exit. A rank that
 * aborts (MPI_Abort, then a halt) or that the MPI runtime kills after another rank failed never gets there, so
 * every failed run left one copy a rank in the node's temporary directory. Once the library is loaded its file is
 * no longer needed (the process keeps its mapping), so this removes the copy right away.
 */
final class AparapiLibrary {
    private static boolean removed;

    private AparapiLibrary() {
    }

    /**
     * Removes this process's copy of Aparapi's native library, if it has loaded one from the temporary directory
     * (found in /proc/self/maps); once per process, and never an error: a copy that cannot be removed stays.
     */
    static synchronized void removeCopy() {
        if (removed) {
            return;
        }
        final Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        try (BufferedReader maps = Files.newBufferedReader(Path.of("/proc/self/maps"))) {
            String line;
            while ((line = maps.readLine()) != null) {
                final int at = line.indexOf('/');
                if (at < 0 || !line.endsWith("/libaparapi.so")) {
                    continue; // not a file, another file, or one already removed (" (deleted)")
                }
                final Path lib = Path.of(line.substring(at));
                final Path dir = lib.getParent();
                if (dir != null && dir.getFileName().toString().startsWith("Aparapi") && tmp.equals(dir.getParent())) {
                    Files.deleteIfExists(lib);
                    Files.deleteIfExists(dir);
                    removed = true;
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the copy is not ours to remove: it stays, as it did before
        }
    }
}
