package io.genrestack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.cli.synth.Shape;
import io.genrestack.common.Sources;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.ModelKind;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.common.storage.StorageConfig;
import io.genrestack.testkit.LocalInfra;
import io.genrestack.testkit.TrainingFigures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline as in README command 1, on a small synthetic run: the five services as real processes (their
 * packaged jars), the real local Kafka and S3, real DJL training. Asserts the report for every source, stacked >
 * base, and that the counts balance from stage to stage.
 */
class EndToEndTest {

    @Test
    void smallSyntheticRunEndToEnd(@TempDir Path work) throws Exception {
        LocalInfra.Endpoints infra = LocalInfra.ensureStarted();
        String runId = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        LocalRun.Options opts = new LocalRun.Options(
                2500, 7, List.of(), List.of(), 25, null, work, 40, false, false, runId, 200, Shape.SYNTHETIC);
        LocalRun run = new LocalRun(opts, LocalRun.repoRoot());
        JsonNode report;
        try {
            report = run.execute();
        } finally {
            run.stopAll();
        }
        System.out.println(LocalRun.table(report));
        for (String s : Sources.ALL) {
            JsonNode src = report.path("sources").path(s);
            double base = src.path("base").path("macroAuc").asDouble(Double.NaN);
            double stacked = src.path("stacked").path("macroAuc").asDouble(Double.NaN);
            assertTrue(base > 0.5 && base <= 1, s + " base AUC " + base);
            assertTrue(stacked > base, s + ": stacked " + stacked + " must beat base " + base);
        }

        List<RunEvent> events = events(infra.kafkaBootstrap(), runId);
        long published =
                one(events, RunEvent.EXTRACTION_FINISHED, "all").counts().get("published");
        RunEvent scaled = one(events, RunEvent.SCALING_FINISHED, "all");
        assertEquals(published, scaled.counts().get("scaled"), "tracks in = records scaled");
        assertEquals(0L, scaled.counts().get("deadLetters"));
        assertEquals(
                2500L,
                published
                        + one(events, RunEvent.EXTRACTION_FINISHED, "all")
                                .counts()
                                .get("deadLetters")
                        - one(events, RunEvent.EXTRACTION_FINISHED, "all")
                                .counts()
                                .getOrDefault("deadLetters.groundTruth", 0L),
                "every generated track published or dead-lettered");
        for (String s : Sources.ALL) {
            assertEquals(
                    published,
                    one(events, RunEvent.ACTIVATIONS_FINISHED, s).counts().get("activations"),
                    "activations of the " + s + " model = tracks");
        }
        long predictions = 0;
        for (String s : Sources.ALL) {
            predictions += report.path("sources").path(s).path("trainTracks").asLong()
                    + report.path("sources").path(s).path("validationTracks").asLong();
        }
        RunEvent predicted = one(events, RunEvent.PREDICTIONS_FINISHED, "all");
        assertEquals(
                predictions,
                predicted.counts().get("predictions"),
                "predictions = tagged tracks summed over sources: " + predicted.counts());
        assertEquals(predictions, report.path("counts").path("predictions").asLong(), "evaluator read them all");

        // the report's training curves against the provenance the trainer and stacker wrote (real DJL training),
        // and the synthetic-data note in place of "this run − paper"
        assertTrue(report.path("config").path("synthetic").asBoolean(), "a generated run is marked synthetic");
        try (ObjectStore store = new ObjectStore(
                StorageConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(), "genrestack"))) {
            String html = new String(store.get(RunPaths.reports(runId) + "report.html"), StandardCharsets.UTF_8);
            for (String s : Sources.ALL) {
                for (String kind : List.of(ModelKind.BASE, ModelKind.STACKED)) {
                    JsonNode provenance = Json.MAPPER.readTree(store.get(RunPaths.provenance(runId, s, kind)));
                    TrainingFigures.assertMatches(html, "curves-" + s + "-" + kind, provenance);
                    assertEquals(
                            provenance.get("bestEpoch").asInt(),
                            report.at("/training/" + s + "/" + kind + "/bestEpoch")
                                    .asInt(),
                            "restored epoch of " + s + " " + kind + " in report.json");
                }
            }
            assertTrue(html.contains("id=\"synthetic\""), "synthetic-data note in report.html");
            assertTrue(html.contains("class=\"not-comparable\""), "not comparable, in place of this run − paper");
        }
    }

    static RunEvent one(List<RunEvent> events, String type, String unit) {
        return events.stream()
                .filter(e -> e.type().equals(type) && e.unit().equals(unit))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + type + " for " + unit));
    }

    static List<RunEvent> events(String bootstrap, String runId) throws Exception {
        return TopicScan.runEvents(bootstrap, runId);
    }
}
