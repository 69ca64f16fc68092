package io.genrestack.common;

/**
 * The roles of the REST API, carried in the bearer JWT's {@code groups} claim (docs/reliability.md
 * "Authentication"). Every REST endpoint but health and metrics needs one of them; an endpoint without a role
 * annotation is denied ({@code quarkus.security.jaxrs.deny-unannotated-endpoints}).
 */
public final class Roles {
    /** Starts runs ({@code POST /runs} on the extractor). */
    public static final String OPERATOR = "operator";

    /** Reads runs and reports, calls {@code POST /predict}; every {@code GET} of every service. */
    public static final String READER = "reader";

    private Roles() {}
}
