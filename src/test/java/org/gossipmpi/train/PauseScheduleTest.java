package org.gossipmpi.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
}
