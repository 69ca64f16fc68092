package io.genrestack.extractor;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Test-only endpoint without a role annotation: stands for an endpoint someone adds later and forgets to protect.
 * {@link RunApiSecurityTest} checks that it is denied. Hidden from the OpenAPI document: it is not part of the API
 * (the document's completeness check, {@code OpenApiTest}, compares against the main classes).
 */
@Path("/test-unannotated")
public class UnannotatedProbeResource {
    @GET
    @Operation(hidden = true)
    @Produces(MediaType.TEXT_PLAIN)
    public String open() {
        return "this endpoint should never answer";
    }
}
