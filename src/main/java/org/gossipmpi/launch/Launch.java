package org.gossipmpi.launch;

import java.util.Locale;

import org.gossipmpi.config.SettingException;

/**
 * How ranks are started: in-process ranks ({@code ranks}), the backend that carries their messages, and the
 * deadline of every wait. The same settings for the library ({@code GossipWorld}) and every command.
 *
 * @param ranks        in-process ranks, or null when not given (one, or the MPI launcher's count)
 * @param backend      which transport carries the messages
 * @param timeoutNanos the deadline of every wait for a neighbour or a collective
 */
public record Launch(Integer ranks, Backend backend, long timeoutNanos) {
    /** The default deadline: 60 s. */
    public static final long DEFAULT_TIMEOUT_NANOS = 60_000_000_000L;

    /** Which transport carries the ranks' messages. */
    public enum Backend {
        /** MPI when started by an MPI launcher (the bindings under Open MPI with mpi.jar, else native), else local. */
        AUTO,
        /** MPI, with the backend {@code AUTO} picks. */
        MPI,
        /** Open MPI's Java bindings. */
        OPENMPI_JAVA,
        /** gossip-mpi's C layer over any MPI. */
        NATIVE,
        /** In-process ranks (threads). */
        LOCAL;

        /** Its name in settings: auto, mpi, openmpi-java, native, local. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        @Override
        public String toString() {
            return label();
        }

        /** The backend named {@code s}. */
        public static Backend parse(String s) {
            for (Backend b : values()) {
                if (b.label().equals(s)) {
                    return b;
                }
            }
            throw new SettingException("backend", "unknown {backend} '" + s + "'; valid: auto, mpi, openmpi-java,"
                + " native, local");
        }
    }

    public Launch {
        if (ranks != null && ranks < 1) {
            throw new SettingException("ranks", "{ranks} must be >= 1, got " + ranks);
        }
        if (timeoutNanos <= 0) {
            throw new SettingException("timeout", "{timeout} must be positive");
        }
    }

    /** The defaults: no in-process ranks asked for, auto backend, 60 s deadline. */
    public static Launch defaults() {
        return new Launch(null, Backend.AUTO, DEFAULT_TIMEOUT_NANOS);
    }

    /** A deadline in seconds, checked: (0, 1e6]. */
    public static long timeoutNanos(double seconds) {
        if (!(seconds > 0) || seconds > 1e6) {
            throw new SettingException("timeout", "{timeout} must be in (0, 1e6] seconds, got " + seconds);
        }
        return (long) (seconds * 1e9);
    }
}
