package org.gossipmpi.topology;

/**
 * One step's mixing matrix W_t, stored by rank as sparse rows: rank i receives from {@code recvFrom(i)}
 * with weights {@code w_ij}, keeps {@code w_ii} for itself, and sends to {@code sendTo(i)} (for a symmetric
 * W the same ranks it receives from). Immutable; arrays are shared, never copied on access, and must not
 * be modified by callers.
 */
public final class MixingStep {
    private final int size;
    private final int[][] recvFrom;
    private final double[][] recvWeights;
    private final int[][] sendTo;
    private final double[] selfWeight;

    MixingStep(int[][] recvFrom, double[][] recvWeights, int[][] sendTo, double[] selfWeight) {
        this.size = selfWeight.length;
        this.recvFrom = recvFrom;
        this.recvWeights = recvWeights;
        this.sendTo = sendTo;
        this.selfWeight = selfWeight;
    }

    public int size() {
        return size;
    }

    /** The ranks j != i with w_ij > 0, ascending. Not to be modified. */
    public int[] recvFrom(int rank) {
        return recvFrom[rank];
    }

    /** w_ij for the ranks of {@link #recvFrom(int)}, in the same order. Not to be modified. */
    public double[] recvWeights(int rank) {
        return recvWeights[rank];
    }

    /** The ranks that receive from {@code rank} (w_ji > 0, j != i), ascending. Not to be modified. */
    public int[] sendTo(int rank) {
        return sendTo[rank];
    }

    /** w_ii. */
    public double selfWeight(int rank) {
        return selfWeight[rank];
    }

    /** The matrix as a dense n x n array (for checks and spectral analysis). */
    public double[][] dense() {
        final double[][] w = new double[size][size];
        for (int i = 0; i < size; i++) {
            w[i][i] = selfWeight[i];
            for (int k = 0; k < recvFrom[i].length; k++) {
                w[i][recvFrom[i][k]] += recvWeights[i][k];
            }
        }
        return w;
    }

    /** y = W x. */
    void multiply(double[] x, double[] y) {
        for (int i = 0; i < size; i++) {
            double acc = selfWeight[i] * x[i];
            final int[] from = recvFrom[i];
            final double[] w = recvWeights[i];
            for (int k = 0; k < from.length; k++) {
                acc += w[k] * x[from[k]];
            }
            y[i] = acc;
        }
    }
}
