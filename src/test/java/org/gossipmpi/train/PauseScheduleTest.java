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
        assertArrayEquals(new long[] {10, 30}, quotas(40, 1f, 3f));
        assertArrayEquals(new long[] {20, 20, 20, 20}, quotas(80, 5f, 5f, 5f, 5f));
        // 37 * (2, 1, 1) / 4 = 18.5, 9.25, 9.25: floors 18, 9, 9, the one left to the largest remainder
        assertArrayEquals(new long[] {19, 9, 9}, quotas(37, 2f, 1f, 1f));
    }

    @Test
    void equalRemaindersGoToTheLowerRanksAndNoRateMeansEqualShares() {
        assertArrayEquals(new long[] {2, 2, 1}, quotas(5, 1f, 1f, 1f));
        assertArrayEquals(new long[] {3, 2, 2}, quotas(7, 0f, 0f, 0f));
    }

    @Test
    void aRankFarSlowerThanTheOthersMayGetNoStep() {
        assertArrayEquals(new long[] {10, 10, 0, 10}, quotas(30, 100f, 100f, 0.5f, 100f));
    }
}
