package io.genrestack.evaluator;

import io.genrestack.common.Roles;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.common.storage.StorageException;
import io.genrestack.platform.Infrastructure;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The evaluator's REST API over the reports in object storage.
 * <ul>
 * <li>{@code GET /runs}: every run under {@code runs/} with its report status, newest first</li>
 * <li>{@code GET /runs/{id}/report}: report.json</li>
 * <li>{@code GET /runs/{id}/report.html}, {@code GET /runs/{id}/report.md}</li>
 * <li>{@code GET /runs/{id}/files/{name}}: a report file (ROC figures, MediaEval submission TSVs)</li>
 * <li>{@code GET /runs/{id}/objects/{path}}: a text object of the run (provenance, run.json, vocabularies), for the
 * report's links</li>
 * </ul>
 * Errors are JSON {@code {"error":..,"runId":..}}: 400 for a malformed run id or file name, 404 for an unknown run
 * or a run without report (with its {@code status}), 503 when object storage cannot be reached. Every endpoint needs
 * the role {@code reader} (401 without a valid token, 403 without the role; empty bodies).
 */
@Path("/runs")
@Tag(name = "reports", description = "runs and their evaluation reports in object storage")
@RolesAllowed(Roles.READER)
public class ReportResource {
    private static final Logger LOG = Logger.getLogger(ReportResource.class);
    static final Pattern RUN_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    static final Pattern FILE = Pattern.compile(
            "(report\\.(json|md|html)|roc-[a-z0-9._-]+-(base|stacked)\\.svg" + "|mediaeval-[a-z0-9._-]+\\.tsv)");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final Map<String, String> TYPES = Map.of(
            "json",
            "application/json",
            "md",
            "text/markdown; charset=utf-8",
            "html",
            "text/html; charset=utf-8",
            "svg",
            "image/svg+xml",
            "tsv",
            "text/tab-separated-values; charset=utf-8",
            "txt",
            "text/plain; charset=utf-8");

    public static final String COMPLETE = "complete";
    public static final String FAILED = "failed";
    public static final String PENDING = "pending";
    /** A prediction run whose submission files are written ({@code predictions/summary.json}); it has no report. */
    public static final String PREDICTED = "predicted";

    @Inject
    Infrastructure infra;

    @Inject
    RunCatalog catalog;

    /**
     * One run in {@code GET /runs}.
     *
     * @param status {@code complete} (report.json present), {@code failed} (the last evaluation failed, no report)
     *        {@code predicted} (a prediction run, {@code POST /predictions}: its submission files are written; such
     *        runs have no report) or {@code pending} (no report yet)
     * @param created when the run's folder got its first object (null if unknown)
     * @param reportTime when the report was generated (null without report)
     * @param macroAuc per source: base and stacked macro ROC-AUC (empty without report)
     * @param message the failure reason, when the last evaluation failed
     * @param links the run's report URLs
     */
    @Schema(description = "A run and its report status")
    public record RunSummary(
            String runId,

            @Schema(enumeration = {COMPLETE, FAILED, PREDICTED, PENDING})
            String status,

            Instant created,
            Instant reportTime,
            Map<String, Auc> macroAuc,
            String message,
            Map<String, String> links) {}

    /** Base and stacked macro ROC-AUC of a source. */
    public record Auc(Double base, Double stacked) {}

    /** The body of every error response. */
    @Schema(description = "An error")
    public record ApiError(
            @Schema(description = "what is wrong") String error,

            @Schema(description = "the run concerned, if any")
            String runId,

            @Schema(
                    description = "the run's report status, when known",
                    enumeration = {COMPLETE, FAILED, PENDING})
            String status) {}

