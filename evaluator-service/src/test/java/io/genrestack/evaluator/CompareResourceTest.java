package io.genrestack.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.common.Roles;
import io.genrestack.common.Sources;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.TrainParams;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.BearerProxy;
import io.genrestack.testkit.InfraTestResource;
import io.genrestack.testkit.TestTokens;
import io.genrestack.testkit.TrainingFigures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /compare} on two runs evaluated by the real evaluator stage (predictions published exactly once, the
 * evaluator job through its topic, as in {@link EvaluatorStageTest}), with different configurations (preset, seed,
 * epochs, data) and each model's provenance in object storage in the trainer's or the stacker's spelling: the page,
 * loaded in headless Chromium through an authenticating proxy, has the configuration table with the differing rows
 * marked, every source's AUC table with both runs' numbers and intervals from their report.json, and every model's
 * training curves matching its provenance; the Markdown variant and the errors over REST.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class CompareResourceTest {
    @Inject
    Infrastructure infra;

    @Test
    void twoRunsSideBySideInChromium() throws Exception {
        EvaluatorStageTest stage = new EvaluatorStageTest();
        stage.infra = infra;
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String a = "cmp-a-" + suffix;
        String b = "cmp-b-" + suffix;
        RunConfig configA = RunConfig.defaults(List.of("/data/real"), List.of("/data/gt"));
        RunConfig configB = new RunConfig(
                        List.of("/data/real"),
                        List.of("/data/gt"),
                        false,
                        "common-layout",
                        List.of(),
                        0.8,
                        7,
                        TrainParams.paperBase().withMaxEpochs(30),
                        TrainParams.paperStacked())
                .withSynthetic(true);
        Map<String, JsonNode> provenance = new HashMap<>();
        int[] n = {0};
        for (String[] run : new String[][] {{a, "42"}, {b, "7"}}) {
            EvaluatorStageTest.Published p = stage.publish(run[0], Long.parseLong(run[1]));
            stage.submit(p, p.range(), run[0].equals(a) ? configA : configB, (s, kind) -> {
                boolean stacked = kind.equals("stacked");
                int epochs = 5 + n[0] % 7;
                int best = 2 + n[0] % 3;
                JsonNode prov = TrainingAndSyntheticReportTest.provenance(stacked, epochs, best, n[0]++);
                provenance.put(run[0] + "/" + s + "/" + kind, prov);
                return prov;
            });
            stage.awaitEvent(run[0], RunEvent.REPORT_READY, 1, 180);
        }

        String token = TestTokens.token(Roles.READER);
        String markdown = given().auth()
                .oauth2(token)
                .accept("text/markdown")
                .when()
                .get("/compare?runs=" + a + "," + b)
                .then()
                .statusCode(200)
                .contentType(containsString("text/markdown"))
                .extract()
                .asString();
        assertTrue(
                markdown.contains("The runs differ in: preset, seed, base epochs (max / patience), data."), markdown);
        assertTrue(markdown.contains("| **preset** | paper | common-layout |"), markdown);

        BearerProxy proxy = BearerProxy.start("http://127.0.0.1:" + RestAssured.port, TestTokens.bearer(Roles.READER));
        Path tmp = Files.createTempDirectory("compare-chromium");
        String dom = EvaluatorStageTest.chromium(tmp, "--dump-dom", proxy.url() + "/compare?runs=" + a + "," + b);
        proxy.close();

        Matcher config = Pattern.compile("<table id=\"compare-config\">[\\s\\S]*?</table>")
                .matcher(dom);
        assertTrue(config.find(), "configuration table");
        for (String differs : List.of("preset", "seed", "base epochs (max / patience)", "data")) {
            assertTrue(
                    config.group().contains("<tr class=\"differs\"><th>" + differs + "</th>"),
                    differs + " marked as differing: " + config.group());
        }
        assertTrue(config.group().contains("<tr><th>split</th>"), "the same split is not marked");
        assertTrue(config.group().contains("<td>common-layout</td>")
                && config.group().contains("<td>paper</td>"));

        for (String s : Sources.ALL) {
            Matcher auc = Pattern.compile("<table class=\"auc\" id=\"compare-auc-" + s + "\">[\\s\\S]*?</table>")
                    .matcher(dom);
            assertTrue(auc.find(), "AUC table of " + s);
            for (String run : List.of(a, b)) {
                JsonNode report = Json.MAPPER.readTree(infra.store().get(RunPaths.reports(run) + "report.json"));
                JsonNode sr = report.at("/sources/" + s);
                Matcher row = Pattern.compile("<tr data-run=\"" + run + "\">[\\s\\S]*?</tr>")
                        .matcher(auc.group());
                assertTrue(row.find(), run + " row in the " + s + " table");
                assertTrue(row.group().contains(Text.num(sr.at("/base/macroAuc").asDouble(), 4)), row.group());
                assertTrue(
                        row.group().contains(Text.num(sr.at("/stacked/macroAuc").asDouble(), 4)), row.group());
                String ci = Text.interval(
                        sr.at("/bootstrap/stacked/low").asDouble(),
                        sr.at("/bootstrap/stacked/high").asDouble(),
                        4,
                        false);
                assertTrue(row.group().contains(ci), run + " stacked CI " + ci + " in " + row.group());
                assertEquals(run.equals(a) ? 42 : 7, sr.at("/bootstrap/seed").asLong(), "the run's own seed");
                for (String kind : List.of("base", "stacked")) {
                    JsonNode prov = provenance.get(run + "/" + s + "/" + kind);
                    TrainingFigures.assertMatches(dom, "curves-" + run + "-" + s + "-" + kind, prov);
                    assertTrue(
                            row.group()
                                    .contains(prov.get("bestEpoch").asInt() + " of "
                                            + prov.get("history").size()),
                            row.group());
                }
            }
        }
        assertTrue(dom.contains("class=\"synthetic\""), "run b is synthetic: the page says so");

        // errors
        given().auth()
                .oauth2(token)
                .when()
                .get("/compare?runs=" + a)
                .then()
                .statusCode(400)
                .body("error", containsString("2 to 8"));
        given().auth()
                .oauth2(token)
                .when()
                .get("/compare?runs=" + a + "," + a)
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(token)
                .when()
                .get("/compare?runs=" + a + ",Bad!Id")
                .then()
                .statusCode(400)
                .body("error", containsString("malformed run id"));
        given().auth()
                .oauth2(token)
                .when()
                .get("/compare?runs=" + a + ",no-such-" + suffix)
                .then()
                .statusCode(404)
                .body("runId", org.hamcrest.Matchers.equalTo("no-such-" + suffix));
        given().when().get("/compare?runs=" + a + "," + b).then().statusCode(401);
        given().auth()
                .oauth2(TestTokens.token(Roles.OPERATOR))
                .when()
                .get("/compare?runs=" + a + "," + b)
                .then()
                .statusCode(403);
        assertFalse(dom.contains("NaN"), "no NaN on the page");
    }
}
