package org.gossipmpi.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import org.gossipmpi.comm.CommException;
import org.gossipmpi.comm.Communicator;
import org.gossipmpi.comm.Request;

/**
 * Sum-allreduce of a direct buffer over the communicator's point-to-point messages, in place: a ring
 * reduce-scatter then a ring all-gather (Patarasuk and Yuan's bandwidth-optimal all-reduce, the one gloo and NCCL
 * run), pipelined. The vector is cut into n chunks and every chunk into the same number of segments; each segment
 * travels the ring on its own, so one segment is being added and sent on while the next is still on the wire,
 * and the link stays busy. Every rank sends 2 (n-1)/n of the vector, all of it to its successor, and receives as
 * much from its predecessor.
 *
 * <p>Every rank ends with the same bits: chunk c is summed once, along the ring from rank c to rank c - 1 (each
 * adds its own values to the sum it received: {@code own + received}), and the result is copied to the others.
 * The sum's order differs from the MPI library's, so a run's bits differ from a run with
 * {@link Communicator#allreduceSum}, not its arithmetic.
 *
 * <p>Segments use tags from a tag base ({@link #TAG_BASE} for a whole vector) up to base + {@link #MAX_SEGMENTS};
 * consecutive calls need no barrier between them (messages of one source and tag do not overtake), and rings of
 * disjoint ranges with disjoint tags may run at once. A sum can be started, moved on between the pieces of a
 * computation and finished ({@link #start}, {@link #advance}, {@link #finish}). A vector shorter than the rank count
 * leaves some chunks empty: their messages are empty. Every wait has the communicator's deadline. Allocates
 * nothing per call.
 */
public final class RingAllreduce {
    /** The tag of segment 0 of a whole vector's ring; segment j uses {@code TAG_BASE + j}. */
    public static final int TAG_BASE = 12_000;
    /** The most segments a chunk is cut into (and tags used). */
    public static final int MAX_SEGMENTS = 256;
    /**
     * The floats of a segment that a chunk is cut into when it is long enough: 62 KiB, under the 64 KiB up to which
     * Open MPI's TCP transport sends a message at once (eager). A longer message waits for its receiver's reply
     * (rendezvous), and on a loaded link that reply queues behind the receiver's own outgoing data, so every segment
     * of a rendezvous size waits a queue's time before it moves (bench/results/peers.md: the ring before and after).
     */
    public static final int SEGMENT_FLOATS = 15_872;

    private final Communicator comm;
    private final FloatBuffer values;
    private final ByteBuffer data;
    private final int count;
    private final int tagBase;
    private final int n;
    private final int rank;
    private final int next;
    private final int prev;
    private final int segments;
    private final int[] chunkStart;
    /** One receive slot a segment, {@link #slotFloats} floats each. */
    private final ByteBuffer scratch;
    private final FloatBuffer scratchValues;
    private final int slotFloats;
    /** The receive of each segment, reposted for every step; ordered so that the unfinished ones come first. */
    private final Request[] receives;
    private final int[] segmentAt;
    /** Receives each segment has completed in the current call: its step, 0 to 2 (n - 1). */
    private final int[] stepOf;
    /** sends[step * segments + j]: the send of segment j at step (reduce-scatter steps, then all-gather's). */
    private final Request[] sends;
    /** The segments of the sum in flight not yet through all their steps: {@code receives[0, active)}. */
    private int active;

    /**
     * @param comm   the ranks; every one makes its own with the same count
     * @param data   the direct buffer of the vector, in the platform's byte order, summed in place by {@link #sum}
     * @param count  the floats of the vector, at the start of {@code data}
     */
    public RingAllreduce(Communicator comm, ByteBuffer data, int count) {
        this(comm, data, 0, count, TAG_BASE);
    }

    /**
     * A ring over the floats {@code [offset, offset + count)} of {@code data}, whose segments use the tags from
     * {@code tagBase} up to {@code tagBase + }{@link #segments()}: rings of disjoint ranges with disjoint tags may be
     * in flight at once (the buckets of {@link AllreduceAverage}).
     *
     * @param comm    the ranks; every one makes its own with the same offset, count and tag base
     * @param data    the direct buffer, in the platform's byte order, summed in place
     * @param offset  the first float of the range
     * @param count   the floats of the range
     * @param tagBase the tag of segment 0
     */
    public RingAllreduce(Communicator comm, ByteBuffer data, int offset, int count, int tagBase) {
        if (!data.isDirect()) {
            throw new IllegalArgumentException("the ring all-reduce needs a direct buffer");
        }
        if (count < 1 || offset < 0 || 4L * (offset + (long) count) > data.capacity()) {
            throw new IllegalArgumentException("floats [" + offset + ", " + (offset + (long) count) + ") do not fit a"
                + " buffer of " + data.capacity() + " bytes");
        }
        this.comm = comm;
        this.data = data;
        this.values = data.duplicate().order(ByteOrder.nativeOrder()).clear().asFloatBuffer();
        this.count = count;
        this.tagBase = tagBase;
        this.n = comm.size();
        this.rank = comm.rank();
        this.next = (rank + 1) % n;
        this.prev = (rank - 1 + n) % n;
        this.chunkStart = new int[n + 1];
        for (int c = 0; c <= n; c++) {
            chunkStart[c] = offset + (int) ((long) count * c / n);
        }
        final int shortest = count / n;
        final int longest = (count + n - 1) / n;
        this.segments = Math.max(1, Math.min(Math.min(MAX_SEGMENTS, Math.max(1, shortest)),
            (longest + SEGMENT_FLOATS - 1) / SEGMENT_FLOATS));
        this.slotFloats = longest / segments + 1;
        this.scratch = ByteBuffer.allocateDirect(4 * slotFloats * segments).order(ByteOrder.nativeOrder());
        this.scratchValues = scratch.asFloatBuffer();
        this.receives = new Request[segments];
        this.segmentAt = new int[segments];
        this.stepOf = new int[segments];
        final int steps = n == 1 ? 0 : 2 * (n - 1);
        this.sends = new Request[steps * segments];
        for (int j = 0; j < segments; j++) {
            receives[j] = comm.newRequest();
        }
        for (int i = 0; i < sends.length; i++) {
            sends[i] = comm.newRequest();
        }
    }

