package org.gossipmpi.comm;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * A group of ranks that exchange messages: the transport under the peer-to-peer collective.
 *
 * <p>Three backends share these semantics and one contract test ({@code CommunicatorContractTest}):
 * {@code comm.mpi.MpiCommunicator} over Open MPI's Java bindings, {@code comm.nativempi.NativeCommunicator}
 * over the project's JNI layer (any MPI library) and {@code comm.local.LocalCommunicator} for ranks that are
 * threads of one JVM. Semantics follow MPI's:
 * <ul>
 *   <li>messages are matched by source and tag; two messages from one source with one tag arrive in the
 *       order they were sent (non-overtaking);</li>
 *   <li>{@link #iSend} and {@link #iRecv} only post: the buffer belongs to the operation until
 *       {@link #waitAll} says it completed, so the caller must neither write a send buffer nor read a
 *       receive buffer before then;</li>
 *   <li>a send may not complete before its receive is posted (rendezvous), so a rank must post its
 *       receives before it waits on its sends;</li>
 *   <li>every wait, including the ones inside {@link #barrier()} and {@link #allreduceSum}, has a deadline
 *       and fails with a {@link CommTimeoutException} that names rank, peer, tag and time waited.</li>
 * </ul>
 * Buffers must be direct {@link ByteBuffer}s/{@link FloatBuffer}s (no JNI copy). Positions and limits of
 * the buffers are neither read nor changed: offsets and lengths are explicit.
 *
 * <p>A communicator is used by one thread at a time. Another thread may take it over when the handover is ordered
 * (the first thread starts, joins or unlocks for the second, and makes no call until it is handed back), which MPI
 * calls MPI_THREAD_SERIALIZED: the MPI backends ask for it, and {@link #allowsHandover()} says whether the MPI
 * library granted it.
 */
public interface Communicator extends AutoCloseable {

    /** This process's (or thread's) rank, in [0, size). */
    int rank();

    /** The number of ranks. */
    int size();

    /** The backend's name: "openmpi-java (version)", "native (library)" or "local". */
    String backend();

    /** The deadline that {@link #waitAll(Request[], int)}, {@link #barrier()} and {@link #allreduceSum} use. */
    long defaultTimeoutNanos();

    /** A new, idle request handle of this backend, to be reused for many operations. */
    Request newRequest();

    /**
     * Posts a non-blocking send of {@code buf[offset, offset + length)} to {@code dest}.
     *
     * @param buf    direct buffer, not modified; must not be written until the request completes
     * @param req    an idle request of this communicator, modified (posted)
     * @throws IllegalArgumentException for a heap buffer, a range outside the buffer, or a bad rank or tag
     */
    void iSend(ByteBuffer buf, int offset, int length, int dest, int tag, Request req);

    /**
     * Posts a non-blocking receive of at most {@code capacity} bytes from {@code source} with {@code tag}
     * into {@code buf[offset, ...)}. After completion {@link Request#receivedBytes()} tells the length; a
     * longer message fails the wait with a {@link CommException} (never writes past the capacity).
     *
     * @param buf direct buffer, modified by the completed receive
     * @param req an idle request of this communicator, modified (posted)
     */
    void iRecv(ByteBuffer buf, int offset, int capacity, int source, int tag, Request req);

    /**
     * Waits until {@code requests[from, to)} have all completed, or fails when {@code timeoutNanos} pass.
     *
     * @throws CommTimeoutException naming the first request still pending at the deadline
     * @throws CommException        on a transport error or an aborted world
     */
    void waitAll(Request[] requests, int from, int to, long timeoutNanos);

    /** Waits until {@code requests[0, count)} have all completed, or fails when {@code timeoutNanos} pass. */
    default void waitAll(Request[] requests, int count, long timeoutNanos) {
        waitAll(requests, 0, count, timeoutNanos);
    }

    /** {@link #waitAll(Request[], int, long)} with the default deadline. */
    default void waitAll(Request[] requests, int count) {
        waitAll(requests, 0, count, defaultTimeoutNanos());
    }

    /**
     * Waits until one of {@code requests[from, to)} has completed and returns its index (the lowest completed one
     * when several have), or fails when {@code timeoutNanos} pass. Requests that are idle or already reported are the
     * caller's to leave out of the range or to re-post: a completed request stays completed.
     *
     * @throws CommTimeoutException naming the ranks waited on, when none completed by the deadline
     * @throws CommException        on a transport error or an aborted world
     */
    int waitAny(Request[] requests, int from, int to, long timeoutNanos);

    /**
     * Whether a thread other than the one that made this communicator may use it, one thread at a time (see the
     * class comment): true in-process; under MPI, when the library provides MPI_THREAD_SERIALIZED.
     */
    boolean allowsHandover();

    /**
     * Advances the transport and returns whether {@code req} (posted) has completed, without waiting: what a
     * rank calls between chunks of computation so that messages in flight keep moving (MPI progresses
     * messages only inside MPI calls).
     *
     * @throws CommException on a transport error
     */
    boolean test(Request req);

    /**
     * Cancels a pending receive (for example after its wait timed out), so that its buffer is free again.
     * A request that already completed is left as it is.
     */
    void cancel(Request req);

    /**
     * Replaces {@code buf[0, count)} by its element-wise sum over all ranks (in place). Every rank gets the
     * same bits. All ranks must pass the same count.
     *
     * @param buf direct float buffer, modified
     */
    void allreduceSum(FloatBuffer buf, int count);

    /** Returns when all ranks have called it, or fails at the default deadline. */
    void barrier();

    /**
     * Ends the whole job: under MPI all processes are killed with {@code code}; in-process ranks are
     * woken with a {@link CommException}. Does not return normally.
     */
    void abort(int code, String reason);

    /** Releases the communicator (MPI_Finalize for the MPI backend). */
    @Override
    void close();
}
