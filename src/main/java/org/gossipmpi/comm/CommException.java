package org.gossipmpi.comm;

/**
 * A communication failure: a transport error, a truncated message, a mismatched collective, or an
 * aborted world. Unchecked, since none of them can be handled locally: the job must stop.
 * Backends wrap their vendor exceptions in this one, so no vendor type leaves {@code comm}.
 */
public class CommException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommException(String message) {
        super(message);
    }

    public CommException(String message, Throwable cause) {
        super(message, cause);
    }
}