    private static final String RUN_ID_DOC = "the run's id, [a-z0-9][a-z0-9._-]{0,62}";

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every run", description = "Every run under runs/ with its report status, newest first.")
    @APIResponse(
            responseCode = "200",
            description = "the runs, newest first",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(type = SchemaType.ARRAY, implementation = RunSummary.class)))
    @APIResponse(
            responseCode = "503",
            description = "object storage cannot be reached",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response runs() {
        try {
            List<RunSummary> out = new ArrayList<>();
            for (RunCatalog.RunFolder f : catalog.runs()) {
                if (RUN_ID.matcher(f.runId()).matches()) {
                    out.add(summary(f.runId(), f.created()));
                }
            }
            Comparator<RunSummary> newest =
                    Comparator.comparing(ReportResource::time, Comparator.nullsLast(Comparator.reverseOrder()));
            out.sort(newest.thenComparing(RunSummary::runId, Comparator.reverseOrder()));
            return Response.ok(out).build();
        } catch (StorageException e) {
            return unavailable(null, e);
        }
    }

    @GET
    @Path("{id}/report")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A run's report (JSON)", description = "reports/report.json: ROC-AUC and MediaEval figures.")
    @APIResponse(
            responseCode = "200",
            description = "report.json",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = EvaluationReport.class)))
    @APIResponse(
            responseCode = "400",
            description = "malformed run id",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "unknown run, or no report yet (its status: pending, or failed with the reason)",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "503",
            description = "object storage cannot be reached",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response reportJson(@Parameter(description = RUN_ID_DOC) @PathParam("id") String id) {
        return reportFile(id, ReportBuilder.JSON);
    }

    @GET
    @Path("{id}/report.html")
    @Produces({MediaType.TEXT_HTML, MediaType.APPLICATION_JSON})
    @Operation(summary = "A run's report (HTML)", description = "reports/report.html, with the ROC figures.")
    @APIResponse(
            responseCode = "200",
            description = "report.html",
            content = @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(
            responseCode = "400",
            description = "malformed run id",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "unknown run, or no report yet (its status: pending, or failed with the reason)",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "503",
            description = "object storage cannot be reached",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response reportHtml(@Parameter(description = RUN_ID_DOC) @PathParam("id") String id) {
        return reportFile(id, ReportBuilder.HTML);
    }

    @GET
    @Path("{id}/report.md")
    @Produces({"text/markdown", MediaType.APPLICATION_JSON})
    @Operation(summary = "A run's report (Markdown)", description = "reports/report.md.")
    @APIResponse(
            responseCode = "200",
            description = "report.md",
            content = @Content(mediaType = "text/markdown", schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(
            responseCode = "400",
            description = "malformed run id",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "unknown run, or no report yet (its status: pending, or failed with the reason)",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "503",
            description = "object storage cannot be reached",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response reportMarkdown(@Parameter(description = RUN_ID_DOC) @PathParam("id") String id) {
        return reportFile(id, ReportBuilder.MARKDOWN);
    }

    @GET
    @Path("{id}/files/{name}")
    @Produces({
        "image/svg+xml",
        "text/tab-separated-values",
        MediaType.TEXT_HTML,
        "text/markdown",
        MediaType.APPLICATION_JSON
    })
    @Operation(
            summary = "A report file",
            description = "A file of reports/: report.json|md|html, roc-<source>-<base|stacked>.svg (ROC figure),"
                    + " mediaeval-<source>.tsv (MediaEval submission).")
    @APIResponse(
            responseCode = "200",
            description = "the file, with its media type",
            content = {
                @Content(mediaType = "image/svg+xml", schema = @Schema(type = SchemaType.STRING)),
                @Content(mediaType = "text/tab-separated-values", schema = @Schema(type = SchemaType.STRING)),
                @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING)),
                @Content(mediaType = "text/markdown", schema = @Schema(type = SchemaType.STRING)),
                @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT))
            })
    @APIResponse(
            responseCode = "400",
            description = "malformed run id or file name",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "unknown run, or no report yet (its status: pending, or failed with the reason)",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "503",
            description = "object storage cannot be reached",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response file(
            @Parameter(description = RUN_ID_DOC) @PathParam("id") String id,
            @Parameter(description = "the file's name") @PathParam("name") String name) {
        if (!FILE.matcher(name).matches()) {
            return error(
                    Response.Status.BAD_REQUEST,
                    "no such report file name: '" + name + "' (expected "
                            + "report.json|md|html, roc-<source>-<base|stacked>.svg or mediaeval-<source>.tsv)",
                    id,
                    null);
        }
        return reportFile(id, name);
    }

    @GET
    @Path("{id}/objects/{path: .+}")
    @Produces({
        MediaType.APPLICATION_JSON,
        "text/markdown",
        "text/plain",
        "image/svg+xml",
        "text/tab-separated-values",
        MediaType.TEXT_HTML
    })
    @Operation(
            summary = "A text object of a run",
            description = "A json, md, tsv, svg, html or txt object under runs/<id>/ (provenance, run.json,"
                    + " vocabularies), for the report's links.")
    @APIResponse(
            responseCode = "200",
            description = "the object, with the media type of its extension",
            content = {
                @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)),
                @Content(mediaType = "text/markdown", schema = @Schema(type = SchemaType.STRING)),
                @Content(mediaType = "text/plain", schema = @Schema(type = SchemaType.STRING)),
                @Content(mediaType = "image/svg+xml", schema = @Schema(type = SchemaType.STRING)),
                @Content(mediaType = "text/tab-separated-values", schema = @Schema(type = SchemaType.STRING)),
                @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING))
            })
    @APIResponse(
            responseCode = "400",
            description = "malformed run id, or not a text object path under the run's folder",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "unknown run, or the run has no such object",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "503",
            description = "object storage cannot be reached",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response object(
            @Parameter(description = RUN_ID_DOC) @PathParam("id") String id,
            @Parameter(description = "the object's path under the run's folder, e.g. run.json") @PathParam("path")
                    String path) {
        if (!servableObject(path)) {
            return error(
                    Response.Status.BAD_REQUEST,
                    "only text objects (json, md, tsv, svg, html, txt) under the " + "run's folder are served: '" + path
                            + "'",
                    id,
                    null);
        }
        Response bad = checkRun(id);
        if (bad != null) {
            return bad;
        }
        try {
            Optional<byte[]> b = infra.store().getIfExists(RunPaths.run(id) + path);
            if (b.isEmpty()) {
                return error(Response.Status.NOT_FOUND, "run " + id + " has no object " + path, id, null);
            }
            return Response.ok(b.get()).type(type(path)).build();
        } catch (StorageException e) {
            return unavailable(id, e);
        }
    }

    /** A relative object path this API serves: plain segments (no {@code ..}), a text extension. */
    static boolean servableObject(String path) {
        if (path == null || path.isEmpty() || path.length() > 300) {
            return false;
        }
        for (String seg : path.split("/", -1)) {
            if (!SEGMENT.matcher(seg).matches() || seg.contains("..")) {
                return false;
            }
        }
        int dot = path.lastIndexOf('.');
        return dot > 0 && TYPES.containsKey(path.substring(dot + 1));
    }

    private Response reportFile(String id, String name) {
        Response bad = checkRun(id);
        if (bad != null) {
            return bad;
        }
        try {
            Optional<byte[]> b = infra.store().getIfExists(RunPaths.reports(id) + name);
            if (b.isPresent()) {
                return Response.ok(b.get()).type(type(name)).build();
            }
            RunSummary s = summary(id, null);
            if (!COMPLETE.equals(s.status())) {
                return error(
                        Response.Status.NOT_FOUND,
                        "run " + id + " has no report"
                                + (s.message() == null ? " yet" : ": the evaluation failed: " + s.message()),
                        id,
                        s.status());
            }
            return error(Response.Status.NOT_FOUND, "run " + id + "'s report has no file " + name, id, s.status());
        } catch (StorageException e) {
            return unavailable(id, e);
        }
    }

    /** 400 for a malformed id, 404 for a run with nothing stored, else null. */
    private Response checkRun(String id) {
        if (id == null || !RUN_ID.matcher(id).matches()) {
            return error(
                    Response.Status.BAD_REQUEST, "malformed run id (expected " + RUN_ID.pattern() + ")", null, null);
        }
        try {
            if (!catalog.exists(id)) {
                return error(Response.Status.NOT_FOUND, "unknown run " + id, id, null);
            }
        } catch (StorageException e) {
            return unavailable(id, e);
        }
        return null;
    }

    private RunSummary summary(String id, Instant created) {
        String prefix = RunPaths.reports(id);
        Map<String, String> links = new LinkedHashMap<>();
        Optional<byte[]> json = infra.store().getIfExists(prefix + ReportBuilder.JSON);
        Optional<EvaluationReport> report = json.flatMap(b -> readReport(id, b));
        Optional<EvaluatorStage.Failure> failure =
                infra.store().getJsonIfExists(prefix + EvaluatorStage.FAILURE, EvaluatorStage.Failure.class);
        String message = failure.map(f -> (report.isPresent() ? "a later evaluation failed: " : "") + f.message())
                .orElse(null);
        if (report.isPresent()) {
            Map<String, Auc> auc = new LinkedHashMap<>();
            report.get()
                    .sources()
                    .forEach((s, r) ->
                            auc.put(s, new Auc(r.base().macroAuc(), r.stacked().macroAuc())));
            links.put("json", "/runs/" + id + "/report");
            links.put("html", "/runs/" + id + "/report.html");
            links.put("markdown", "/runs/" + id + "/report.md");
            return new RunSummary(id, COMPLETE, created, report.get().generatedAt(), auc, message, links);
        }
        if (failure.isEmpty() && infra.store().exists(RunPaths.predictionSummary(id))) {
            links.put(
                    "summary",
                    "/runs/" + id + "/objects/"
                            + RunPaths.predictionSummary(id)
                                    .substring(RunPaths.run(id).length()));
            return new RunSummary(id, PREDICTED, created, null, Map.of(), null, links);
        }
        return new RunSummary(id, failure.isPresent() ? FAILED : PENDING, created, null, Map.of(), message, links);
    }

    private static Optional<EvaluationReport> readReport(String id, byte[] json) {
        try {
            return Optional.of(Json.read(json, EvaluationReport.class));
        } catch (IllegalArgumentException e) {
            LOG.warnf("run %s: unreadable report.json: %s", id, e.getMessage());
            return Optional.empty();
        }
    }

    private static Instant time(RunSummary s) {
        return s.created() != null ? s.created() : s.reportTime();
    }

    private static String type(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0
                ? "application/octet-stream"
                : TYPES.getOrDefault(name.substring(dot + 1), "application/octet-stream");
    }

    private static Response error(Response.Status status, String message, String runId, String runStatus) {
        return Response.status(status)
                .entity(new ApiError(message, runId, runStatus))
                .type(MediaType.APPLICATION_JSON)
                .build();
    }

    private static Response unavailable(String runId, StorageException e) {
        LOG.warnf("object storage unavailable: %s", e.getMessage());
        return error(Response.Status.SERVICE_UNAVAILABLE, e.getMessage(), runId, null);
    }
}