    /** The segments each chunk is cut into. */
    public int segments() {
        return segments;
    }

    /** Replaces the vector by its element-wise sum over all ranks; every rank gets the same bits. */
    public void sum() {
        start();
        finish();
    }

    /**
     * Starts {@link #sum}: posts the first step of every segment and returns. {@link #advance} moves it on without
     * waiting, {@link #finish} completes it; the vector must not be touched in between.
     */
    public void start() {
        if (n == 1) {
            active = 0;
            return;
        }
        for (int j = 0; j < segments; j++) {
            segmentAt[j] = j;
            stepOf[j] = 0;
            postReceive(j, receives[j], 0);
            postSend(j, 0);
        }
        active = segments;
    }

    /**
     * Takes the segments that have arrived a step further, without waiting (what a computation calls between its
     * pieces while this sum is in flight), up to the first one still on its way: testing it drives the transport,
     * and each further test would drive it again, which costs more than waiting for the next call. Returns whether
     * the sum is complete but for its last sends.
     */
    public boolean advance() {
        int at = 0;
        while (at < active) {
            if (!comm.test(receives[at]) || !sendFreed(at)) {
                return false;
            }
            if (!take(at)) {
                at++;
            }
        }
        return true;
    }

    /** Waits until the sum {@link #start} began is complete (every wait with the communicator's deadline). */
    public void finish() {
        if (n == 1) {
            return;
        }
        final long deadline = comm.defaultTimeoutNanos();
        while (active > 0) {
            final int at = comm.waitAny(receives, 0, active, deadline);
            final int step = stepOf[segmentAt[at]];
            if (step >= n - 1) {
                // the reduce-scatter sent this chunk at step - (n - 1): that send must be out before it is overwritten
                final int send = (step - (n - 1)) * segments + segmentAt[at];
                comm.waitAll(sends, send, send + 1, deadline);
            }
            take(at);
        }
        // the reduce-scatter's sends were waited for above; the all-gather's are the last (n - 1) steps
        comm.waitAll(sends, (n - 1) * segments, sends.length, deadline);
    }

    /** Whether the receive at {@code at} may be taken now: in the all-gather, once the chunk's earlier send is out. */
    private boolean sendFreed(int at) {
        final int step = stepOf[segmentAt[at]];
        return step < n - 1 || comm.test(sends[(step - (n - 1)) * segments + segmentAt[at]]);
    }

    /**
     * Takes the completed receive at {@code at}: adds or copies its segment and posts the segment's next step.
     * Returns whether the segment is done (its entry then moved past the active ones, another moved to {@code at}).
     */
    private boolean take(int at) {
        final Request done = receives[at];
        final int j = segmentAt[at];
        final int step = stepOf[j]++;
        final int c = receivedChunk(step);
        final int from = segmentStart(c, j);
        final int length = segmentStart(c, j + 1) - from;
        if (done.receivedBytes() != 4 * length) {
            throw new CommException("rank " + rank + ": the ring all-reduce got " + done.receivedBytes()
                + " bytes from rank " + prev + " for a segment of " + 4 * length + ": the ranks' vectors"
                + " differ in length");
        }
        final int slot = j * slotFloats;
        if (step < n - 1) {
            for (int i = 0; i < length; i++) {
                values.put(from + i, values.get(from + i) + scratchValues.get(slot + i));
            }
        } else {
            for (int i = 0; i < length; i++) {
                values.put(from + i, scratchValues.get(slot + i));
            }
        }
        if (step + 1 < 2 * (n - 1)) {
            postReceive(j, done, step + 1);
            postSend(j, step + 1);
            return false;
        }
        active--;
        receives[at] = receives[active];
        segmentAt[at] = segmentAt[active];
        receives[active] = done;
        segmentAt[active] = j;
        return true;
    }

    /** The chunk received at {@code step}: rank - step - 1 in the reduce-scatter, rank - (step - (n - 1)) after. */
    private int receivedChunk(int step) {
        final int back = step < n - 1 ? step + 1 : step - (n - 1);
        return Math.floorMod(rank - back, n);
    }

    /** The chunk sent at {@code step}: rank - step in the reduce-scatter, rank + 1 - (step - (n - 1)) after. */
    private int sentChunk(int step) {
        return step < n - 1 ? Math.floorMod(rank - step, n) : Math.floorMod(rank + 1 - (step - (n - 1)), n);
    }

    /** The first float of segment {@code j} of chunk {@code c} (j = segments: the chunk's end). */
    private int segmentStart(int c, int j) {
        final int start = chunkStart[c];
        return start + (int) ((long) (chunkStart[c + 1] - start) * j / segments);
    }

    private void postReceive(int j, Request req, int step) {
        final int c = receivedChunk(step);
        final int length = segmentStart(c, j + 1) - segmentStart(c, j);
        comm.iRecv(scratch, 4 * j * slotFloats, 4 * length, prev, tagBase + j, req);
    }

    private void postSend(int j, int step) {
        final int c = sentChunk(step);
        final int from = segmentStart(c, j);
        comm.iSend(data, 4 * from, 4 * (segmentStart(c, j + 1) - from), next, tagBase + j, sends[step * segments + j]);
    }

    /** The floats it sums. */
    public int count() {
        return count;
    }
}
