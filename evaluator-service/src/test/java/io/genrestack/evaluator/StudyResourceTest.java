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

    /**
     * A preset × seed study: GET /studies/{id} groups its runs by preset (the statistics over each preset's seeds),
     * and its page, loaded in headless Chromium through an authenticating proxy both as /studies/{id}/report.html
     * and as /studies/{id} with the browser's Accept, has what varied, the per-preset table with the numbers of the
     * JSON report, every run's row with its intervals, and links to the runs' reports and the comparison pages;
     * the comparison page of two of the runs links back to the study.
     */
    @Test
    void aPresetStudysPageInChromium() throws Exception {
        String id = "sp-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> presets = List.of("paper", "full", "common-layout");
        List<Long> seeds = List.of(1L, 2L);
        List<String> runs = new java.util.ArrayList<>();
        RunConfig config = RunConfig.defaults(List.of("/d"), List.of("/g"));
        for (int p = 0; p < presets.size(); p++) {
            for (long seed : seeds) {
                String run = Study.runId(id, presets.get(p), seed);
                runs.add(run);
                RunConfig c = new RunConfig(
                                List.of("/d"), List.of("/g"), false, presets.get(p), List.of(), 0.8, 42, null, null)
                        .withModelSeed(seed);
                // base 0.70 / 0.72 / 0.74 plus 0.01 per seed; stacked 0.05 above base on seed 1, 0.03 on seed 2
                double base = 0.70 + 0.02 * p + 0.01 * seed;
                putReport(run, c, base, base + (seed == 1 ? 0.05 : 0.03), true);
            }
        }
        infra.store()
                .putJson(
                        RunPaths.studyJson(id),
                        new Study(id, Study.VARY_MODEL, seeds, runs, config.withModelSeed(1L), Instant.now(), presets));
        String token = TestTokens.token(Roles.READER);
        JsonNode r = Json.MAPPER.readTree(given().auth()
                .oauth2(token)
                .when()
                .get("/studies/" + id)
                .then()
                .statusCode(200)
                .contentType(org.hamcrest.Matchers.containsString("application/json"))
                .extract()
                .asString());
        assertEquals(List.of("preset", "seed"), Json.MAPPER.convertValue(r.get("varied"), List.class), r.toString());
        assertEquals(3, r.get("groups").size());
        JsonNode full = r.at("/groups/1");
        assertEquals("full", full.get("preset").asText());
        assertEquals(List.of(runs.get(2), runs.get(3)), Json.MAPPER.convertValue(full.get("runIds"), List.class));
        // full: base 0.73, 0.74 -> mean 0.735, sd sqrt(0.00005); stacked - base 0.05, 0.03 -> mean 0.04
        assertEquals(2, full.at("/sources/lastfm/base/n").asInt());
        assertEquals(0.735, full.at("/sources/lastfm/base/mean").asDouble(), 1e-12);
        assertEquals(Math.sqrt(0.00005), full.at("/sources/lastfm/base/sd").asDouble(), 1e-12);
        assertEquals(0.04, full.at("/sources/lastfm/difference/mean").asDouble(), 1e-12);
        assertEquals("full", full.at("/sources/lastfm/runs/0/preset").asText());

        io.genrestack.testkit.BearerProxy proxy = io.genrestack.testkit.BearerProxy.start(
                "http://127.0.0.1:" + io.restassured.RestAssured.port, TestTokens.bearer(Roles.READER));
        java.nio.file.Path tmp = java.nio.file.Files.createTempDirectory("study-chromium");
        String page = EvaluatorStageTest.chromium(tmp, "--dump-dom", proxy.url() + "/studies/" + id + "/report.html");
        String negotiated = EvaluatorStageTest.chromium(tmp, "--dump-dom", proxy.url() + "/studies/" + id);
        String compare = EvaluatorStageTest.chromium(
                tmp, "--dump-dom", proxy.url() + "/compare?runs=" + runs.get(0) + "," + runs.get(2));
        proxy.close();
        for (String[] p : new String[][] {{page, "../../"}, {negotiated, "../"}}) {
            String dom = p[0];
            assertTrue(dom.contains("data-varied=\"preset,seed\""), dom);
            java.util.regex.Matcher table = java.util.regex.Pattern.compile(
                            "<table id=\"study-presets\">[\\s\\S]*?</table>")
                    .matcher(dom);
            assertTrue(table.find(), "per-preset table: " + dom);
            for (int g = 0; g < 3; g++) {
                JsonNode base = r.at("/groups/" + g + "/sources/lastfm/base");
                String row = "<tr data-source=\"lastfm\" data-preset=\"" + presets.get(g)
                        + "\" data-model=\"base\"><th>lastfm</th><td>" + presets.get(g) + "</td><td>base</td>"
                        + "<td class=\"n\">2</td><td class=\"n\">"
                        + Text.num(base.get("mean").asDouble(), 4)
                        + "</td><td class=\"n\">" + Text.num(base.get("sd").asDouble(), 4) + "</td><td class=\"n\">"
                        + Text.num(base.get("min").asDouble(), 4) + "</td><td class=\"n\">"
                        + Text.num(base.get("max").asDouble(), 4) + "</td></tr>";
                assertTrue(table.group().contains(row), row + " in " + table.group());
            }
            java.util.regex.Matcher perRun = java.util.regex.Pattern.compile(
                            "<table class=\"auc\" id=\"study-runs-lastfm\">[\\s\\S]*?</table>")
                    .matcher(dom);
            assertTrue(perRun.find(), "per-run table");
            for (String run : runs) {
                java.util.regex.Matcher row = java.util.regex.Pattern.compile(
                                "<tr data-run=\"" + run + "\">[\\s\\S]*?</tr>")
                        .matcher(perRun.group());
                assertTrue(row.find(), run);
                JsonNode rep = Json.MAPPER.readTree(infra.store().get(RunPaths.reports(run) + ReportBuilder.JSON));
                JsonNode boot = rep.at("/sources/lastfm/bootstrap");
                assertTrue(row.group()
                        .contains(
                                Text.num(rep.at("/sources/lastfm/base/macroAuc").asDouble(), 4)));
                assertTrue(row.group()
                        .contains(Text.interval(
                                boot.at("/base/low").asDouble(),
                                boot.at("/base/high").asDouble(),
                                4,
                                false)));
                assertTrue(row.group()
                        .contains(Text.interval(
                                boot.at("/difference/low").asDouble(),
                                boot.at("/difference/high").asDouble(),
                                4,
                                true)));
                assertTrue(
                        row.group().contains("<td>" + rep.at("/config/preset").asText() + "</td>"), row.group());
                assertTrue(row.group().contains("href=\"" + p[1] + "runs/" + run + "/report.html\""), row.group());
            }
            assertTrue(
                    dom.contains("href=\"" + p[1] + "compare?runs=" + runs.get(0) + "," + runs.get(2) + ","
                            + runs.get(4) + "\">presets on seed 1</a>"),
                    dom);
            assertTrue(dom.contains(">all runs</a>"), "6 runs fit one comparison: " + dom);
            assertFalse(dom.contains("NaN"), "no NaN on the page");
        }
        assertTrue(
                compare.contains("<p class=\"meta\" id=\"compare-studies\">Part of study <a href=\"studies/" + id
                        + "/report.html\">"),
                "the comparison links its study: " + compare);

        String md = given().auth()
                .oauth2(token)
                .when()
                .get("/studies/" + id + "/report.md")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(md.contains("6 runs, varied: preset, seed;"), md);
        assertTrue(md.contains("| lastfm | full | base | 2 | 0.7350 |"), md);
        given().auth()
                .oauth2(token)
                .when()
                .get("/studies/no-" + id + "/report.html")
                .then()
                .statusCode(404);
        given().when().get("/studies/" + id + "/report.html").then().statusCode(401);
    }

    private void putReport(String run, RunConfig config, double base, double stacked, boolean bootstrap) {
        infra.store()
                .putJson(RunPaths.reports(run) + ReportBuilder.JSON, report(run, config, base, stacked, bootstrap));
    }

    /**
     * A run's report as the evaluator writes it, for one source (lastfm), with the given macro AUCs and, if asked,
     * a bootstrap of base ± 0.05, stacked ± 0.05, difference ± 0.1 won in 75 % of the resamples.
     */
    static EvaluationReport report(String run, RunConfig config, double base, double stacked, boolean bootstrap) {
        return report(run, config, Map.of("lastfm", new double[] {base, stacked}), bootstrap);
    }

    /** A run's report with per source {base, stacked} macro AUCs (in the map's order). */
    static EvaluationReport report(String run, RunConfig config, Map<String, double[]> aucs, boolean bootstrap) {
        Map<String, EvaluationReport.SourceReport> sources = new java.util.LinkedHashMap<>();
        aucs.forEach((s, v) -> sources.put(s, source(config, v[0], v[1], bootstrap)));
        return new EvaluationReport(
                run,
                Instant.now(),
                EvaluationReport.COMPLETE,
                new EvaluationReport.Counts(30, 10, 5),
                sources,
                List.of(),
                EvaluationReport.Protocol.standard(),
                Map.of(),
                Map.of(),
                config,
                Map.of(),
                Map.of());
    }

    private static EvaluationReport.SourceReport source(
            RunConfig config, double base, double stacked, boolean bootstrap) {
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
        return source;
    }
}
