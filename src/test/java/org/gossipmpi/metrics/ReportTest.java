package org.gossipmpi.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The charts' titles name what the runs share: model, data, ranks and topology (all-reduce has none). */
class ReportTest {

    private static RunRecord run(String algorithm, String topology, int ranks) {
        final ObjectNode s = JsonIo.object();
        s.put("algorithm", algorithm);
        s.put("topology", topology);
        s.put("ranks", ranks);
        s.put("model", "mlp");
        s.put("data", "fashion-mnist");
        return new RunRecord(algorithm, null, s, Map.of());
    }

    @Test
    void titlesNameWhatTheRunsShare() {
        assertEquals(": mlp on fashion-mnist, 4 ranks, ring",
            Report.about(List.of(run("choco", "ring", 4), run("allreduce", "allreduce", 4))));
        assertEquals(": mlp on fashion-mnist, several rank counts, several topologies",
            Report.about(List.of(run("choco", "ring", 4), run("dpsgd", "torus", 8))));
        assertEquals(": mlp on fashion-mnist, 4 ranks", Report.about(List.of(run("allreduce", "allreduce", 4))));
    }
}
