package org.gossipmpi.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import org.gossipmpi.comm.Communicator;

/**
 * The centralized baseline: {@code x <- (1/n) sum_i x_i} over all ranks with one sum-allreduce
 * ({@code MPI_Allreduce} under MPI) of a preallocated direct buffer. Allocates nothing per call.
 */
public final class AllreduceAverage {
    private final Communicator comm;
    private final int dimension;
    private final FloatBuffer buffer;

    public AllreduceAverage(Communicator comm, int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        }
        this.comm = comm;
        this.dimension = dimension;
        this.buffer = ByteBuffer.allocateDirect(4 * dimension).order(ByteOrder.nativeOrder()).asFloatBuffer();
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
        comm.allreduceSum(buffer, dimension);
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
