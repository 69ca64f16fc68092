package io.genrestack.evaluator;

import io.genrestack.common.Roles;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.InfraTestResource;
import io.genrestack.testkit.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * {@code GET /runs} against real object storage: a prediction run is listed as {@code predicted} (with a link to its
 * {@code predictions/summary.json}, served by the objects endpoint) once its submission files are written, and as
 * {@code pending} before.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class RunListTest {
    @Inject
    Infrastructure infra;

    @Test
    void aPredictionRunIsPendingThenPredicted() {
        String id = "pr-" + UUID.randomUUID().toString().substring(0, 6);
        String token = TestTokens.token(Roles.READER);
        infra.store().ensureBucket(); // the service creates it at start-up, in the background
        infra.store().putJson(RunPaths.runJson(id), Map.of("runId", id));
        String find = "find { it.runId == '" + id + "' }";
        given().auth()
                .oauth2(token)
                .when()
                .get("/runs")
                .then()
                .statusCode(200)
                .body(find + ".status", equalTo("pending"));
        infra.store().putJson(RunPaths.predictionSummary(id), Map.of("runId", id, "modelRun", "m1"));
        String link = given().auth()
                .oauth2(token)
                .when()
                .get("/runs")
                .then()
                .statusCode(200)
                .body(find + ".status", equalTo("predicted"))
                .body(find + ".links.summary", equalTo("/runs/" + id + "/objects/predictions/summary.json"))
                .extract()
                .path(find + ".links.summary");
        given().auth().oauth2(token).when().get(link).then().statusCode(200).body("modelRun", equalTo("m1"));
    }
}
