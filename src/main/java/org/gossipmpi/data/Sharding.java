package org.gossipmpi.data;

import java.util.SplittableRandom;

/**
 * How the training rows are split over ranks. Every rank computes the same split from the seed, keeps its
 * part, and drops the rest.
 * <ul>
 *   <li>{@code iid}: a seeded shuffle, then contiguous parts;</li>
 *   <li>{@code sorted}: rows ordered by label (stable), then contiguous parts: the heterogeneous split of the
 *       CHOCO paper, where each rank sees few classes;</li>
 *   <li>{@code contiguous}: rank r gets rows [r m / n, (r+1) m / n) in file order;</li>
 *   <li>{@code blocks}: the rows cut into blocks of {@link #blockRows} consecutive rows, a seeded shuffle of the
 *       blocks, then contiguous parts: a random split, as {@code iid}'s, whose ranks each read only about 1/n of
 *       a binary file (with {@code iid} the rows of every rank lie all over the file, and a rank whose rows are
 *       small reads through most of it); within a rank, the minibatch sampler shuffles the rows anyway.</li>
 * </ul>
 * Rank r's part is positions [r m / n, (r+1) m / n) of the order each kind makes, so every rank gets m/n rows
 * (give or take one).
 */
public enum Sharding {
    iid, sorted, contiguous, blocks;

    /** The longest block of {@code blocks}: 4,096 rows (1.8 MB of a sparse row of 50 non-zeros, 12.8 MB of 784 floats). */
    public static final int MAX_BLOCK_ROWS = 4096;

    /**
     * The rows of one block of {@code blocks} for m rows over n ranks: at most {@link #MAX_BLOCK_ROWS}, and small
     * enough that every rank's part spans at least 16 blocks (at least 1 row).
     */
    public static int blockRows(int m, int ranks) {
        return (int) Math.max(1, Math.min(MAX_BLOCK_ROWS, m / (16L * ranks)));
    }

    /**
     * The rows of {@code rank} out of {@code ranks}.
     *
     * @throws DataException if that rank would get no rows
     */
    public int[] rows(Rows d, int rank, int ranks, long seed) {
        final int m = d.rows();
        final int from = (int) ((long) m * rank / ranks);
        final int to = (int) ((long) m * (rank + 1) / ranks);
        if (to <= from) {
            throw new DataException(d.source() + ": rank " + rank + " of " + ranks + " gets no rows of the " + m
                + " rows: use at most " + m + " ranks");
        }
        final int[] order = order(d, seed, ranks);
        final int[] mine = new int[to - from];
        System.arraycopy(order, from, mine, 0, mine.length);
        return mine;
    }

    private int[] order(Rows d, long seed, int ranks) {
        final int m = d.rows();
        final int[] order = new int[m];
        if (this == blocks) {
            final int b = blockRows(m, ranks);
            final int[] shuffled = new int[(m + b - 1) / b];
            for (int i = 0; i < shuffled.length; i++) {
                shuffled[i] = i;
            }
            shuffle(shuffled, new SplittableRandom(seed));
            int at = 0;
            for (int block : shuffled) {
                for (int row = block * b, end = Math.min(m, row + b); row < end; row++) {
                    order[at++] = row;
                }
            }
            return order;
        }
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        if (this == iid) {
            shuffle(order, new SplittableRandom(seed));
        } else if (this == sorted) {
            // Counting sort would need integer labels; a stable merge sort on boxed indices is fine at load time.
            final Integer[] boxed = new Integer[m];
            for (int i = 0; i < m; i++) {
                boxed[i] = i;
            }
            java.util.Arrays.sort(boxed, (a, b) -> Float.compare(d.target(a), d.target(b)));
            for (int i = 0; i < m; i++) {
                order[i] = boxed[i];
            }
        }
        return order;
    }

    /** Fisher-Yates from the end, one draw a position. */
    private static void shuffle(int[] a, SplittableRandom r) {
        for (int i = a.length - 1; i > 0; i--) {
            final int j = r.nextInt(i + 1);
            final int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
