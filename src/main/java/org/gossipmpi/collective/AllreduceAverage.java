package org.gossipmpi.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import org.gossipmpi.comm.Communicator;

/**
 * The centralized baseline: {@code x <- (1/n) sum_i x_i} over all ranks with one sum-allreduce of a preallocated
 * direct buffer: the MPI library's ({@link Communicator#allreduceSum}, {@code MPI_Iallreduce} under MPI) or
 * gossip-mpi's pipelined ring over point-to-point messages ({@link RingAllreduce}). Allocates nothing per call.
 *
 * <p>With buckets (the ring only), a sum can also run while the vector is being written, as DDP's does during the
 * backward pass: the vector is cut into at most {@link #MAX_BUCKETS} buckets of about {@link #BUCKET_FLOATS} floats,
 * each with a ring of its own tags; {@link #ready} starts a bucket's ring once all of its floats are reported final,
 * {@link #advance} moves the started rings on, and {@link #finish} starts the rest and completes all of them. The
 * buckets cut the vector otherwise than one ring's chunks, so the sums' bits differ from {@link #average}'s, not
 * their arithmetic.
 */
public final class AllreduceAverage {
    /** Whose all-reduce sums: the MPI library's collective, or gossip-mpi's {@link RingAllreduce}. */
    public enum Kind {
        MPI, RING;

        /** The kind named {@code mpi} or {@code ring}. */
        public static Kind parse(String name) {
            for (Kind k : values()) {
                if (k.name().toLowerCase(java.util.Locale.ROOT).equals(name)) {
                    return k;
                }
            }
            throw new org.gossipmpi.config.SettingException("allreduce", "unknown {allreduce} '" + name
                + "'; valid: mpi (the MPI library's MPI_Allreduce), ring (gossip-mpi's pipelined ring)");
        }

        /**
         * Refuses a kind that {@code algorithm} would not use: only the {@code allreduce} algorithm sums by all-reduce
         * in its steps, so the others take {@code MPI} (the default) alone.
         *
         * @throws org.gossipmpi.config.SettingException naming {@code allreduce}
         */
        public static void check(Kind kind, String algorithm) {
            if (kind == null) {
                throw new org.gossipmpi.config.SettingException("allreduce", "{allreduce} is null; give mpi or ring");
            }
            if (kind != MPI) {
                checkUsed(kind, algorithm);
            }
        }

        /**
         * Refuses {@code kind} given for an algorithm that sums by no all-reduce (every one but {@code allreduce}):
         * a setting it would ignore.
         *
         * @throws org.gossipmpi.config.SettingException naming {@code allreduce}
         */
        public static void checkUsed(Kind kind, String algorithm) {
            if (!algorithm.equals("allreduce")) {
                throw new org.gossipmpi.config.SettingException("allreduce", "{allreduce} " + kind.id()
                    + " chooses the all-reduce of the allreduce algorithm; " + algorithm + " sends only to its"
                    + " neighbours: drop {allreduce}");
            }
        }

        /** Its name in settings: {@code mpi} or {@code ring}. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The floats a bucket holds when the vector is long enough for several: 1 MiB (DDP's first bucket). */
    public static final int BUCKET_FLOATS = 1 << 18;
    /** The most buckets a vector is cut into (each uses {@link RingAllreduce#MAX_SEGMENTS} tags). */
    public static final int MAX_BUCKETS = 16;

    private final Communicator comm;
    private final int dimension;
    private final FloatBuffer buffer;
    private final RingAllreduce ring;
    /** The buckets' rings (with buckets only), bucket k over {@code [bucketStart[k], bucketStart[k + 1])}. */
    private final RingAllreduce[] buckets;
    private final int[] bucketStart;
    /** The floats of each bucket reported final in the sum in progress ({@code -1}: started). */
    private final int[] readyFloats;
    /** The floats reported final in the sum in progress (with buckets). */
    private final java.util.BitSet reported;

    /** An average by the MPI library's all-reduce. */
    public AllreduceAverage(Communicator comm, int dimension) {
        this(comm, dimension, Kind.MPI);
    }

    /** An average by the all-reduce of {@code kind}. */
    public AllreduceAverage(Communicator comm, int dimension, Kind kind) {
        this(comm, dimension, kind, false);
    }

    /**
     * An average by the all-reduce of {@code kind}, with buckets (see the class comment) when {@code buckets}.
     *
     * @throws IllegalArgumentException for buckets with {@link Kind#MPI}: they run on gossip-mpi's ring
     */
    public AllreduceAverage(Communicator comm, int dimension, Kind kind, boolean buckets) {
        if (buckets && kind != Kind.RING) {
            throw new IllegalArgumentException("buckets run on gossip-mpi's ring, not on " + kind.id());
        }
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        this.comm = comm;
        this.dimension = dimension;
        final ByteBuffer bytes = ByteBuffer.allocateDirect(4 * dimension).order(ByteOrder.nativeOrder());
        this.buffer = bytes.asFloatBuffer();
        this.ring = kind == Kind.RING ? new RingAllreduce(comm, bytes, dimension) : null;
        final int count = buckets ? Math.max(1, Math.min(MAX_BUCKETS, (dimension + BUCKET_FLOATS - 1) / BUCKET_FLOATS))
            : 0;
        this.buckets = new RingAllreduce[count];
        this.bucketStart = new int[count + 1];
        this.readyFloats = new int[count];
        this.reported = new java.util.BitSet(buckets ? dimension : 0);
        for (int k = 0; k <= count; k++) {
            bucketStart[k] = (int) ((long) dimension * k / Math.max(1, count));
        }
        for (int k = 0; k < count; k++) {
            this.buckets[k] = new RingAllreduce(comm, bytes, bucketStart[k], bucketStart[k + 1] - bucketStart[k],
                RingAllreduce.TAG_BASE + (k + 1) * RingAllreduce.MAX_SEGMENTS);
        }
    }

