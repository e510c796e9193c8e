package org.gossipmpi.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.gossipmpi.comm.local.LocalWorld;
import org.junit.jupiter.api.Test;

/**
 * Ranks started with different settings all stop before anything runs, naming the rank, the first field
 * that differs and both values; the whole sweep is compared at once.
 */
class ConfigAgreementTest {

    static TrainConfig config(String algorithm, double lr) {
        return TrainConfig.builder().algorithm(algorithm).data("data.csv").lr(lr).compressor("sign").gamma(0.5)
            .build();
    }

    @Test
    void aRankWithAnotherLearningRateStopsEveryRankNamingTheFieldAndBothValues() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
            LocalWorld.run(4, TimeUnit.SECONDS.toNanos(30), comm ->
                ConfigAgreement.check(comm, List.of(config("choco", comm.rank() == 2 ? 0.2 : 0.1)))));
        assertEquals("rank 2 was started with other settings than rank 0: lr is 0.2 there, 0.1 on rank 0: start"
            + " every rank with the same settings", e.getMessage());
        assertEquals(3, e.getSuppressed().length, "every rank fails, not just one");
    }

    @Test
    void anotherSweepListIsNamedBeforeTheFirstRun() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
            LocalWorld.run(3, TimeUnit.SECONDS.toNanos(30), comm -> ConfigAgreement.check(comm,
                comm.rank() == 1 ? List.of(config("choco", 0.1), config("dpsgd", 0.1)) : List.of(config("choco", 0.1)))));
        assertTrue(e.getMessage().startsWith("rank 1 was started with other settings than rank 0: the number of runs"
            + " (the algorithm and compressor lists) is 2 there, 1 on rank 0"), e.getMessage());
    }

    @Test
    void identicalSweepsPass() {
        LocalWorld.run(5, TimeUnit.SECONDS.toNanos(30), comm ->
            ConfigAgreement.check(comm, List.of(config("choco", 0.1), config("dpsgd", 0.1))));
    }
}
