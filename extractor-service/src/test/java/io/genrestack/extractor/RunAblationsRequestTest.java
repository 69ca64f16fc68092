package io.genrestack.extractor;

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
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /runs} with {@code ablations} (issue 16): known values go into the run's configuration as asked, an
 * unknown one is 400 naming it and what is allowed, and a refused request writes no run; a run.json written before
 * the field existed still reads, with no ablations.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
@QuarkusTestResource(InputRootsTestResource.class)
class RunAblationsRequestTest {
    @Inject
    Infrastructure infra;

    @TempDir
    Path tmp;

    private Response post(Map<String, Object> body) throws Exception {
        return given().auth()
                .oauth2(TestTokens.token(Roles.OPERATOR))
                .contentType("application/json")
                .body(Json.MAPPER.writeValueAsString(body))
                .when()
                .post("/runs");
    }

    private Response postStudy(Map<String, Object> body) throws Exception {
        return given().auth()
                .oauth2(TestTokens.token(Roles.OPERATOR))
                .contentType("application/json")
                .body(Json.MAPPER.writeValueAsString(body))
                .when()
                .post("/studies");
    }

    private Map<String, Object> request(String runId, Object ablations) {
        Map<String, Object> b = new HashMap<>(
                Map.of("runId", runId, "inputs", List.of(tmp.toString()), "groundTruth", List.of(tmp.toString())));
        b.put("ablations", ablations);
        return b;
    }

    @Test
    void knownAblationsGoIntoTheConfigAndUnknownOnesAre400() throws Exception {
        ExtractorStageTest.awaitReady();
        String id = "abl-" + UUID.randomUUID().toString().substring(0, 8);
        Response ok = post(request(id, List.of("own", "leave-one-out", "allmusic+discogs")));
        assertEquals(202, ok.statusCode(), ok.asString());
        assertEquals(
                List.of("own", "leave-one-out", "allmusic+discogs"),
                ok.jsonPath().getList("config.ablations"));

        Map<Object, String> refused = Map.of(
                List.of("own", "leave-two-out"), "unknown value 'leave-two-out'",
                List.of("allmusic+spotify"), "unknown source 'spotify'",
                List.of("discogs+discogs"), "names discogs twice",
                List.of("allmusic+discogs+lastfm+tagtraum"), "full stacked model",
                List.of(""), "empty value");
        for (Map.Entry<Object, String> e : refused.entrySet()) {
            String bad = "abl-bad-" + UUID.randomUUID().toString().substring(0, 8);
            Response r = post(request(bad, e.getKey()));
            assertEquals(400, r.statusCode(), e.getKey() + ": " + r.asString());
            String error = r.jsonPath().getString("error");
            assertTrue(error.contains(e.getValue()), e.getKey() + ": " + error);
            assertTrue(
                    error.contains("own, leave-one-out")
                            || e.getValue().contains("twice")
                            || e.getValue().contains("full"),
                    error);
            assertFalse(infra.store().exists(RunPaths.runJson(bad)), "a refused request writes no run");
        }

        // a study carries them to every run, and refuses a bad one like POST /runs
        String st = "abl-st-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> study = request(st, List.of("leave-one-out"));
        study.remove("runId");
        study.put("studyId", st);
        study.put("seeds", List.of(1, 2));
        Response accepted = postStudy(study);
        assertEquals(202, accepted.statusCode(), accepted.asString());
        Study written = infra.store().getJson(RunPaths.studyJson(st), Study.class);
        assertEquals(List.of("leave-one-out"), written.config().ablations());
        assertEquals(2, written.runIds().size());
        study.put("studyId", st + "-bad");
        study.put("ablations", List.of("mine"));
        Response badStudy = postStudy(study);
        assertEquals(400, badStudy.statusCode(), badStudy.asString());
        assertTrue(badStudy.asString().contains("unknown value 'mine'"), badStudy.asString());

        // no field (and a run.json from before it): no ablations
        Response none = post(request("abl-none-" + UUID.randomUUID().toString().substring(0, 8), null));
        assertEquals(202, none.statusCode(), none.asString());
        assertEquals(List.of(), none.jsonPath().getList("config.ablations"));
        RunConfig old = Json.MAPPER.readValue(
                "{\"inputs\":[\"/data/x\"],\"groundTruth\":[\"/data/gt\"],\"seed\":3,\"modelSeed\":5}",
                RunConfig.class);
        assertEquals(List.of(), old.ablations());
        assertEquals(5L, old.trainingSeed());
    }
}
