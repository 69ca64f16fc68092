package io.genrestack.extractor;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.common.Roles;
import io.genrestack.common.features.FeatureManifest;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.Study;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.InfraTestResource;
import io.genrestack.testkit.SharedData;
import io.genrestack.testkit.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /studies} varying the feature preset, against the running extractor, real broker and object storage:
 * a preset study (one run per preset) and a preset × seed study are accepted with the documented run ids, their
 * study.json says what varied, and every run is really extracted with its own preset (its feature manifest has the
 * preset's column count, its run.json the preset and seeds); bad requests are refused with 400 before anything is
 * written, and a run that POST /runs would refuse (outside the input roots: 403) refuses the whole study.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
@QuarkusTestResource(InputRootsTestResource.class)
class StudyResourceTest {
    @Inject
    Infrastructure infra;

    @TempDir
    Path tmp;

    private Map<String, Object> runFields() throws Exception {
        Path data = SharedData.dir().resolve("acousticbrainz");
        Path gt = Files.createDirectories(tmp.resolve("gt"));
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of(ExtractorStageTest.M_00C, ExtractorStageTest.rg(0), "rock"));
        rows.add(List.of(ExtractorStageTest.M_CD3, ExtractorStageTest.rg(1), "pop"));
        ExtractorStageTest.tsv(gt.resolve("acousticbrainz-mediaeval-lastfm-all.tsv"), rows);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inputs", List.of(data.resolve("lowlevel-edge").toString()));
        body.put("groundTruth", List.of(gt.toString()));
        body.put("trainFraction", 1.0);
        return body;
    }

    private static Response post(Map<String, Object> body) throws Exception {
        return given().auth()
                .oauth2(TestTokens.token(Roles.OPERATOR))
                .contentType("application/json")
                .body(Json.MAPPER.writeValueAsString(body))
                .when()
                .post("/studies");
    }

    private static Map<String, Object> with(Map<String, Object> base, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void aPresetStudyRunsEveryPresetAndRefusesBadRequests() throws Exception {
        ExtractorStageTest.awaitReady();
        Map<String, Object> fields = runFields();
        String suffix = UUID.randomUUID().toString().substring(0, 6);

        // refused: nothing written
        String bad = "stp-bad-" + suffix;
        Object[][] refusals = {
            {"presets", List.of("paper"), "2 or more"},
            {"presets", List.of("paper", "paper"), "distinct"},
            {"presets", List.of("paper", "nope"), "unknown preset 'nope'"},
            {"presets", List.of("paper", "full"), "preset", "full", "leave preset out"},
            {"presets", List.of("paper", "full"), "vary", "both", "needs seeds"},
            {"presets", List.of("paper", "full"), "seeds", List.of(1), "seeds must be"},
            {"presets", List.of("paper", "full"), "runId", "x", "leave them out"},
            {"presets", "paper", "seeds must be a list"},
        };
        for (Object[] r : refusals) {
            Object[] kv = java.util.Arrays.copyOf(r, r.length - 1);
            Response resp = post(with(with(fields, "studyId", bad), kv));
            assertEquals(400, resp.statusCode(), java.util.Arrays.toString(r) + ": " + resp.asString());
            assertTrue(
                    resp.asString().contains((String) r[r.length - 1]),
                    java.util.Arrays.toString(r) + ": " + resp.asString());
        }
        Response neither = post(with(fields, "studyId", bad));
        assertEquals(400, neither.statusCode(), neither.asString());
        assertTrue(neither.asString().contains("seeds or presets"), neither.asString());
        Response outside = post(
                with(with(fields, "studyId", bad, "inputs", List.of("/etc")), "presets", List.of("paper", "full")));
        assertEquals(403, outside.statusCode(), outside.asString());
        assertFalse(infra.store().exists(RunPaths.studyJson(bad)), "a refused study writes nothing");
        assertFalse(infra.store().exists(RunPaths.runJson(bad + "-paper")), "nor any run");

        // one run per preset, all on the request's seed
        String id = "stp-" + suffix;
        JsonNode accepted =
                Json.MAPPER.readTree(post(with(fields, "studyId", id, "presets", FeatureManifest.PRESETS, "seed", 7))
                        .then()
                        .statusCode(202)
                        .extract()
                        .asString());
        List<String> runs =
                FeatureManifest.PRESETS.stream().map(p -> id + "-" + p).toList();
        assertEquals(runs, Json.MAPPER.convertValue(accepted.get("runIds"), List.class), accepted.toString());
        assertEquals(List.of(Study.FACTOR_PRESET), Json.MAPPER.convertValue(accepted.get("varied"), List.class));
        assertTrue(accepted.get("vary").isNull(), "no seeds, no vary: " + accepted);
        Study study = infra.store().getJson(RunPaths.studyJson(id), Study.class);
        assertEquals(FeatureManifest.PRESETS, study.presets());
        assertEquals(List.of(), study.seeds());
        assertEquals(runs, study.runIds());
        assertEquals(List.of(Study.FACTOR_PRESET), study.varied());

        ExtractorStageTest stage = new ExtractorStageTest();
        stage.infra = infra;
        for (String preset : FeatureManifest.PRESETS) {
            String run = id + "-" + preset;
            stage.awaitEvent(run, RunEvent.EXTRACTION_FINISHED);
            JsonNode runJson = Json.MAPPER.readTree(infra.store().get(RunPaths.runJson(run)));
            assertEquals(preset, runJson.at("/config/preset").asText(), runJson.toString());
            assertEquals(7, runJson.at("/config/seed").asLong());
            assertTrue(runJson.at("/config/modelSeed").isNull(), runJson.toString());
            FeatureManifest m = infra.store().getJson(RunPaths.manifest(run), FeatureManifest.class);
            assertEquals(preset, m.preset());
            assertEquals(FeatureManifest.forPreset(preset).size(), m.size(), run);
        }
        assertEquals(2675, FeatureManifest.forPreset("full").size());
        assertEquals(
                409,
                post(with(fields, "studyId", id, "presets", List.of("paper", "full")))
                        .statusCode());

        // the cross product: preset by preset, within a preset seed by seed; vary=both seeds each split
        String cross = "stx-" + suffix;
        JsonNode both = Json.MAPPER.readTree(post(with(
                        fields,
                        "studyId",
                        cross,
                        "presets",
                        List.of("full", "paper"),
                        "seeds",
                        List.of(3, 5),
                        "vary",
                        "both"))
                .then()
                .statusCode(202)
                .extract()
                .asString());
        List<String> crossRuns =
                List.of(cross + "-full-s3", cross + "-full-s5", cross + "-paper-s3", cross + "-paper-s5");
        assertEquals(crossRuns, Json.MAPPER.convertValue(both.get("runIds"), List.class), both.toString());
        assertEquals(
                List.of(Study.FACTOR_PRESET, Study.FACTOR_SEED),
                Json.MAPPER.convertValue(both.get("varied"), List.class));
        for (String run : crossRuns) {
            stage.awaitEvent(run, RunEvent.EXTRACTION_FINISHED);
            JsonNode runJson = Json.MAPPER.readTree(infra.store().get(RunPaths.runJson(run)));
            assertEquals(
                    run.contains("-full-") ? "full" : "paper",
                    runJson.at("/config/preset").asText());
            assertEquals(run.endsWith("-s3") ? 3 : 5, runJson.at("/config/seed").asLong(), runJson.toString());
        }
        Study crossStudy = infra.store().getJson(RunPaths.studyJson(cross), Study.class);
        assertEquals("both", crossStudy.vary());
        assertEquals(List.of(3L, 5L), crossStudy.seeds());
        assertEquals(List.of("full", "paper"), crossStudy.presets());
    }
}
