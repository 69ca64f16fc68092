package io.genrestack.evaluator;

import io.genrestack.common.Roles;
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
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
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

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code GET /studies/{id}}: the statistics of a study ({@link StudyReport}) from its runs' report.json files, once
 * every run has one; then also stored as {@code studies/<id>/report.json} (and served from there afterwards).
 * {@code /studies/{id}/report.md} gives the same tables as Markdown, {@code /studies/{id}/report.html} (and
 * {@code /studies/{id}} for a request that accepts text/html and not JSON, as a browser's) as a page
 * ({@link StudyPage}). 404 for an unknown study, 409 with the
 * {@code pending} runs while some have no report yet, 503 when object storage cannot be reached. Role
 * {@code reader}.
 */
@Path("/studies")
@Tag(name = "studies", description = "statistics of a study's runs over their seeds and presets")
@RolesAllowed(Roles.READER)
public class StudyResource {
    private static final Logger LOG = Logger.getLogger(StudyResource.class);
    static final Pattern STUDY_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,50}");
    private static final String ID_DOC = "the study's id, [a-z0-9][a-z0-9._-]{0,50}";

    @Inject
    Infrastructure infra;

    /** The answer while runs of the study have no report yet. */
    @Schema(description = "A study whose runs are not all reported yet")
    public record Pending(
            @Schema(description = "what is wrong") String error,

            @Schema(description = "the study") String studyId,

            @Schema(description = "runs without a report yet (unfinished or failed)")
            List<String> pending,

            @Schema(description = "runs with a report") List<String> reported) {}

    @GET
    @Path("{id}")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    @Operation(
            summary = "A study's statistics",
            description = "Per source and model the mean, sample standard deviation, min and max of the macro"
                    + " ROC-AUC over the study's runs (in a study that varies the feature preset: per preset over"
                    + " its seeds, in groups), and per run its bootstrap intervals and paired stacked − base"
                    + " comparison (from the runs' reports); stored as studies/<id>/report.json once complete."
                    + " A request that accepts text/html and not application/json (a browser) gets the study page.")
    @APIResponse(
            responseCode = "200",
            description = "the study report (application/json), or its page (text/html)",
            content = {
                @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StudyReport.class)),
                @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING))
            })
    @APIResponse(
            responseCode = "400",
            description = "malformed study id",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReportResource.ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "unknown study",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReportResource.ApiError.class)))
    @APIResponse(
            responseCode = "409",
            description = "some runs have no report yet: the pending ones are listed",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Pending.class)))
    @APIResponse(
            responseCode = "503",
            description = "object storage cannot be reached",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReportResource.ApiError.class)))
    public Response report(
            @Parameter(description = ID_DOC) @PathParam("id") String id,
            @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        return answer(id, htmlWanted(accept) ? Format.HTML_AT_ID : Format.JSON);
    }

    @GET
    @Path("{id}/report.html")
    @Produces({MediaType.TEXT_HTML, MediaType.APPLICATION_JSON})
    @Operation(
            summary = "A study's page (HTML)",
            description = "The study report's tables as a page: what varied, links to every run's report and to"
                    + " the comparison of its runs, the statistics over the seeds (per preset in a preset study)"
                    + " and every run's intervals.")
    @APIResponse(
            responseCode = "200",
            description = "the study page",
            content = @Content(mediaType = MediaType.TEXT_HTML, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(
            responseCode = "400",
            description = "malformed study id",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReportResource.ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "unknown study",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReportResource.ApiError.class)))
    @APIResponse(
            responseCode = "409",
            description = "some runs have no report yet: the pending ones are listed",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Pending.class)))
    @APIResponse(
            responseCode = "503",
            description = "object storage cannot be reached",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReportResource.ApiError.class)))
    public Response html(@Parameter(description = ID_DOC) @PathParam("id") String id) {
        return answer(id, Format.HTML);
    }

    /** The page only when asked for and JSON is not (a browser's Accept); curl's and clients' get JSON. */
    static boolean htmlWanted(String accept) {
        return accept != null && accept.contains(MediaType.TEXT_HTML) && !accept.contains(MediaType.APPLICATION_JSON);
    }

    /** What {@link #answer} renders; the page's relative path to the service root differs by where it is. */
    private enum Format {
        JSON,
        MARKDOWN,
        HTML_AT_ID,
        HTML
    }

    @GET
    @Path("{id}/report.md")
    @Produces({StudyResource.MARKDOWN, MediaType.APPLICATION_JSON})
    @Operation(summary = "A study's statistics (Markdown)", description = "The study report's tables as Markdown.")
    @APIResponse(
            responseCode = "200",
            description = "the study report's tables",
            content = @Content(mediaType = MARKDOWN, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(
            responseCode = "400",
            description = "malformed study id",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReportResource.ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "unknown study",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReportResource.ApiError.class)))
    @APIResponse(
            responseCode = "409",
            description = "some runs have no report yet: the pending ones are listed",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Pending.class)))
    @APIResponse(
            responseCode = "503",
            description = "object storage cannot be reached",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReportResource.ApiError.class)))
    public Response markdown(@Parameter(description = ID_DOC) @PathParam("id") String id) {
        return answer(id, Format.MARKDOWN);
    }

    static final String MARKDOWN = "text/markdown";

    private Response answer(String id, Format format) {
        if (id == null || !STUDY_ID.matcher(id).matches()) {
            return error(Response.Status.BAD_REQUEST, "malformed study id (expected " + STUDY_ID.pattern() + ")");
        }
        try {
            StudyReport report;
            Optional<StudyReport> stored = infra.store().getJsonIfExists(RunPaths.studyReport(id), StudyReport.class);
            if (stored.isPresent()) {
                report = stored.get();
            } else {
                Optional<Study> study = infra.store().getJsonIfExists(RunPaths.studyJson(id), Study.class);
                if (study.isEmpty()) {
                    return error(Response.Status.NOT_FOUND, "no study " + id);
                }
                List<EvaluationReport> reports = new ArrayList<>();
                List<String> pending = new ArrayList<>();
                List<String> reported = new ArrayList<>();
                for (String run : study.get().runIds()) {
                    Optional<byte[]> json = infra.store().getIfExists(RunPaths.reports(run) + ReportBuilder.JSON);
                    EvaluationReport rep = null;
                    if (json.isPresent()) {
                        try {
                            rep = Json.read(json.get(), EvaluationReport.class);
                        } catch (IllegalArgumentException e) {
                            // an unreadable report counts as none: the run is listed as pending
                            LOG.warnf("[%s] run %s: unreadable report.json: %s", id, run, e.getMessage());
                        }
                    }
                    if (rep == null) {
                        pending.add(run);
                    } else {
                        reported.add(run);
                        reports.add(rep);
                    }
                }
                if (!pending.isEmpty()) {
                    return Response.status(Response.Status.CONFLICT)
                            .entity(new Pending(
                                    pending.size() + " of "
                                            + study.get().runIds().size() + " runs have no report yet",
                                    id,
                                    pending,
                                    reported))
                            .type(MediaType.APPLICATION_JSON)
                            .build();
                }
                report = StudyReport.of(study.get(), reports, Instant.now());
                infra.store().putJson(RunPaths.studyReport(id), report);
                LOG.infof("[%s] study report written: %d runs", id, reports.size());
            }
            if (format == Format.MARKDOWN) {
                return Response.ok(report.markdown())
                        .type(MARKDOWN + "; charset=utf-8")
                        .build();
            }
            if (format == Format.HTML || format == Format.HTML_AT_ID) {
                return Response.ok(StudyPage.html(report, format == Format.HTML ? "../../" : "../"))
                        .type(MediaType.TEXT_HTML + "; charset=utf-8")
                        .build();
            }
            return Response.ok(report, MediaType.APPLICATION_JSON).build();
        } catch (StorageException e) {
            LOG.warnf("object storage unavailable: %s", e.getMessage());
            return error(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
        }
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status)
                .entity(new ReportResource.ApiError(message, null, null))
                .type(MediaType.APPLICATION_JSON)
                .build();
    }
}
