package org.gossipmpi.collective;

import java.nio.ByteBuffer;

import org.gossipmpi.comm.CommException;
import org.gossipmpi.comm.CommTimeoutException;
import org.gossipmpi.comm.Communicator;
import org.gossipmpi.comm.Request;
import org.gossipmpi.compress.Compressor;
import org.gossipmpi.compress.PayloadDescriptor;
import org.gossipmpi.topology.MixingStep;
import org.gossipmpi.topology.Topology;

/**
 * The peer-to-peer collective: one rank's side of {@code target += sum_{j in N_t(i)} w_ij Q(v_j)}.
 *
 * <p>Per step: encode v once into a preallocated buffer; post an {@code iRecv} from every neighbour of step t
 * into its own buffer of {@code maxEncodedBytes(d)}; {@code iSend} the one payload to every rank that receives
 * from this one, right after encoding ({@link #start}); then, in {@link #finish}, take the neighbours' payloads
 * in the fixed order of {@link MixingStep#recvFrom}, each as soon as it has arrived: check its header and
 * {@code decodeAdd} it with its weight while the later ones are still on the wire. The fixed order keeps the
 * floating-point sum the same whatever order the messages arrive in. The self term w_ii Q(v_i) is the caller's,
 * since algorithms treat it differently; they decode it after {@link #start}, while the sends travel.
 *
 * <p>Tags carry the step's parity, so that a fast neighbour's next message cannot be matched to this step.
 * All buffers and requests are allocated at construction: a step allocates nothing. There is one set of
 * requests per step of the cycle lcm(2, period) of (tag parity, mixing step), so each request is posted with
 * the same buffer, peer and tag every time it is used, which lets the MPI backend keep it as a persistent
 * request. {@link #progress} lets a computation that overlaps the exchange move the messages along.
 *
 * <p>A step is {@link #encode}, then {@link #start}, then {@link #finish}, for the same step t; misuse that would
 * send a stale payload, or overwrite a payload still being sent, throws {@link IllegalStateException}.
 */
public final class NeighborExchange {
    /** Tags used: {@code TAG_BASE} and {@code TAG_BASE + 1}. */
    public static final int TAG_BASE = 100;

    private final Communicator comm;
    private final Topology topology;
    private final Compressor compressor;
    private final int dimension;
    private final ByteBuffer sendBuffer;
    private final ByteBuffer[] recvBuffers;
    /** requests[slot]: receives first (one per neighbour of the step), then sends. */
    private final Request[][] requests;
    private final int capacity;
    private Request[] current;
    private int currentRecvs;
    private int currentCount;
    private int lastEncodedBytes;
    /** The step whose payload the send buffer holds; meaningful once {@link #lastEncodedBytes} is positive. */
    private long encodedStep;
    private long bytesSent;
    private boolean inFlight;
    private long inFlightStep;

    /**
     * @param dimension d, the length of every vector exchanged
     */
    public NeighborExchange(Communicator comm, Topology topology, Compressor compressor, int dimension) {
        if (topology.size() != comm.size()) {
            throw new IllegalArgumentException("topology " + topology.name() + " has " + topology.size()
                + " ranks but the job has " + comm.size());
        }
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        this.comm = comm;
        this.topology = topology;
        this.compressor = compressor;
        this.dimension = dimension;
        this.capacity = compressor.maxEncodedBytes(dimension);
        this.sendBuffer = compressor.newPayloadBuffer(dimension);
        final int in = topology.maxInDegree();
        this.recvBuffers = new ByteBuffer[in];
        for (int k = 0; k < in; k++) {
            recvBuffers[k] = compressor.newPayloadBuffer(dimension);
        }
        final int period = topology.period();
        final int slots = period % 2 == 0 ? period : 2 * period;
        this.requests = new Request[slots][in + topology.maxOutDegree()];
        for (Request[] set : requests) {
            for (int k = 0; k < set.length; k++) {
                set[k] = comm.newRequest();
            }
        }
    }

