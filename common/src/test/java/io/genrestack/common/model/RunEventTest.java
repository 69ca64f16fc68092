package io.genrestack.common.model;

import io.genrestack.common.serde.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The typed epoch metrics of {@link RunEvent}: written as numbers, read back, absent in older events. */
class RunEventTest {

    @Test
    void epochEventCarriesItsMetricsAsNumbers() throws Exception {
        RunEvent e = RunEvent.epoch("r1", "trainer", "lastfm", 3, 40, 0.125, 0.1875, 0.8125, "lastfm epoch 3/40");
        assertEquals(Map.of(RunEvent.EPOCH, 3L, RunEvent.EPOCHS, 40L), e.counts());
        var tree = Json.MAPPER.readTree(Json.bytes(e));
        assertTrue(tree.at("/metrics/trainLoss").isNumber(), tree.toString());
        assertEquals(0.8125, tree.at("/metrics/valMacroAuc").asDouble(), 0);
        RunEvent back = Json.read(Json.bytes(e), RunEvent.class);
        assertEquals(e, back);
        assertEquals(0.1875, back.metrics().get(RunEvent.VAL_LOSS), 0);
    }

    @Test
    void aNanMetricIsLeftOut() {
        RunEvent e = RunEvent.epoch("r1", "stacker", "discogs", 1, 5, 0.5, 0.25, Double.NaN, "x");
        assertFalse(e.metrics().containsKey(RunEvent.VAL_MACRO_AUC));
        assertEquals(2, e.metrics().size());
    }

    @Test
    void anEventWrittenBeforeMetricsExistedReadsWithEmptyMaps() throws Exception {
        String old = "{\"runId\":\"r0\",\"type\":\"epoch-finished\",\"stage\":\"trainer\",\"unit\":\"lastfm\","
                + "\"instance\":\"h\",\"time\":\"2026-11-25T10:00:00Z\",\"counts\":{\"epoch\":2},"
                + "\"message\":\"lastfm epoch 2/40\"}";
        RunEvent e = Json.read(old.getBytes(StandardCharsets.UTF_8), RunEvent.class);
        assertEquals(Map.of(), e.metrics());
        assertEquals(Map.of(), e.objects());
        assertEquals(2L, e.counts().get(RunEvent.EPOCH));
    }
}
