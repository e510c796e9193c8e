package org.gossipmpi.examples;

import java.util.Random;

/**
 * A classification task that needs every rank: Gaussian blobs, one per class, in a space of a few dimensions,
 * made the same on every rank from a seed, and split by class: rank r trains on the rows of the classes
 * r, r + n, ... only. No rank can learn the task from its own rows (a model trained on one class predicts that
 * class for everything); only a model that mixes what every rank learned classifies all of them.
 */
final class BlobData {
    static final int FEATURES = 20;
    static final int CLASSES = 4;
    static final int ROWS_PER_CLASS = 2000;

    private final float[][] x;
    private final int[] y;

    BlobData(long seed) {
        final Random r = new Random(seed);
        final float[][] centres = new float[CLASSES][FEATURES];
        for (float[] c : centres) {
            for (int i = 0; i < FEATURES; i++) {
                c[i] = (float) (1.5 * r.nextGaussian());
            }
        }
        x = new float[CLASSES * ROWS_PER_CLASS][FEATURES];
        y = new int[x.length];
        for (int n = 0; n < x.length; n++) {
            y[n] = n / ROWS_PER_CLASS;
            for (int i = 0; i < FEATURES; i++) {
                x[n][i] = (float) (centres[y[n]][i] + 1.5 * r.nextGaussian());
            }
        }
    }

    float[] features(int row) {
        return x[row];
    }

    int label(int row) {
        return y[row];
    }

    int rows() {
        return x.length;
    }

    /** Every row, in order (to evaluate a model on the whole task). */
    int[] all() {
        final int[] rows = new int[x.length];
        for (int n = 0; n < rows.length; n++) {
            rows[n] = n;
        }
        return rows;
    }

    /** The rows of rank {@code rank} of {@code ranks}: the classes rank, rank + ranks, ... */
    int[] shard(int rank, int ranks) {
        int count = 0;
        for (int n = 0; n < x.length; n++) {
            count += y[n] % ranks == rank % CLASSES % ranks ? 1 : 0;
        }
        final int[] rows = new int[count];
        count = 0;
        for (int n = 0; n < x.length; n++) {
            if (y[n] % ranks == rank % CLASSES % ranks) {
                rows[count++] = n;
            }
        }
        return rows;
    }

    /** Draws a minibatch of {@code batch.length} rows of {@code shard} into {@code batch}. */
    static void sample(int[] shard, Random random, int[] batch) {
        for (int i = 0; i < batch.length; i++) {
            batch[i] = shard[random.nextInt(shard.length)];
        }
    }
}
