package org.gossipmpi.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's memory as the kernel counts it (Linux /proc), and its age, for sizing jobs. */
public final class MemoryUse {
    private MemoryUse() {
    }

    /** The peak resident set size of this process in bytes (VmHWM), or -1 where the kernel does not say. */
    public static long peakResidentBytes() {
        final long kb = statusKilobytes("VmHWM:");
        return kb < 0 ? -1 : kb * 1024;
    }

    /** Seconds since this JVM started. */
    public static double uptimeSeconds() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
    }

    /** A /proc/self/status field in kB, or -1 when absent. */
    private static long statusKilobytes(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith(field)) {
                    final String v = line.substring(field.length()).trim();
                    final int space = v.indexOf(' ');
                    return Long.parseLong(space < 0 ? v : v.substring(0, space));
                }
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            return -1;
        }
        return -1;
    }
}