    /**
     * Exchanges {@code Q(v)} with the neighbours of step {@code t} and adds their weighted payloads into
     * {@code target}: {@code target += sum_j w_ij Q(v_j)}. Returns the bytes this rank put on the wire.
     *
     * @param v      d floats to send, not modified
     * @param target d floats, modified
     * @throws CommException naming rank, neighbour, step and tag when a neighbour's message does not come in
     *                       time, or when its payload was encoded with other settings
     */
    public long exchange(long t, float[] v, float[] target) {
        encode(t, v);
        final long sent = start(t);
        finish(t, target, 1f);
        return sent;
    }

    /**
     * Posts the receives from the neighbours of step t and sends the payload {@link #encode} made for step t to
     * the ranks that listen to this one; returns at once, so the caller can compute while the messages travel
     * (overlap). {@link #finish} completes the step. Returns the bytes this rank puts on the wire: the payload's
     * length times the ranks it goes to.
     *
     * @throws IllegalStateException when step t was not encoded (the send buffer holds another step's payload, or
     *                               none) or another step is in flight
     */
    public long start(long t) {
        if (inFlight) {
            throw new IllegalStateException("start of step " + t + " while step " + inFlightStep + " is in flight:"
                + " finish it first");
        }
        if (lastEncodedBytes == 0 || encodedStep != t) {
            throw new IllegalStateException("start of step " + t + ", but " + (lastEncodedBytes == 0
                ? "nothing was encoded" : "the payload encoded is step " + encodedStep + "'s") + ": encode step " + t
                + " first");
        }
        final MixingStep w = topology.step(t);
        final int me = comm.rank();
        final int[] from = w.recvFrom(me);
        final int[] to = w.sendTo(me);
        final int tag = TAG_BASE + (int) (t & 1);
        final Request[] set = requests[(int) Math.floorMod(t, (long) requests.length)];
        for (int k = 0; k < from.length; k++) {
            comm.iRecv(recvBuffers[k], 0, capacity, from[k], tag, set[k]);
        }
        for (int k = 0; k < to.length; k++) {
            comm.iSend(sendBuffer, 0, lastEncodedBytes, to[k], tag, set[from.length + k]);
        }
        current = set;
        currentRecvs = from.length;
        currentCount = from.length + to.length;
        inFlight = true;
        inFlightStep = t;
        final long sent = (long) lastEncodedBytes * to.length;
        bytesSent += sent;
        return sent;
    }

    /** Bytes this exchange has put on the wire since it was made (payload lengths times the ranks sent to). */
    public long bytesSent() {
        return bytesSent;
    }

    /**
     * Moves the messages of the step in flight along without waiting (MPI progresses messages only inside its
     * calls): what a computation that overlaps the exchange calls between its chunks. Does nothing when no
     * step is in flight.
     */
    public void progress() {
        if (!inFlight) {
            return;
        }
        for (int k = 0; k < currentCount; k++) {
            if (!comm.test(current[k])) {
                return; // one test drives the transport; the rest can wait for the next call
            }
        }
    }

    /**
     * Waits for the messages of step t (posted by {@link #start}) and adds {@code scale * w_ij * Q(v_j)} of
     * every neighbour into {@code target}.
     *
     * @param target d floats, modified
     * @throws CommException naming rank, neighbour, step and tag when a neighbour's message does not come in
     *                       time, or when its payload was encoded with other settings
     */
    public void finish(long t, float[] target, float scale) {
        if (!inFlight || inFlightStep != t) {
            throw new IllegalStateException("finish of step " + t + " without its start");
        }
        inFlight = false;
        final MixingStep w = topology.step(t);
        final int me = comm.rank();
        final int[] from = w.recvFrom(me);
        final Request[] set = current;
        final long deadline = System.nanoTime() + comm.defaultTimeoutNanos();
        final double[] weights = w.recvWeights(me);
        for (int k = 0; k < currentRecvs; k++) {
            await(set, k, k + 1, deadline, t);
            final ByteBuffer payload = recvBuffers[k];
            final int length = set[k].receivedBytes();
            final String mismatch = PayloadDescriptor.mismatch(payload, length, compressor, dimension);
            if (mismatch != null) {
                throw new CommException("rank " + me + " got from rank " + from[k] + " at step " + t + " a payload with "
                    + mismatch + "; rank " + me + " expects " + PayloadDescriptor.describe(compressor.spec(),
                        compressor.id(), compressor.headerParameter(), dimension, PayloadDescriptor.VERSION)
                    + ": start every rank with the same settings");
            }
            compressor.decodeAdd(payload, length, (float) (scale * weights[k]), target);
        }
        await(set, currentRecvs, currentCount, deadline, t);
    }

