package io.genrestack.extractor;

import io.genrestack.common.Roles;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.extractor.input.InputRoots;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REST API's attack table (docs/reliability.md "Attack table"): authentication and roles with real signed
 * tokens against the running extractor, and the input confinement of {@code POST /runs} with real files, links and
 * {@code /etc} outside the roots ({@link InputRootsTestResource}).
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
@QuarkusTestResource(InputRootsTestResource.class)
class RunApiSecurityTest {
    static final String M_0DA = "0dad432b-16cc-4bf0-8961-fd31d124b01b";
    static final String REFUSED_BODY = "{\"error\":\"" + InputRoots.REFUSED + "\"}";

    @Inject
    Infrastructure infra;

    @TempDir
    Path tmp;

    private static String body(List<String> inputs, List<String> gt) throws Exception {
        return Json.MAPPER.writeValueAsString(Map.of("inputs", inputs, "groundTruth", gt));
    }

    private static Response postRuns(String token, String json) {
        var req = given().contentType("application/json").body(json);
        if (token != null) {
            req = req.auth().oauth2(token);
        }
        return req.when().post("/runs");
    }

    /** A valid-looking request whose paths exist inside the roots: only authentication decides. */
    private String harmless() throws Exception {
        return body(List.of(tmp.toString()), List.of(tmp.toString()));
    }

    @Test
    void withoutATokenEveryEndpointIs401AndTellsNothing() throws Exception {
        postRuns(null, harmless()).then().statusCode(401).body(emptyOrNullString());
        given().when().get("/runs/some-run").then().statusCode(401).body(emptyOrNullString());
        // a path no endpoint serves answers the same: the catch-all permission hides what exists
        given().when().get("/no-such-endpoint").then().statusCode(401).body(emptyOrNullString());
        given().when().get("/test-unannotated").then().statusCode(401);
    }

    @Test
    void theWrongRoleIs403AndTellsNothing() throws Exception {
        postRuns(TestTokens.token(Roles.READER), harmless())
                .then()
                .statusCode(403)
                .body(emptyOrNullString());
        postRuns(TestTokens.token(), harmless()).then().statusCode(403).body(emptyOrNullString());
        given().auth()
                .oauth2(TestTokens.token(Roles.OPERATOR))
                .when()
                .get("/runs/some-run")
                .then()
                .statusCode(403)
                .body(emptyOrNullString());
        given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .when()
                .get("/runs/no-such-run-" + UUID.randomUUID().toString().substring(0, 6))
                .then()
                .statusCode(404);
    }

    @Test
    void forgedExpiredAndForeignTokensAre401() throws Exception {
        String[] both = {Roles.OPERATOR, Roles.READER};
        postRuns(TestTokens.forged(both), harmless()).then().statusCode(401).body(emptyOrNullString());
        postRuns(TestTokens.expired(both), harmless()).then().statusCode(401).body(emptyOrNullString());
        postRuns(TestTokens.wrongIssuer(both), harmless())
                .then()
                .statusCode(401)
                .body(emptyOrNullString());
        postRuns("not.a.jwt", harmless()).then().statusCode(401).body(emptyOrNullString());
    }

    @Test
    void anEndpointWithoutARoleAnnotationIsDenied() {
        given().auth()
                .oauth2(TestTokens.token(Roles.OPERATOR, Roles.READER))
                .when()
                .get("/test-unannotated")
                .then()
                .statusCode(403)
                .body(emptyOrNullString());
    }

    @Test
    void healthAndMetricsStayOpen() {
        int ready = given().when().get("/q/health/ready").statusCode();
        assertTrue(ready == 200 || ready == 503, "readiness answers without a token: " + ready);
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/health").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200);
    }

    @Test
    void pathsOutsideTheRootsAre403AlikeWhetherTheyExistOrNot() throws Exception {
        String op = TestTokens.token(Roles.OPERATOR);
        String existing = refused(op, body(List.of("/etc"), List.of(tmp.toString())));
        String missing = refused(op, body(List.of("/etc/no-such-dir-" + UUID.randomUUID()), List.of(tmp.toString())));
        String gtExisting = refused(op, body(List.of(tmp.toString()), List.of("/etc/passwd")));
        String gtMissing = refused(op, body(List.of(tmp.toString()), List.of("/etc/no-such-file.tsv")));
        assertEquals(REFUSED_BODY, existing);
        assertEquals(existing, missing);
        assertEquals(existing, gtExisting);
        assertEquals(existing, gtMissing);
        assertFalse(existing.contains("/etc"), existing);
        // relative paths resolve against the extractor's working directory: refused too
        assertEquals(existing, refused(op, body(List.of("etc"), List.of(tmp.toString()))));
        // inside the roots, a missing path may be named
        Response inside = postRuns(op, body(List.of(tmp.resolve("missing").toString()), List.of(tmp.toString())));
        assertEquals(400, inside.statusCode(), inside.asString());
        assertTrue(inside.asString().contains("input does not exist on the extractor"), inside.asString());
    }

