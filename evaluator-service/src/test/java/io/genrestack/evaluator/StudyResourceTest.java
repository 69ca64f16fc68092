package io.genrestack.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.common.Roles;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.Study;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.InfraTestResource;
import io.genrestack.testkit.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /studies/{id}} over REST against real object storage: 400/404, 409 listing the pending runs until every
 * run has a report.json (an unreadable one counts as none), then the statistics (a case computed by hand: base 0.6,
 * 0.8, 1.0 → mean 0.8, sd 0.2), each run's intervals copied from its report (none for a run without bootstrap), the
 * stored study report and the
 * Markdown tables. The full path (POST /studies, real runs) is cli ConcurrentRunsTest.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class StudyResourceTest {
    @Inject
    Infrastructure infra;

    @Test
    void pendingThenTheStatisticsOfTheRunsReports() throws Exception {
        String id = "st-" + UUID.randomUUID().toString().substring(0, 6);
        List<Long> seeds = List.of(1L, 2L, 3L);
        List<String> runs = seeds.stream().map(s -> Study.runId(id, s)).toList();
        RunConfig config = RunConfig.defaults(List.of("/d"), List.of("/g"));
        String token = TestTokens.token(Roles.READER);
        given().auth().oauth2(token).when().get("/studies/" + id).then().statusCode(404);
        given().auth().oauth2(token).when().get("/studies/Bad%20Id").then().statusCode(400);
        given().when().get("/studies/" + id).then().statusCode(401);
        infra.store()
                .putJson(
                        RunPaths.studyJson(id),
                        new Study(id, Study.VARY_MODEL, seeds, runs, config.withModelSeed(1L), Instant.now()));
        double[] base = {0.6, 0.8, 1.0};
        double[] stacked = {0.7, 0.7, 0.7};
        for (int i = 0; i < 2; i++) {
            putReport(runs.get(i), config.withModelSeed(seeds.get(i)), base[i], stacked[i], true);
        }
        JsonNode pending = Json.MAPPER.readTree(given().auth()
                .oauth2(token)
                .when()
                .get("/studies/" + id)
                .then()
                .statusCode(409)
                .extract()
                .asString());
        assertEquals(runs.get(2), pending.path("pending").path(0).asText(), pending.toString());
        assertEquals(2, pending.path("reported").size(), pending.toString());
        assertFalse(infra.store().exists(RunPaths.studyReport(id)), "no study report while a run is pending");

        infra.store().putText(RunPaths.reports(runs.get(2)) + ReportBuilder.JSON, "{not json", "application/json");
        given().auth().oauth2(token).when().get("/studies/" + id).then().statusCode(409);

        putReport(runs.get(2), config.withModelSeed(3L), base[2], stacked[2], false);
        JsonNode r = Json.MAPPER.readTree(given().auth()
                .oauth2(token)
                .when()
                .get("/studies/" + id)
                .then()
                .statusCode(200)
                .extract()
                .asString());
        JsonNode lastfm = r.path("sources").path("lastfm");
        assertEquals(3, lastfm.at("/base/n").asInt());
        assertEquals(0.8, lastfm.at("/base/mean").asDouble(), 1e-15);
        assertEquals(0.2, lastfm.at("/base/sd").asDouble(), 1e-15);
        assertEquals(0.6, lastfm.at("/base/min").asDouble());
        assertEquals(1.0, lastfm.at("/base/max").asDouble());
        assertEquals(0.0, lastfm.at("/stacked/sd").asDouble(), 1e-15);
        // stacked - base: 0.1, -0.1, -0.3 -> mean -0.1, sd 0.2
        assertEquals(-0.1, lastfm.at("/difference/mean").asDouble(), 1e-15);
        assertEquals(0.2, lastfm.at("/difference/sd").asDouble(), 1e-15);
        assertEquals(runs.get(1), lastfm.at("/runs/1/runId").asText());
        assertEquals(2, lastfm.at("/runs/1/modelSeed").asLong());
        assertEquals(42, lastfm.at("/runs/1/seed").asLong());
        assertEquals(0.8 - 0.05, lastfm.at("/runs/1/baseInterval/low").asDouble(), 1e-15);
        assertEquals(0.75, lastfm.at("/runs/1/difference/stackedWins").asDouble());
        assertTrue(lastfm.at("/runs/2/difference").isNull(), "a run without bootstrap has no interval: " + lastfm);
        assertEquals(r, Json.MAPPER.readTree(infra.store().get(RunPaths.studyReport(id))), "stored as report.json");

        String md = given().auth()
                .oauth2(token)
                .when()
                .get("/studies/" + id + "/report.md")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(md.contains("| lastfm | base | 3 | 0.8000 | 0.2000 | 0.6000 | 1.0000 |"), md);
    }

    private void putReport(String run, RunConfig config, double base, double stacked, boolean bootstrap) {
        EvaluationReport.BootstrapReport b = bootstrap
                ? new EvaluationReport.BootstrapReport(
                        100,
                        100,
                        config.seed(),
                        0.95,
                        new EvaluationReport.Interval(base - 0.05, base + 0.05),
                        new EvaluationReport.Interval(stacked - 0.05, stacked + 0.05),
                        new EvaluationReport.Difference(
                                stacked - base, stacked - base - 0.1, stacked - base + 0.1, 0.75, 0.0))
                : null;
        EvaluationReport.SourceReport source = new EvaluationReport.SourceReport(
                3,
                10,
                5,
                new EvaluationReport.ModelReport(base, null, 3, List.of(), null),
                new EvaluationReport.ModelReport(stacked, null, 3, List.of(), null),
                null,
                List.of(),
                List.of(),
                Map.of(),
                Map.of(),
                b);
        EvaluationReport report = new EvaluationReport(
                run,
                Instant.now(),
                EvaluationReport.COMPLETE,
                new EvaluationReport.Counts(30, 10, 5),
                Map.of("lastfm", source),
                List.of(),
                EvaluationReport.Protocol.standard(),
                Map.of(),
                Map.of(),
                config,
                Map.of());
        infra.store().putJson(RunPaths.reports(run) + ReportBuilder.JSON, report);
    }
}
