package io.genrestack.extractor;

import io.genrestack.testkit.InfraTestResource;
import io.genrestack.testkit.OpenApiCheck;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;

/**
 * The served OpenAPI document (/q/openapi, fetched without credentials) lists exactly the REST endpoints of this
 * service's JAX-RS classes (found by reflection in io.genrestack.extractor), each with a summary and its error bodies'
 * schema; the Swagger UI is served ({@link OpenApiCheck}).
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class OpenApiTest {
    @TestHTTPResource("/")
    URL base;

    @Test
    void documentListsEveryEndpointOfTheCode() throws Exception {
        OpenApiCheck.assertServedAndComplete(base, RunResource.class);
    }
}
