package org.gossipmpi.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import org.gossipmpi.comm.Communicator;

/**
 * The centralized baseline: {@code x <- (1/n) sum_i x_i} over all ranks with one sum-allreduce of a preallocated
 * direct buffer: the MPI library's ({@link Communicator#allreduceSum}, {@code MPI_Iallreduce} under MPI) or
 * gossip-mpi's pipelined ring over point-to-point messages ({@link RingAllreduce}). Allocates nothing per call.
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

    private final Communicator comm;
    private final int dimension;
    private final FloatBuffer buffer;
    private final RingAllreduce ring;

    /** An average by the MPI library's all-reduce. */
    public AllreduceAverage(Communicator comm, int dimension) {
        this(comm, dimension, Kind.MPI);
    }

    /** An average by the all-reduce of {@code kind}. */
    public AllreduceAverage(Communicator comm, int dimension, Kind kind) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        this.comm = comm;
        this.dimension = dimension;
        final ByteBuffer bytes = ByteBuffer.allocateDirect(4 * dimension).order(ByteOrder.nativeOrder());
        this.buffer = bytes.asFloatBuffer();
        this.ring = kind == Kind.RING ? new RingAllreduce(comm, bytes, dimension) : null;
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
