package org.gossipmpi.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import org.gossipmpi.comm.local.LocalWorld;
import org.junit.jupiter.api.Test;

/** The quotas of an asynchronous run's interval: what every rank computes alike from the agreed rates. */
class PauseScheduleTest {
    private static long[] quotas(long remaining, float... rates) {
        final long[] q = new long[rates.length];
        PauseSchedule.share(remaining, rates, q, new double[rates.length]);
        return q;
    }

    @Test
    void quotasFollowTheRatesAndAddUpToTheRemainingStepsExactly() {
        // one each, then 38 * (1, 3) / 4 = 9.5, 28.5: 1 + 9, 1 + 28, the one left to the lower of the equal remainders
        assertArrayEquals(new long[] {11, 29}, quotas(40, 1f, 3f));
        assertArrayEquals(new long[] {20, 20, 20, 20}, quotas(80, 5f, 5f, 5f, 5f));
        // one each, then 34 * (2, 1, 1) / 4 = 17, 8.5, 8.5: 18, 9, 9, the one left to the lower of the equal remainders
        assertArrayEquals(new long[] {18, 10, 9}, quotas(37, 2f, 1f, 1f));
    }

    @Test
    void equalRemaindersGoToTheLowerRanksAndNoRateMeansEqualShares() {
        assertArrayEquals(new long[] {2, 2, 1}, quotas(5, 1f, 1f, 1f));
        assertArrayEquals(new long[] {3, 2, 2}, quotas(7, 0f, 0f, 0f));
    }

    @Test
    void everyRankStepsInAnIntervalOfAtLeastOneStepEachHoweverSlow() {
        // without the floor: 10, 10, 0, 10, and the slow rank, keeping its rate, would never step again
        assertArrayEquals(new long[] {10, 10, 1, 9}, quotas(30, 100f, 100f, 0.5f, 100f));
        assertArrayEquals(new long[] {1, 1, 1, 1}, quotas(4, 1e6f, 1e-3f, 1e6f, 0f));
        // fewer steps than ranks: the fastest take them
        assertArrayEquals(new long[] {1, 0, 1, 0}, quotas(2, 1e6f, 1e-3f, 1e6f, 0f));
    }

    /**
     * Four in-process ranks driven as train drives them, rank 0 a hundred times slower a step than the others: it
     * steps in every interval that has a step for each rank (before the floor it made its one step of the first
     * interval and no other, its rate frozen at that one), and the steps add up to exactly 4 x the run's steps.
     */
    @Test
    void aRankFarSlowerThanTheOthersStepsInEveryIntervalOfTheRun() {
        final long steps = 60;
        final AtomicLongArray own = new AtomicLongArray(4);
        final AtomicIntegerArray intervals = new AtomicIntegerArray(4);
        final AtomicIntegerArray stepped = new AtomicIntegerArray(4);
        LocalWorld.run(4, TimeUnit.MINUTES.toNanos(1), comm -> {
            final int r = comm.rank();
            final PauseSchedule pauses = new PauseSchedule(comm, steps, 10);
            long t = 0;
            long atPause = 0;
            pauses.restart();
            while (!pauses.finished()) {
                final boolean idle = pauses.due(t);
                if (!idle) {
                    LockSupport.parkNanos(r == 0 ? 10_000_000L : 100_000L);
                    t++;
                }
                if (!idle && !pauses.due(t)) {
                    continue;
                }
                pauses.agree(t);
                intervals.incrementAndGet(r);
                if (t > atPause) {
                    stepped.incrementAndGet(r);
                }
                atPause = t;
                pauses.restart();
            }
            own.set(r, t);
        });
        assertEquals(4 * steps, own.get(0) + own.get(1) + own.get(2) + own.get(3), own.toString());
        // an interval of fewer steps than ranks (after a rank paused short of its quota) may pass rank 0 by
        assertTrue(stepped.get(0) >= intervals.get(0) - 2 && stepped.get(0) >= 5, "rank 0 stepped in " + stepped.get(0)
            + " of " + intervals.get(0) + " intervals; steps per rank " + own);
    }
}
