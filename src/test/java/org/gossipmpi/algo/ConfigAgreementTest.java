package org.gossipmpi.algo;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.gossipmpi.comm.local.LocalWorld;
import org.junit.jupiter.api.Test;

/** Ranks started with different configurations all stop before step 0, naming the rank that differs. */
class ConfigAgreementTest {

    @Test
    void aRankWithAnotherConfigurationStopsEveryRank() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
            LocalWorld.run(4, TimeUnit.SECONDS.toNanos(30), comm ->
                ConfigAgreement.check(comm, comm.rank() == 2 ? "lr=0.2" : "lr=0.1")));
        assertTrue(e.getMessage().startsWith("rank 2 was started with another configuration than rank 0"),
            e.getMessage());
        assertTrue(e.getSuppressed().length == 3, "every rank fails, not just one");
    }

    @Test
    void identicalConfigurationsPass() {
        LocalWorld.run(5, TimeUnit.SECONDS.toNanos(30), comm -> ConfigAgreement.check(comm, "same"));
    }
}
