package io.genrestack.common.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.common.serde.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job contract: typed accessors over a wire format of readable names that every stage shares. */
class StageJobTest {
    static final TopicRange RANGE = new TopicRange("scaled-features", Map.of(0, new TopicRange.OffsetRange(3, 9)), 6);

    static StageJob trainerJob() {
        return StageJob.of(
                        "r1",
                        "trainer",
                        "lastfm",
                        RunConfig.defaults(List.of(), List.of()),
                        Map.of(StageJob.FEATURES, RANGE),
                        Map.of(StageJob.MANIFEST, "runs/r1/features/manifest.json"))
                .withLabels("lastfm", "runs/r1/labels/lastfm.json")
                .withLabels("discogs", "runs/r1/labels/discogs.json")
                .withObject(StageJob.STATS, "runs/r1/scaler/stats.bin");
    }

    @Test
    void wireFormatKeepsTheReadableNames() {
        StageJob job = trainerJob().withModel("lastfm", ModelKind.BASE, "runs/r1/models/lastfm/base/params");
        JsonNode json = Json.MAPPER.valueToTree(job);
        assertEquals(6, json.at("/inputs/features/expectedRecords").asLong());
        assertEquals(
                "runs/r1/labels/lastfm.json", json.at("/objects/labels.lastfm").asText());
        assertEquals(
                "runs/r1/models/lastfm/base/params",
                json.at("/objects/model.lastfm.base").asText());
        assertEquals("runs/r1/scaler/stats.bin", json.at("/objects/stats").asText());
        assertEquals(
                "runs/r1/features/manifest.json", json.at("/objects/manifest").asText());
        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertEquals(
                List.of("runId", "stage", "unit", "config", "inputs", "objects", "created"),
                fields,
                "accessors are not serialised as properties");
        assertEquals(job, Json.read(Json.bytes(job), StageJob.class));
    }

    @Test
    void accessorsReadWhatTheFactoriesWrote() {
        StageJob job = trainerJob();
        assertEquals(RANGE, job.features());
        assertEquals("runs/r1/labels/lastfm.json", job.labels("lastfm"));
        assertNull(job.labels("tagtraum"));
        assertEquals(List.of("discogs", "lastfm"), job.labelSources());
        assertEquals("runs/r1/scaler/stats.bin", job.stats());
        assertNull(job.model("lastfm", ModelKind.BASE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, job::activations);
        assertTrue(e.getMessage().contains("r1/trainer/lastfm has no 'activations' input range"), e.getMessage());
    }

    @Test
    void nextJobCarriesRunConfigAndObjects() {
        StageJob job = trainerJob();
        TopicRange acts = new TopicRange("activations", Map.of(1, new TopicRange.OffsetRange(0, 6)), 6);
        StageJob next =
                job.withModel("lastfm", ModelKind.BASE, "p").next("stacker", "lastfm", StageJob.ACTIVATIONS, acts);
        assertEquals("r1/stacker/lastfm", next.key());
        assertEquals(job.config(), next.config());
        assertEquals(Map.of(StageJob.ACTIVATIONS, acts), next.inputs());
        assertEquals("p", next.model("lastfm", ModelKind.BASE));
        assertEquals(job.labels("discogs"), next.labels("discogs"));
        assertNull(job.model("lastfm", ModelKind.BASE), "with… returns a copy");
    }

    @Test
    void stackerModelUnitsNameTheirSourceAndNothingElseDoes() {
        assertEquals("model-lastfm", StageJob.stackModelUnit("lastfm"));
        assertEquals("lastfm", StageJob.stackModelSource(StageJob.stackModelUnit("lastfm")));
        for (String unit : new String[] {"lastfm", StageJob.ALL, StageJob.PREDICT, "model-", "", null}) {
            assertNull(StageJob.stackModelSource(unit), String.valueOf(unit));
        }
    }

    @Test
    void itemsConsumedIsThePositionOfANonKafkaInput() {
        ProgressMark m = new ProgressMark("r1", "extractor", "all", "publish", ProgressMark.items(42), Map.of(), false);
        ProgressMark back = Json.read(Json.bytes(m), ProgressMark.class);
        assertEquals(42, back.itemsConsumed());
        assertEquals(42L, back.position().get(-1), "wire format: {-1: n}");
        assertEquals(0, ProgressMark.itemsConsumed(null));
        assertEquals(0, new ProgressMark("r1", "s", "u", "x", Map.of(0, 7L), Map.of(), false).itemsConsumed());
    }
}
