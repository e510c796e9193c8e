package org.gossipmpi.data;

import java.util.SplittableRandom;

/**
 * How the training rows are split over ranks. Every rank computes the same split from the seed, keeps its
 * part, and drops the rest.
 * <ul>
 *   <li>{@code iid}: a seeded shuffle, then contiguous parts;</li>
 *   <li>{@code sorted}: rows ordered by label (stable), then contiguous parts: the heterogeneous split of the
 *       CHOCO paper, where each rank sees few classes;</li>
 *   <li>{@code contiguous}: rank r gets rows [r m / n, (r+1) m / n) in file order.</li>
 * </ul>
 */
public enum Sharding {
    iid, sorted, contiguous;

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
        final int[] order = order(d, seed);
        final int[] mine = new int[to - from];
        System.arraycopy(order, from, mine, 0, mine.length);
        return mine;
    }

    private int[] order(Rows d, long seed) {
        final int m = d.rows();
        final int[] order = new int[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        if (this == iid) {
            final SplittableRandom r = new SplittableRandom(seed);
            for (int i = m - 1; i > 0; i--) {
                final int j = r.nextInt(i + 1);
                final int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
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
}
