package io.genrestack.extractor;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Test-only endpoint without a role annotation: stands for an endpoint someone adds later and forgets to protect.
 * {@link RunApiSecurityTest} checks that it is denied.
 */
@Path("/test-unannotated")
public class UnannotatedProbeResource {
    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String open() {
        return "this endpoint should never answer";
    }
}
