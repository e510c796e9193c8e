package org.gossipmpi.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import org.gossipmpi.comm.Communicator;
import org.gossipmpi.data.Dataset;
import org.gossipmpi.model.Batch;
import org.gossipmpi.model.Model;

/**
 * Loss and accuracy of one model over data split across ranks: each rank evaluates its rows in batches,
 * and one allreduce adds the sums. Called collectively by every rank.
 */
public final class Evaluation {
    private static final int BATCH = 1024;

    private final Communicator comm;
    private final Model model;
    private final FloatBuffer sums = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder()).asFloatBuffer();
    private final double[] partial = new double[2];

    /** Mean loss (with the regularization term) and accuracy (NaN for regression). */
    public record Result(double loss, double accuracy) {
    }

    public Evaluation(Communicator comm, Model model) {
        this.comm = comm;
        this.model = model;
    }

    /**
     * Evaluates {@code w} on {@code rows[from, to)} of {@code data} on this rank, summed over ranks.
     *
     * @param data this rank's rows (its shard), or a dataset every rank holds whole with {@code split}
     * @param split whether every rank holds all of {@code data} and takes only its contiguous part
     */
    public Result evaluate(float[] w, Dataset data, Batch batch, boolean split) {
        final int n = comm.size();
        final int from = split ? (int) ((long) data.rows() * comm.rank() / n) : 0;
        final int to = split ? (int) ((long) data.rows() * (comm.rank() + 1) / n) : data.rows();
        return evaluate(w, data, batch, from, to);
    }

    /** Evaluates {@code w} on the first {@code rows} rows of each rank's {@code data} (all, if it has fewer). */
    public Result evaluateHead(float[] w, Dataset data, Batch batch, int rows) {
        return evaluate(w, data, batch, 0, Math.min(rows, data.rows()));
    }

    private Result evaluate(float[] w, Dataset data, Batch batch, int from, int to) {
        partial[0] = 0;
        partial[1] = 0;
        for (int r = from; r < to; r += BATCH) {
            model.evaluate(w, batch.fill(data, null, r, Math.min(BATCH, to - r)), partial);
        }
        sums.put(0, (float) partial[0]);
        sums.put(1, (float) partial[1]);
        sums.put(2, to - from);
        comm.allreduceSum(sums, 3);
        final double rows = sums.get(2);
        return new Result(sums.get(0) / rows + model.regularization(w),
            model.classifies() ? sums.get(1) / rows : Double.NaN);
    }
}
