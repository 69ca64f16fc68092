package io.genrestack.common.model;

import io.genrestack.common.serde.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@link RunConfig#modelSeed}: absent in old run.json (the split seed then seeds the models), kept on the wire. */
class RunConfigTest {
    @Test
    void aRunJsonWithoutModelSeedTrainsWithTheSplitSeed() {
        String old = "{\"inputs\":[\"/d\"],\"groundTruth\":[\"/g\"],\"givenSplit\":false,\"preset\":\"paper\","
                + "\"exclusions\":[],\"trainFraction\":0.8,\"seed\":7,\"synthetic\":true}";
        RunConfig c = Json.read(old.getBytes(StandardCharsets.UTF_8), RunConfig.class);
        assertNull(c.modelSeed());
        assertEquals(7, c.seed());
        assertEquals(7, c.trainingSeed());
        assertEquals(true, c.synthetic());
        assertEquals(42, RunConfig.defaults(List.of(), List.of()).trainingSeed());
    }

    @Test
    void modelSeedSeedsTheTrainingAndSurvivesTheWireAndWithSynthetic() {
        RunConfig c = RunConfig.defaults(List.of("/d"), List.of("/g")).withModelSeed(12L);
        assertEquals(42, c.seed(), "the split's seed is unchanged");
        assertEquals(12, c.trainingSeed());
        RunConfig back = Json.read(Json.bytes(c), RunConfig.class);
        assertEquals(c, back);
        assertEquals(12L, back.withSynthetic(true).modelSeed());
        assertEquals(42, c.withModelSeed(null).trainingSeed());
    }
}
