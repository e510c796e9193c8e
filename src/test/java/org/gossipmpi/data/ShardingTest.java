package org.gossipmpi.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The splits of the training rows over ranks: a partition of the rows, m/n a rank, and what each kind promises. */
class ShardingTest {
    private static Dataset rows(int m) {
        final float[] targets = new float[m];
        for (int i = 0; i < m; i++) {
            targets[i] = i % 3;
        }
        return Dataset.dense("test", m, 1, 3, targets, new float[m]);
    }

    /** Every rank's rows, in the order the kind gives them. */
    private static int[][] split(Sharding kind, int m, int ranks, long seed) {
        final Dataset d = rows(m);
        final int[][] parts = new int[ranks][];
        for (int r = 0; r < ranks; r++) {
            parts[r] = kind.rows(d, r, ranks, seed);
        }
        return parts;
    }

    @Test
    void everyKindPartitionsTheRowsIntoEqualParts() {
        final int m = 100_003;
        for (Sharding kind : Sharding.values()) {
            for (int ranks : new int[] {1, 3, 8}) {
                final boolean[] seen = new boolean[m];
                for (int[] part : split(kind, m, ranks, 7)) {
                    assertTrue(Math.abs(part.length - (double) m / ranks) < 1, kind + ": " + part.length + " rows");
                    for (int row : part) {
                        assertFalse(seen[row], kind + ": row " + row + " given twice");
                        seen[row] = true;
                    }
                }
                for (int row = 0; row < m; row++) {
                    assertTrue(seen[row], kind + " over " + ranks + " ranks: row " + row + " given to none");
                }
            }
        }
    }

    /** Blocks: runs of consecutive rows of the block length, shuffled by the seed; a rank spans few of the file's bytes. */
    @Test
    void blocksShuffleRunsOfConsecutiveRows() {
        final int m = 1_000_000;
        final int ranks = 8;
        final int b = Sharding.blockRows(m, ranks);
        assertEquals(Sharding.MAX_BLOCK_ROWS, b);
        assertEquals(1, Sharding.blockRows(100, 8), "small data: blocks of one row");
        assertEquals(5, Sharding.blockRows(2000, 25), "at least 16 blocks a rank");
        final int[][] parts = split(Sharding.blocks, m, ranks, 11);
        int runs = 0;
        for (int[] part : parts) {
            for (int i = 0; i < part.length; i++) {
                final boolean starts = i == 0 || part[i] != part[i - 1] + 1;
                if (starts) {
                    runs++;
                    // a run starts at a block's start, or at the rank's first row (a block split between two ranks)
                    assertTrue(part[i] % b == 0 || i == 0, "a run starting inside a block at row " + part[i]);
                }
            }
        }
        // one run per block, plus at most one extra per rank where a block is split at a rank's boundary
        final int blocks = (m + b - 1) / b;
        assertTrue(runs >= blocks && runs <= blocks + ranks, runs + " runs of " + blocks + " blocks");
        // a rank's rows are about 1/8 of the file, in a few dozen places, not all over it
        final int[] sorted = parts[3].clone();
        Arrays.sort(sorted);
        int gaps = 0;
        for (int i = 1; i < sorted.length; i++) {
            gaps += sorted[i] != sorted[i - 1] + 1 ? 1 : 0;
        }
        assertTrue(gaps < 2 * blocks / ranks, gaps + " gaps in rank 3's rows");
        // the seed decides the shuffle; the same seed, the same split
        assertEquals(Arrays.toString(parts[3]), Arrays.toString(split(Sharding.blocks, m, ranks, 11)[3]));
        assertFalse(Arrays.equals(parts[3], split(Sharding.blocks, m, ranks, 12)[3]));
        assertFalse(Arrays.equals(parts[3], split(Sharding.contiguous, m, ranks, 11)[3]), "shuffled, not in file order");
    }

    /** iid: rows shuffled one by one, so a rank's rows lie all over the file (what blocks avoids). */
    @Test
    void iidShufflesSingleRows() {
        final int m = 100_000;
        final int[] part = split(Sharding.iid, m, 8, 11)[0];
        Arrays.sort(part);
        int adjacent = 0;
        for (int i = 1; i < part.length; i++) {
            adjacent += part[i] == part[i - 1] + 1 ? 1 : 0;
        }
        // about 1/8 of a rank's rows follow another of its rows
        assertTrue(adjacent < part.length / 4, adjacent + " of " + part.length + " rows follow one of the same rank");
    }
}
