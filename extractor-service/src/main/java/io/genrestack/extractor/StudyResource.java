package io.genrestack.extractor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genrestack.common.Roles;
import io.genrestack.common.model.Study;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.extractor.RunResource.ApiError;
import io.genrestack.extractor.RunResource.RunRequest;
import io.genrestack.platform.Infrastructure;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Starts studies: one run configuration run once per seed. {@code POST /studies} takes a run request's fields plus
 * {@code seeds} (2 to 20, distinct) and {@code vary}: {@code model} holds the split seed ({@code seed}, default 42)
 * and gives each run one of the seeds as its {@code modelSeed}; {@code both} seeds each run's split and models with
 * one of the seeds. Every run ({@code <studyId>-s<seed>}) is checked exactly as {@code POST /runs} checks it
 * ({@link RunResource#prepare}); only when all pass is {@code studies/<id>/study.json} written and are the runs
 * submitted. Role {@code operator}. The evaluator's {@code GET /studies/{id}} reports the statistics.
 */
@Path("/studies")
@Tag(name = "studies", description = "start one run configuration once per seed")
public class StudyResource {
    private static final Logger LOG = Logger.getLogger(StudyResource.class);
    private static final Pattern STUDY_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,50}");
    static final int MIN_SEEDS = 2;
    static final int MAX_SEEDS = 20;

    @Inject
    RunResource runs;

    @Inject
    Infrastructure infra;

    /** The study's own fields; the rest of the body is a {@link RunRequest} (without runId). */
    @Schema(description = "A study's own fields, next to a run request's fields (without runId)")
    public record StudyFields(
            @Schema(description = "study id, [a-z0-9][a-z0-9._-]{0,50} (default: study-<yyyyMMdd-HHmmss>)")
            String studyId,

            @Schema(required = true, description = "the seeds, 2 to 20, distinct; one run per seed")
            List<Long> seeds,

            @Schema(
                    description = "model: split seed fixed (seed), modelSeed varied; both: split and model seeded"
                            + " by each seed",
                    enumeration = {"model", "both"},
                    defaultValue = "model")
            String vary) {}

    /** The request body as documented: a run request's fields and the study's. */
    @Schema(
            description = "A study request: a run request's fields (without runId) plus seeds, vary and studyId",
            allOf = {RunRequest.class, StudyFields.class})
    public interface StudyRequest {}

    /** The answer to an accepted study: its id and its runs, one per seed. */
    public record Accepted(String studyId, String vary, List<Long> seeds, List<String> runIds) {}

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Start a study",
            description = "One run per seed, each through the checks of POST /runs; writes studies/<id>/study.json"
                    + " and submits the runs (they go as concurrently as the deployed instances allow). A location"
                    + " outside the input roots is refused with 403 and the fixed body of POST /runs."
                    + " GET /studies/{id} on the evaluator reports mean, standard deviation, min and max.")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = StudyRequest.class)))
    @APIResponse(
            responseCode = "202",
            description = "accepted: the study's id and run ids",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Accepted.class)))
    @APIResponse(
            responseCode = "400",
            description = "bad seeds or vary, malformed studyId, runId or modelSeed given, or any run request"
                    + " refusal of POST /runs",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "409",
            description = "the study or one of its runs exists already",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "503",
            description = "not ready: Kafka or object storage not initialised yet",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response start(JsonNode body) {
        if (!(body instanceof ObjectNode)) {
            return bad("a JSON object is required: a run request's fields plus seeds and vary");
        }
        ObjectNode fields = ((ObjectNode) body).deepCopy();
        StudyFields study;
        try {
            study = Json.MAPPER.treeToValue(fields, StudyFields.class);
        } catch (Exception e) {
            return bad("seeds must be a list of integers: " + e.getMessage());
        }
        fields.remove(List.of("studyId", "seeds", "vary"));
        if (fields.hasNonNull("runId") || fields.hasNonNull("modelSeed")) {
            return bad("runId and modelSeed are set per seed by the study; leave them out");
        }
        String vary = study.vary() == null ? Study.VARY_MODEL : study.vary();
        if (!vary.equals(Study.VARY_MODEL) && !vary.equals(Study.VARY_BOTH)) {
            return bad("vary must be model or both");
        }
        if (vary.equals(Study.VARY_BOTH) && fields.hasNonNull("seed")) {
            return bad("with vary=both the seeds seed the split; leave seed out");
        }
        List<Long> seeds = study.seeds() == null ? List.of() : study.seeds();
        if (seeds.size() < MIN_SEEDS
                || seeds.size() > MAX_SEEDS
                || seeds.contains(null)
                || new LinkedHashSet<>(seeds).size() != seeds.size()) {
            return bad("seeds must be " + MIN_SEEDS + " to " + MAX_SEEDS + " distinct integers");
        }
        String id = study.studyId() == null || study.studyId().isBlank()
                ? "study-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                : study.studyId();
        if (!STUDY_ID.matcher(id).matches()) {
            return bad("studyId must match " + STUDY_ID.pattern());
        }
        RunRequest template;
        try {
            template = Json.MAPPER.treeToValue(fields, RunRequest.class);
        } catch (Exception e) {
            return bad("not a run request: " + e.getMessage());
        }
        List<RunResource.Prepared> prepared = new ArrayList<>();
        for (long seed : seeds) {
            RunResource.Prepared p = runs.prepare(forSeed(template, Study.runId(id, seed), vary, seed));
            if (p.refusal() != null) {
                return p.refusal();
            }
            prepared.add(p);
        }
        if (infra.store().exists(RunPaths.studyJson(id))) {
            return Response.status(409)
                    .entity(new ApiError("study " + id + " exists already"))
                    .build();
        }
        List<String> runIds = prepared.stream().map(RunResource.Prepared::runId).toList();
        infra.store()
                .putJson(
                        RunPaths.studyJson(id),
                        new Study(id, vary, seeds, runIds, prepared.get(0).config(), Instant.now()));
        for (RunResource.Prepared p : prepared) {
            runs.submit(p.runId(), p.config());
        }
        LOG.infof("[%s] study submitted: vary %s, seeds %s, runs %s", id, vary, seeds, runIds);
        return Response.accepted(new Accepted(id, vary, seeds, runIds)).build();
    }

    /** The run request of one seed: the template with its run id and seeds set. */
    static RunRequest forSeed(RunRequest t, String runId, String vary, long seed) {
        boolean model = vary.equals(Study.VARY_MODEL);
        return new RunRequest(
                runId,
                t.inputs(),
                t.groundTruth(),
                t.givenSplit(),
                t.preset(),
                t.exclusions(),
                t.trainFraction(),
                model ? t.seed() : Long.valueOf(seed),
                model ? Long.valueOf(seed) : null,
                t.maxEpochs(),
                t.patience(),
                t.batchSize(),
                t.stackedMaxEpochs(),
                t.synthetic(),
                t.ablations());
    }

    private static Response bad(String message) {
        return Response.status(400).entity(new ApiError(message)).build();
    }
}
