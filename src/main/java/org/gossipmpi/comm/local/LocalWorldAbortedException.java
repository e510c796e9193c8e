package org.gossipmpi.comm.local;

import org.gossipmpi.comm.CommException;

/** Thrown into a rank's wait when another rank of the same in-process world failed or aborted. */
public final class LocalWorldAbortedException extends CommException {
    private static final long serialVersionUID = 1L;

    LocalWorldAbortedException(int rank, String reason) {
        super("rank " + rank + ": stopped because " + reason);
    }
}