    @Test
    void dotDotEscapesAre403() throws Exception {
        String op = TestTokens.token(Roles.OPERATOR);
        String up = tmp + "/../../../../../../etc";
        String upMissing = tmp + "/../../../../../../etc/no-such-" + UUID.randomUUID();
        assertEquals(REFUSED_BODY, refused(op, body(List.of(up), List.of(tmp.toString()))));
        assertEquals(REFUSED_BODY, refused(op, body(List.of(upMissing), List.of(tmp.toString()))));
        // even a `..` that stays inside is refused: no path arithmetic on request paths
        Files.createDirectories(tmp.resolve("a"));
        assertEquals(REFUSED_BODY, refused(op, body(List.of(tmp + "/a/../a"), List.of(tmp.toString()))));
    }

    @Test
    void symbolicLinksLeadingOutAre403() throws Exception {
        String op = TestTokens.token(Roles.OPERATOR);
        Path toEtc = Files.createSymbolicLink(tmp.resolve("etc-link"), Path.of("/etc"));
        Path dangling = Files.createSymbolicLink(tmp.resolve("dangling"), Path.of("/etc/no-such-" + UUID.randomUUID()));
        String gt = tmp.toString();
        assertEquals(REFUSED_BODY, refused(op, body(List.of(toEtc.toString()), List.of(gt))));
        assertEquals(REFUSED_BODY, refused(op, body(List.of(toEtc + "/passwd"), List.of(gt))));
        assertEquals(REFUSED_BODY, refused(op, body(List.of(toEtc + "/no-such-file"), List.of(gt))));
        assertEquals(REFUSED_BODY, refused(op, body(List.of(dangling.toString()), List.of(gt))));
        assertEquals(REFUSED_BODY, refused(op, body(List.of(tmp.toString()), List.of(toEtc + "/passwd"))));
    }

