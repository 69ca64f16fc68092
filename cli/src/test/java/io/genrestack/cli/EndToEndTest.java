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
 * base, that the counts balance from stage to stage, and what the live console showed in headless Chromium while the
 * run went on ({@link ConsoleWatch}; screenshot {@code cli/target/console-<run>.png}).
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
        List<JsonNode> console;
        JsonNode consoleFinal;
        Path shot = LocalRun.repoRoot().resolve("cli/target/console-" + runId + ".png");
        // the live console opened as soon as the evaluator answers, i.e. before the run is even submitted
        try (ConsoleWatch watch = ConsoleWatch.start(
                LocalRun.repoRoot(), work, new ServiceHttp(200).port("evaluator"), runId, shot, 3000)) {
            try {
                report = run.execute();
                // the services stay up until the page has seen the end of the run
                console = watch.samples(180);
                consoleFinal = watch.fin();
            } finally {
                run.stopAll();
            }
        }
        System.out.println(LocalRun.table(report));
        checkConsole(console, consoleFinal, shot, events(infra.kafkaBootstrap(), runId));
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

    /**
     * What the console showed during the run: every stage went from pending or running to done, the trainer was seen
     * running, the epoch chart grew point by point while it trained and ended with one point per epoch event, the
     * report link works, no page error and no request off the service; the screenshot is kept.
     */
    static void checkConsole(List<JsonNode> samples, JsonNode fin, Path shot, List<RunEvent> events) throws Exception {
        assertTrue(samples.size() > 10, "console samples: " + samples.size());
        assertTrue(fin != null, "console-check.mjs printed no final line");
        JsonNode last = fin.get("sample");
        for (String stage : io.genrestack.common.Topics.STAGES) {
            assertEquals("done", last.at("/states/" + stage).asText(), stage + " at the end: " + last);
            assertTrue(
                    samples.stream()
                            .anyMatch(
                                    s -> !"done".equals(s.at("/states/" + stage).asText())),
                    stage + " was shown done from the first sample on: the page opened too late");
        }
        assertTrue(
                samples.stream()
                        .anyMatch(s -> "running".equals(s.at("/states/trainer").asText())),
                "the trainer was never shown running");
        long epochEvents = events.stream()
                .filter(e -> RunEvent.EPOCH_FINISHED.equals(e.type()))
                .count();
        assertEquals(epochEvents, last.get("aucPoints").asLong(), "one AUC point per epoch event: " + last);
        long growth = 0;
        for (int i = 1; i < samples.size(); i++) {
            int before = samples.get(i - 1).path("aucPoints").asInt();
            int now = samples.get(i).path("aucPoints").asInt();
            assertTrue(now >= before, "the epoch chart shrank between samples " + (i - 1) + " and " + i);
            if (now > before) {
                growth++;
            }
        }
        assertTrue(growth >= 10, "the epoch chart grew only " + growth + " times while the page was open");
        assertEquals(200, fin.at("/report/status").asInt(), "report link: " + fin);
        assertEquals(0, fin.get("problems").size(), "page errors or external requests: " + fin);
        assertTrue(java.nio.file.Files.size(shot) > 10_000, "screenshot " + shot);
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
