package io.genrestack.extractor;

import io.genrestack.common.Roles;
import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.features.FeatureManifest;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.ModelKind;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.InfraTestResource;
import io.genrestack.testkit.SharedData;
import io.genrestack.testkit.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /predictions}: the real archives of the shared data (two real documents, macOS junk and a binary
 * AppleDouble {@code ._<mbid>.json}, skipped as junk) plus a truncated document and a binary one under an MBID name,
 * as unlabelled input of a prediction run with the
 * objects of a model run in the real S3. Every real document becomes one unlabelled record (no split, no labels,
 * flattened with the model run's manifest, not the preset's), every hostile file a dead letter with its reason, the
 * totals balance, and the last transaction hands the stacker its {@code predict} job (no scaler job). Bad requests
 * are refused before anything starts.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
@QuarkusTestResource(InputRootsTestResource.class)
class PredictionExtractionTest {
    @Inject
    Infrastructure infra;

    @TempDir
    Path tmp;

    @Test
    void archivesBecomeUnlabelledRecordsAndTheStackerGetsThePredictJob() throws Exception {
        ExtractorStageTest.awaitReady();
        var store = infra.store();
        String modelRun = "model-" + UUID.randomUUID().toString().substring(0, 8);
        // the model run's manifest leaves out the MFCCs: the prediction run must use it, not the paper preset
        FeatureManifest manifest = FeatureManifest.forPreset("paper", List.of("lowlevel.mfcc"));
        assertTrue(manifest.size() < FeatureManifest.forPreset("paper").size());
        store.putJson(RunPaths.manifest(modelRun), manifest);
        store.put(RunPaths.scalerStats(modelRun), new byte[] {1}, "application/octet-stream");

        Path data = SharedData.dir().resolve("acousticbrainz");
        Path bad = Files.createDirectories(tmp.resolve("bad"));
        String truncated = new UUID(7, 1).toString();
        String good = Files.readString(data.resolve("lowlevel/" + ExtractorStageTest.M_0DA + ".json"));
        Files.writeString(bad.resolve(truncated + ".json"), good.substring(0, good.length() / 3));
        // binary under an MBID name: what the archive's AppleDouble file would be without its "._" prefix
        String binary = new UUID(7, 2).toString();
        Files.write(bad.resolve(binary + ".json"), new byte[] {0, 5, 22, 7, 0, 2, 0, 0, 'M', 'a', 'c', (byte) 0xff, 0});
        List<String> inputs = List.of(data.resolve("archives").toString(), bad.toString());
        String runId = "pred-" + UUID.randomUUID().toString().substring(0, 8);

        // refused before anything starts
        post(Map.of("runId", runId, "modelRun", modelRun, "inputs", inputs), Roles.OPERATOR)
                .statusCode(404)
                .body(containsString("no stacked model"));
        for (String s : Sources.ALL) {
            store.put(RunPaths.modelParams(modelRun, s, ModelKind.BASE), new byte[] {1}, "application/octet-stream");
            store.put(RunPaths.modelParams(modelRun, s, ModelKind.STACKED), new byte[] {1}, "application/octet-stream");
        }
        post(Map.of("runId", runId, "modelRun", "no-such-run", "inputs", inputs), Roles.OPERATOR)
                .statusCode(404)
                .body(containsString("no feature manifest"));
        post(Map.of("runId", runId, "inputs", inputs), Roles.OPERATOR)
                .statusCode(400)
                .body(containsString("modelRun"));
        post(Map.of("runId", runId, "modelRun", modelRun, "inputs", List.of()), Roles.OPERATOR)
                .statusCode(400)
                .body(containsString("inputs"));
        post(Map.of("runId", runId, "modelRun", modelRun, "inputs", List.of("/etc")), Roles.OPERATOR)
                .statusCode(403);
        post(Map.of("runId", runId, "modelRun", modelRun, "inputs", inputs), Roles.READER)
                .statusCode(403);
        given().contentType("application/json")
                .body(Json.MAPPER.writeValueAsString(Map.of("modelRun", modelRun, "inputs", inputs)))
                .when()
                .post("/predictions")
                .then()
                .statusCode(401);
        assertFalse(store.exists(RunPaths.runJson(runId)));

        post(Map.of("runId", runId, "modelRun", modelRun, "inputs", inputs), Roles.OPERATOR)
                .statusCode(202)
                .body(containsString(modelRun));
        RunEvent finished = awaitEvent(runId, RunEvent.EXTRACTION_FINISHED);
        StageJob job = awaitJob(runId);
        assertEquals(StageJob.PREDICT, job.unit());
        assertEquals(modelRun, job.config().modelRun());
        assertEquals(List.of(), job.labelSources(), "a prediction run has no vocabularies");
        assertTrue(TopicScan.readAll(infra.bootstrap(), Topics.jobs(Topics.STAGE_SCALER), StageJob.class).stream()
                .noneMatch(j -> j.runId().equals(runId)));

        Map<String, TrackFeatures> published = new HashMap<>();
        RangeReader.read(infra.bootstrap(), job.features(), r -> {
            TrackFeatures t = Json.read(r.value(), TrackFeatures.class);
            if (t.runId().equals(runId)) {
                assertNull(published.put(t.mbid(), t), "duplicate " + t.mbid());
            }
        });
        assertEquals(Set.of(ExtractorStageTest.M_01A0, ExtractorStageTest.M_01A1), published.keySet());
        assertEquals(2, job.features().expectedRecords());
        for (TrackFeatures t : published.values()) {
            assertNull(t.split());
            assertEquals(Map.of(), t.labels());
            assertEquals(manifest.size(), t.features().length, "flattened with the model run's manifest");
            assertTrue(t.sourceFile().contains(".tar.bz2!"), t.sourceFile());
        }

        List<DeadLetter> letters = TopicScan.readAll(infra.bootstrap(), Topics.DEAD_LETTERS, DeadLetter.class).stream()
                .filter(d -> runId.equals(d.runId()))
                .toList();
        Map<String, String> bySource = new HashMap<>();
        letters.forEach(l -> bySource.put(l.sourceFile(), l.reason()));
        String truncatedReason = letters.stream()
                .filter(l -> truncated.equals(l.key()))
                .map(DeadLetter::reason)
                .findFirst()
                .orElseThrow(() -> new AssertionError("truncated file not dead-lettered: " + bySource));
        assertTrue(truncatedReason.contains("JSON"), truncatedReason);
        assertTrue(
                letters.stream()
                        .anyMatch(l -> binary.equals(l.key()) && !l.reason().isBlank()),
                "the binary file is dead-lettered: " + bySource);
        assertTrue(
                letters.stream()
                        .noneMatch(l ->
                                l.sourceFile().contains("._") || l.sourceFile().contains(".DS_Store")),
                "macOS metadata in the archives is skipped as junk, as in a training run: " + bySource);
        letters.forEach(l -> assertFalse(l.reason() == null || l.reason().isBlank()));
        Map<String, Long> c = finished.counts();
        assertEquals(2L, c.get("published"));
        assertEquals(2L, c.get("unlabelled"));
        assertEquals(4L, c.get("items"), "2 archive documents + 2 hostile files");
        assertEquals(c.get("items"), c.get("published") + c.get("deadLetters"));
        assertEquals((long) letters.size(), c.get("deadLetters"));

        var runJson = Json.MAPPER.readTree(store.get(RunPaths.runJson(runId)));
        assertEquals(modelRun, runJson.path("modelRun").asText());
        assertEquals(modelRun, runJson.path("config").path("modelRun").asText());
        assertEquals(manifest, Json.read(store.get(RunPaths.manifest(runId)), FeatureManifest.class));
        assertTrue(store.list(RunPaths.run(runId) + "labels/").isEmpty());

        // the id is taken now
        post(Map.of("runId", runId, "modelRun", modelRun, "inputs", inputs), Roles.OPERATOR)
                .statusCode(409);
    }

    static io.restassured.response.ValidatableResponse post(Map<String, Object> body, String role) throws Exception {
        return given().auth()
                .oauth2(TestTokens.token(role))
                .contentType("application/json")
                .body(Json.MAPPER.writeValueAsString(body))
                .when()
                .post("/predictions")
                .then();
    }

    RunEvent awaitEvent(String runId, String type) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            for (RunEvent e : TopicScan.runEvents(infra.bootstrap(), runId)) {
                if (e.type().equals(type)) {
                    return e;
                }
                if (e.type().equals(RunEvent.STAGE_FAILED)) {
                    throw new AssertionError("stage failed: " + e.message());
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no " + type + " for " + runId);
    }

    StageJob awaitJob(String runId) throws Exception {
        for (StageJob j : TopicScan.readAll(infra.bootstrap(), Topics.jobs(Topics.STAGE_STACKER), StageJob.class)) {
            if (j.runId().equals(runId)) {
                return j;
            }
        }
        throw new AssertionError("no stacker job for " + runId);
    }
}
