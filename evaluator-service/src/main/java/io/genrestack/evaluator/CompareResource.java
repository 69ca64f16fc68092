package io.genrestack.evaluator;

import io.genrestack.common.Roles;
import io.genrestack.common.features.FeatureManifest;
import io.genrestack.common.model.Study;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.common.storage.StorageException;
import io.genrestack.platform.Infrastructure;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
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

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /compare?runs=a,b,...}: two or more runs side by side ({@link ComparePage}) from their report.json
 * files: the configuration and where it differs, per source the AUC tables with the bootstrap intervals, and the
 * training curves. HTML by default; {@code Accept: text/markdown} gives the tables as Markdown (what
 * {@code ./genrestack compare} prints); the page links the studies the runs belong to ({@link #studiesOf}). Role
 * {@code reader}. Errors are the JSON {@link ReportResource.ApiError}:
 * 400 for fewer than 2 or more than {@value #MAX_RUNS} runs or a malformed id, 404 for a run without a report
 * (naming it), 503 when object storage cannot be reached.
 */
@Path("/compare")
@Tag(name = "reports", description = "runs and their evaluation reports in object storage")
@RolesAllowed(Roles.READER)
public class CompareResource {
    private static final Logger LOG = Logger.getLogger(CompareResource.class);
    static final int MAX_RUNS = 8;
    static final String MARKDOWN = "text/markdown";

    @Inject
    Infrastructure infra;

    @GET
    @Produces({MediaType.TEXT_HTML, MARKDOWN, MediaType.APPLICATION_JSON})
    @Operation(
            summary = "Compare runs side by side",
            description = "Two to " + MAX_RUNS + " runs with reports: configuration differences (preset, seeds,"
                    + " split, epochs), per source the macro ROC-AUC of both models with their bootstrap 95 % CIs,"
                    + " and every model's training curves. HTML (figures inline) unless the request accepts"
                    + " text/markdown and not text/html.")
    @APIResponse(
            responseCode = "200",
            description = "the comparison page (text/html) or its tables (text/markdown)",
            content = {
                @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING)),
                @Content(mediaType = MARKDOWN, schema = @Schema(type = SchemaType.STRING))
            })
    @APIResponse(
            responseCode = "400",
            description = "fewer than 2 or more than " + MAX_RUNS + " distinct runs, or a malformed run id",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReportResource.ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "a run has no report (unknown, pending or failed)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReportResource.ApiError.class)))
    @APIResponse(
            responseCode = "503",
            description = "object storage cannot be reached",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReportResource.ApiError.class)))
    public Response compare(
            @Parameter(description = "the runs' ids, comma-separated, e.g. run-a,run-b (2 to " + MAX_RUNS + ")")
                    @QueryParam("runs")
                    String runs,
            @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        List<String> ids = ComparePage.parse(runs);
        if (ids.size() < 2 || ids.size() > MAX_RUNS) {
            return error(
                    Response.Status.BAD_REQUEST,
                    "runs= needs 2 to " + MAX_RUNS + " distinct run ids, comma-separated; got " + ids.size(),
                    null);
        }
        for (String id : ids) {
            if (!ReportResource.RUN_ID.matcher(id).matches()) {
                return error(
                        Response.Status.BAD_REQUEST,
                        "malformed run id '" + Text.shorten(id, 70) + "' (expected " + ReportResource.RUN_ID.pattern()
                                + ")",
                        null);
            }
        }
        List<EvaluationReport> reports = new ArrayList<>();
        try {
            for (String id : ids) {
                Optional<byte[]> json = infra.store().getIfExists(RunPaths.reports(id) + ReportBuilder.JSON);
                if (json.isEmpty()) {
                    return error(
                            Response.Status.NOT_FOUND,
                            "run " + id + " has no report (GET /runs/" + id + "/report says why)",
                            id);
                }
                try {
                    reports.add(Json.read(json.get(), EvaluationReport.class));
                } catch (IllegalArgumentException e) {
                    LOG.warnf("run %s: unreadable report.json: %s", id, e.getMessage());
                    return error(Response.Status.NOT_FOUND, "run " + id + " has an unreadable report.json", id);
                }
            }
        } catch (StorageException e) {
            LOG.warnf("object storage unavailable: %s", e.getMessage());
            return error(Response.Status.SERVICE_UNAVAILABLE, e.getMessage(), null);
        }
        if (markdownWanted(accept)) {
            return Response.ok(ComparePage.markdown(reports))
                    .type(MARKDOWN + "; charset=utf-8")
                    .build();
        }
        List<String> studies;
        try {
            studies = studiesOf(ids);
        } catch (StorageException e) {
            LOG.warnf("object storage unavailable: %s", e.getMessage());
            return error(Response.Status.SERVICE_UNAVAILABLE, e.getMessage(), null);
        }
        return Response.ok(ComparePage.html(reports, studies))
                .type(MediaType.TEXT_HTML + "; charset=utf-8")
                .build();
    }

    /**
     * The studies some of these runs belong to, for the page's links: the study ids the runs' names allow
     * ({@link Study#candidateStudyIds}) whose study.json lists the run.
     */
    List<String> studiesOf(List<String> runIds) {
        Set<String> out = new LinkedHashSet<>();
        Set<String> looked = new LinkedHashSet<>();
        for (String run : runIds) {
            for (String candidate : Study.candidateStudyIds(run, FeatureManifest.PRESETS)) {
                if (out.contains(candidate)
                        || !StudyResource.STUDY_ID.matcher(candidate).matches()
                        || !looked.add(candidate + "/" + run)) {
                    continue;
                }
                Optional<Study> study;
                try {
                    study = infra.store().getJsonIfExists(RunPaths.studyJson(candidate), Study.class);
                } catch (IllegalArgumentException e) {
                    continue; // an unreadable study.json links nothing
                }
                if (study.isPresent() && study.get().runIds().contains(run)) {
                    out.add(candidate);
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** Markdown only when asked for and HTML is not. */
    static boolean markdownWanted(String accept) {
        return accept != null && accept.contains(MARKDOWN) && !accept.contains(MediaType.TEXT_HTML);
    }

    private static Response error(Response.Status status, String message, String runId) {
        return Response.status(status)
                .entity(new ReportResource.ApiError(message, runId, null))
                .type(MediaType.APPLICATION_JSON)
                .build();
    }
}