    /** The buckets a sum by {@link #ready} and {@link #finish} is cut into; 0 without buckets. */
    public int buckets() {
        return buckets.length;
    }

    /**
     * Reports {@code in[from, to)} final for the sum in progress (the first report after a {@link #finish} begins
     * the next): every bucket whose floats are now all reported is copied and its ring started. Each float may be
     * reported once a sum.
     *
     * @param in the vector being written, d floats; its reported floats are not to change until {@link #finish}
     * @throws IllegalArgumentException for a range outside [0, d)
     * @throws IllegalStateException    without buckets, or for floats reported twice
     */
    public void ready(float[] in, int from, int to) {
        if (buckets.length == 0) {
            throw new IllegalStateException("an average without buckets takes no parts: build it with buckets");
        }
        if (from < 0 || to > dimension || from > to) {
            throw new IllegalArgumentException("part [" + from + ", " + to + ") is not within [0, " + dimension + ")");
        }
        final int twice = reported.nextSetBit(from);
        if (twice >= 0 && twice < to) {
            throw new IllegalStateException("part [" + from + ", " + to + ") holds floats already reported final"
                + " in this sum");
        }
        reported.set(from, to);
        for (int k = bucketOf(from); k < buckets.length && bucketStart[k] < to; k++) {
            final int floats = Math.min(to, bucketStart[k + 1]) - Math.max(from, bucketStart[k]);
            if (floats <= 0) {
                continue;
            }
            final int size = bucketStart[k + 1] - bucketStart[k];
            readyFloats[k] += floats;
            if (readyFloats[k] == size) {
                startBucket(in, k);
            }
        }
    }

    /**
     * Moves the started buckets' rings on without waiting, up to the first one still in flight (see
     * {@link RingAllreduce#advance}): to be called between the pieces of a computation.
     */
    public void advance() {
        for (int k = 0; k < buckets.length; k++) {
            if (readyFloats[k] < 0 && !buckets[k].advance()) {
                return;
            }
        }
    }

    /**
     * Completes the sum in progress: starts every bucket not started yet with {@code in}'s floats, waits for all,
     * and writes the average into {@code out}, as {@link #average(float[], float[])} does; the next sum begins
     * afresh.
     *
     * @param in  d floats, not modified (unless it is {@code out})
     * @param out d floats, modified; every rank ends with the same bits
     */
    public void finish(float[] in, float[] out) {
        if (buckets.length == 0) {
            throw new IllegalStateException("an average without buckets takes no parts: build it with buckets");
        }
        for (int k = 0; k < buckets.length; k++) {
            if (readyFloats[k] >= 0) {
                startBucket(in, k);
            }
        }
        for (int k = 0; k < buckets.length; k++) {
            buckets[k].finish();
            readyFloats[k] = 0;
        }
        reported.clear();
        copyOut(out);
    }

    private void startBucket(float[] in, int k) {
        buffer.put(bucketStart[k], in, bucketStart[k], bucketStart[k + 1] - bucketStart[k]);
        buckets[k].start();
        readyFloats[k] = -1;
    }

    /** The bucket holding float {@code i} (the last one for {@code i == d}). */
    private int bucketOf(int i) {
        int k = (int) ((long) i * buckets.length / dimension);
        while (k > 0 && bucketStart[k] > i) {
            k--;
        }
        while (k + 1 < buckets.length && bucketStart[k + 1] <= i) {
            k++;
        }
        return k;
    }

    /**
     * Replaces {@code x[0, d)} by the average over ranks of every rank's {@code x}.
     *
     * @param x d floats, modified; every rank ends with the same bits
     */
    public void average(float[] x) {
        average(x, x);
    }

    /**
     * {@code out[0, d)} = the average over ranks of every rank's {@code in}; {@code out} may be {@code in}.
     *
     * @param in  d floats, not modified (unless it is {@code out})
     * @param out d floats, modified; every rank ends with the same bits
     */
    public void average(float[] in, float[] out) {
        buffer.put(0, in, 0, dimension);
        if (ring != null) {
            ring.sum();
        } else {
            comm.allreduceSum(buffer, dimension);
        }
        copyOut(out);
    }

    /** {@code out} = the summed buffer over the rank count. */
    private void copyOut(float[] out) {
        buffer.get(0, out, 0, dimension);
        final float inv = 1f / comm.size();
        for (int i = 0; i < dimension; i++) {
            out[i] *= inv;
        }
    }

    /** The length of the vectors it averages. */
    public int dimension() {
        return dimension;
    }

    /** Bytes this rank sends per call in a bandwidth-optimal allreduce: 2 (n-1)/n of the vector. */
    public long bytesPerCall() {
        return 2L * (comm.size() - 1) * 4L * dimension / comm.size();
    }
}
