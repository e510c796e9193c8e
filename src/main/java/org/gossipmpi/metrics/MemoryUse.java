package org.gossipmpi.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's memory as the kernel counts it (Linux /proc), its age, for sizing jobs, and the heap bytes a
 * thread allocates, for checking that a hot path allocates nothing.
 */
public final class MemoryUse {
    /** The JVM's per-thread allocation counter, or null where it has none or has it off. */
    private static final com.sun.management.ThreadMXBean THREADS = allocationCounter();

    private MemoryUse() {
    }

    /**
     * The heap bytes the calling thread has allocated since it started (the JVM's count; HotSpot's includes what
     * the thread's current allocation buffer holds), or -1 where this JVM does not count them. Allocates nothing.
     */
    public static long threadAllocatedBytes() {
        return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
    }

    private static com.sun.management.ThreadMXBean allocationCounter() {
        final java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean counter) || !counter.isThreadAllocatedMemorySupported()
            || !counter.isThreadAllocatedMemoryEnabled()) {
            return null;
        }
        return counter;
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