    /**
     * {@code POST /studies}: role operator; bad seeds or vary, runId/modelSeed in the body are 400; every run is
     * checked like {@code POST /runs} (a location outside the roots: the same 403 body; a run that exists: 409), and
     * a refused study writes no study.json and submits nothing.
     */
    @Test
    void studiesAreCheckedLikeRunsBeforeAnythingIsWritten() throws Exception {
        String op = TestTokens.token(Roles.OPERATOR);
        String id = "st-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> ok = new java.util.HashMap<>(
                Map.of("studyId", id, "inputs", List.of(tmp.toString()), "groundTruth", List.of(tmp.toString())));
        ok.put("seeds", List.of(1, 2));
        postStudies(TestTokens.token(Roles.READER), ok).then().statusCode(403).body(emptyOrNullString());
        for (Map<String, Object> change : List.<Map<String, Object>>of(
                Map.of("seeds", List.of(1)),
                Map.of("seeds", List.of(1, 1)),
                Map.of("seeds", java.util.stream.LongStream.range(0, 21).boxed().toList()),
                Map.of("seeds", List.of("x", 2)),
                Map.of("vary", "split"),
                Map.of("vary", "both", "seed", 5),
                Map.of("runId", "r1"),
                Map.of("modelSeed", 3),
                Map.of("studyId", "Bad/Id"))) {
            Map<String, Object> b = new java.util.HashMap<>(ok);
            b.putAll(change);
            Response r = postStudies(op, b);
            assertEquals(400, r.statusCode(), change + ": " + r.asString());
        }
        Map<String, Object> outside = new java.util.HashMap<>(ok);
        outside.put("inputs", List.of("/etc"));
        Response refused = postStudies(op, outside);
        assertEquals(403, refused.statusCode(), refused.asString());
        assertEquals(REFUSED_BODY, refused.asString());
        infra.store().putJson(RunPaths.runJson(id + "-s2"), Map.of("runId", id + "-s2"));
        Response exists = postStudies(op, ok);
        assertEquals(409, exists.statusCode(), exists.asString());
        assertTrue(exists.asString().contains(id + "-s2"), exists.asString());
        assertFalse(infra.store().exists(RunPaths.studyJson(id)), "a refused study writes nothing");
        assertFalse(infra.store().exists(RunPaths.runJson(id + "-s1")), "nor starts a run");
        for (RunEvent e : TopicScan.readAll(infra.bootstrap(), Topics.RUN_EVENTS, RunEvent.class)) {
            assertFalse(e.runId().startsWith(id), "no run of a refused study was submitted: " + e);
        }
    }

    private static Response postStudies(String token, Map<String, Object> body) throws Exception {
        return given().contentType("application/json")
                .body(Json.MAPPER.writeValueAsString(body))
                .auth()
                .oauth2(token)
                .when()
                .post("/studies");
    }

    @Test
    void linksInsideFoldersPointingOutAreDeadLetteredUnread() throws Exception {
        Path docs = Files.createDirectories(tmp.resolve("evil/lowlevel"));
        Path gt = Files.createDirectories(tmp.resolve("evil/gt"));
        String linked = new UUID(0xe7c, 1).toString();
        Files.copy(SharedData.resolve("acousticbrainz/lowlevel/" + M_0DA + ".json"), docs.resolve(M_0DA + ".json"));
        Files.createSymbolicLink(docs.resolve(linked + ".json"), Path.of("/etc/passwd"));
        Files.writeString(
                gt.resolve("acousticbrainz-mediaeval-lastfm-all.tsv"),
                "recordingmbid\treleasegroupmbid\tgenre1\n" + M_0DA + "\t" + new UUID(3, 1) + "\trock\n" + linked + "\t"
                        + new UUID(3, 2) + "\tpop\n");
        Files.createSymbolicLink(gt.resolve("acousticbrainz-mediaeval-tagtraum-all.tsv"), Path.of("/etc/passwd"));
        String runId = "sec-" + UUID.randomUUID().toString().substring(0, 8);
        String json = Json.MAPPER.writeValueAsString(Map.of(
                "runId",
                runId,
                "inputs",
                List.of(docs.toString()),
                "groundTruth",
                List.of(gt.toString()),
                "trainFraction",
                1.0));
        String token = TestTokens.token(Roles.OPERATOR);
        postRuns(token, json).then().statusCode(202);

        RunEvent finished = awaitExtraction(runId);
        assertEquals(1L, finished.counts().get("published"), finished.counts().toString());
        List<DeadLetter> letters = TopicScan.readAll(infra.bootstrap(), Topics.DEAD_LETTERS, DeadLetter.class).stream()
                .filter(d -> runId.equals(d.runId()))
                .toList();
        assertEquals(2, letters.size(), letters.toString());
        DeadLetter doc = letters.stream()
                .filter(l -> l.sourceFile().contains(linked))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter for the document link: " + letters));
        assertTrue(doc.reason().contains("link entry refused (target outside the input folder)"), doc.reason());
        DeadLetter tsv = letters.stream()
                .filter(l -> l.sourceFile().contains("tagtraum"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter for the ground-truth link: " + letters));
        assertTrue(tsv.reason().contains("link refused (target outside the input roots)"), tsv.reason());
        String passwd = Files.readString(Path.of("/etc/passwd"));
        String firstLine = passwd.lines().findFirst().orElse("root:");
        // the credential is in no record of the run
        String signature = token.substring(token.lastIndexOf('.') + 1);
        for (RunEvent e : TopicScan.readAll(infra.bootstrap(), Topics.RUN_EVENTS, RunEvent.class)) {
            assertFalse(Json.MAPPER.writeValueAsString(e).contains(signature), "token in an event: " + e);
        }
        assertFalse(new String(infra.store().get(RunPaths.runJson(runId))).contains(signature), "token in run.json");
        for (DeadLetter l : letters) {
            assertFalse(Json.MAPPER.writeValueAsString(l).contains(signature), "token in a dead letter: " + l);
            assertNull(l.excerpt(), "nothing of the link target is carried: " + l);
            assertFalse(l.reason().contains(firstLine), l.reason());
        }
    }

    private static String refused(String token, String json) {
        Response r = postRuns(token, json);
        assertEquals(403, r.statusCode(), r.asString());
        assertNotEquals("", r.asString());
        return r.asString();
    }

    private RunEvent awaitExtraction(String runId) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            for (RunEvent e : TopicScan.readAll(infra.bootstrap(), Topics.RUN_EVENTS, RunEvent.class)) {
                if (e.runId().equals(runId) && e.type().equals(RunEvent.EXTRACTION_FINISHED)) {
                    return e;
                }
                if (e.runId().equals(runId) && e.type().equals(RunEvent.STAGE_FAILED)) {
                    throw new AssertionError("stage failed: " + e.message());
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no extraction-finished for " + runId);
    }
}