    /**
     * Waits for requests [from, to) until the deadline. A late neighbour is named with the step it did not
     * complete: the ranks next to a stalled or dead rank wait for it first, so their deadlines pass first and
     * their message (the first one under mpirun, which then stops the job) names the cause.
     */
    private void await(Request[] set, int from, int to, long deadline, long t) {
        try {
            comm.waitAll(set, from, to, deadline - System.nanoTime());
        } catch (CommTimeoutException e) {
            if (e.peer() < 0) {
                throw new CommException(e.getMessage() + " in neighbour exchange step " + t);
            }
            final String late = "send".equals(e.what())
                ? "rank " + e.peer() + " did not take rank " + comm.rank() + "'s step-" + t + " payload"
                : "rank " + e.peer() + " did not send its step-" + t + " payload";
            throw new CommException("rank " + comm.rank() + ": " + late + " within " + comm.defaultTimeoutNanos() / 1_000_000
                + " ms ({timeout}) in the neighbour exchange of topology " + topology.name() + " (tag " + e.tag()
                + "): rank " + e.peer() + " stalled or died; where rank " + e.peer() + " reports waiting for"
                + " another rank in turn, that rank is the cause");
        }
    }

    /**
     * {@code target += weight * Q(v)} for this rank's own payload of the last {@link #encode}; may run while
     * that payload is being sent (it only reads the send buffer).
     *
     * @throws IllegalStateException when nothing was encoded
     */
    public void decodeOwn(float weight, float[] target) {
        if (lastEncodedBytes == 0) {
            throw new IllegalStateException("decodeOwn before encode: there is no payload of this rank's");
        }
        compressor.decodeAdd(sendBuffer, lastEncodedBytes, weight, target);
    }

    /**
     * {@code target1 += weight1 * Q} and {@code target2 += weight2 * Q} for this rank's last payload, read once where
     * the format allows ({@link Compressor#decodeAdd(ByteBuffer, int, float, float[], float, float[])}).
     */
    public void decodeOwn(float weight1, float[] target1, float weight2, float[] target2) {
        if (lastEncodedBytes == 0) {
            throw new IllegalStateException("decodeOwn before encode: there is no payload of this rank's");
        }
        compressor.decodeAdd(sendBuffer, lastEncodedBytes, weight1, target1, weight2, target2);
    }

    /**
     * Encodes {@code v} into the send buffer as step t's payload, for {@link #start}; returns its length.
     *
     * @throws IllegalStateException while a step is in flight: its payload is still being sent from that buffer
     */
    public int encode(long t, float[] v) {
        idle(t);
        return encoded(t, compressor.encode(v, 0, dimension, sendBuffer, t));
    }

    /**
     * Encodes {@code a - b} into the send buffer as step t's payload, where the compressor reads both operands
     * ({@link Compressor#encodesDifferences}); returns its length.
     *
     * @throws IllegalStateException while a step is in flight
     */
    public int encodeDifference(long t, float[] a, float[] b) {
        idle(t);
        return encoded(t, compressor.encodeDifference(a, b, 0, dimension, sendBuffer, t));
    }

    /** Refuses to encode step t while a step's payload is still being sent from the send buffer. */
    private void idle(long t) {
        if (inFlight) {
            throw new IllegalStateException("encode of step " + t + " while step " + inFlightStep + " is in flight"
                + " (its payload is still being sent from the send buffer): finish it first");
        }
    }

    private int encoded(long t, int bytes) {
        lastEncodedBytes = bytes;
        encodedStep = t;
        return bytes;
    }

    /** w_ii of step t for this rank. */
    public double selfWeight(long t) {
        return topology.step(t).selfWeight(comm.rank());
    }

    /** The length of the last encoded payload. */
    public int lastEncodedBytes() {
        return lastEncodedBytes;
    }

    public Compressor compressor() {
        return compressor;
    }

    public Topology topology() {
        return topology;
    }

    public int dimension() {
        return dimension;
    }
}
