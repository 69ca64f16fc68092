package io.genrestack.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link OpenApiCheck} on resource classes of this package (the fixtures below) and hand-written documents: it
 * finds the endpoints by reflection, and fails on a missing or extra endpoint and on an undocumented error body.
 */
class OpenApiCheckTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    @Path("/things")
    public static class Things {
        @GET
        public String list() {
            return "";
        }

        @GET
        @Path("{id}/parts/{rest: .+}")
        public String part() {
            return "";
        }

        @POST
        @Path("/")
        public String add() {
            return "";
        }

        public String notAnEndpoint() {
            return "";
        }
    }

    static final String OK = """
            {"summary": "s", "responses": {
              "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}},
              "404": {"description": "no",
                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}}
            }}""";

    static ObjectNode document() throws Exception {
        return (ObjectNode) MAPPER.readTree("""
                {"openapi": "3.1.0",
                 "components": {
                   "schemas": {"E": {"type": "object", "properties": {"error": {"type": "string"}}}},
                   "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
                 "paths": {
                   "/things": {"get": %s, "post": %s},
                   "/things/{id}/parts/{rest}": {"get": %s}}}
                """.formatted(OK, OK, OK));
    }

    @Test
    void findsTheEndpointsOfThePackagesResourceClassesByReflection() throws Exception {
        assertEquals(
                new TreeSet<>(Set.of("GET /things", "POST /things", "GET /things/{id}/parts/{rest}")),
                OpenApiCheck.endpoints(OpenApiCheckTest.class));
        OpenApiCheck.assertComplete(document(), OpenApiCheckTest.class);
    }

    @Test
    void failsOnAMissingOrExtraEndpoint() throws Exception {
        ObjectNode missing = document();
        ((ObjectNode) missing.get("paths").get("/things")).remove("post");
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class, () -> OpenApiCheck.assertComplete(missing, OpenApiCheckTest.class));
        assertTrue(e.getMessage().contains("POST /things"), e.getMessage());
        ObjectNode extra = document();
        ((ObjectNode) extra.get("paths")).set("/gone", MAPPER.readTree("{\"get\": " + OK + "}"));
        assertThrows(AssertionFailedError.class, () -> OpenApiCheck.assertComplete(extra, OpenApiCheckTest.class));
    }

    @Test
    void failsOnAnErrorWithoutItsJsonBodyOrAnOperationWithoutSummary() throws Exception {
        for (String broken : List.of(
                "/paths/~1things/get/responses/404/content",
                "/paths/~1things/get/summary",
                "/components/schemas/E/properties",
                "/components/securitySchemes/bearer")) {
            ObjectNode doc = document();
            JsonNode parent = doc.at(broken.substring(0, broken.lastIndexOf('/')));
            ((ObjectNode) parent).remove(broken.substring(broken.lastIndexOf('/') + 1));
            assertThrows(
                    AssertionFailedError.class,
                    () -> OpenApiCheck.assertComplete(doc, OpenApiCheckTest.class),
                    "without " + broken);
        }
    }
}
