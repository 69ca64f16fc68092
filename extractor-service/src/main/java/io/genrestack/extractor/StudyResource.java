package io.genrestack.extractor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genrestack.common.Roles;
import io.genrestack.common.features.FeatureManifest;
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
 * Starts studies: one run configuration run once per seed, once per feature preset, or once per preset and seed.
 * {@code POST /studies} takes a run request's fields plus {@code seeds} (2 to 20, distinct) and/or {@code presets}
 * (2 or more distinct names of {@code FeatureManifest.PRESETS}); with both, the study is their cross product (every
 * preset on every seed). {@code vary} says how the seeds are used: {@code model} holds the split seed ({@code seed},
 * default 42) and gives each run one of the seeds as its {@code modelSeed}; {@code both} seeds each run's split and
 * models with one of the seeds. Without seeds every run has the request's {@code seed}. The runs are
 * {@code <studyId>-s<seed>}, {@code <studyId>-<preset>} or {@code <studyId>-<preset>-s<seed>} ({@link Study#runId});
 * every one is checked exactly as {@code POST /runs} checks it ({@link RunResource#prepare}); only when all pass is
 * {@code studies/<id>/study.json} written and are the runs submitted. Role {@code operator}. The evaluator's
 * {@code GET /studies/{id}} reports the statistics.
 */
@Path("/studies")
@Tag(name = "studies", description = "start one run configuration once per seed and/or feature preset")
public class StudyResource {
    private static final Logger LOG = Logger.getLogger(StudyResource.class);
    private static final Pattern STUDY_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,50}");
    static final int MIN_SEEDS = 2;
    static final int MAX_SEEDS = 20;
    static final int MIN_PRESETS = 2;

    @Inject
    RunResource runs;

    @Inject
    Infrastructure infra;

    /** The study's own fields; the rest of the body is a {@link RunRequest} (without runId). */
    @Schema(description = "A study's own fields, next to a run request's fields (without runId)")
    public record StudyFields(
            @Schema(description = "study id, [a-z0-9][a-z0-9._-]{0,50} (default: study-<yyyyMMdd-HHmmss>)")
            String studyId,

            @Schema(
                    description = "the seeds, 2 to 20, distinct: one run per seed (per preset with presets);"
                            + " seeds or presets (or both) are required")
            List<Long> seeds,

            @Schema(
                    description = "feature presets to compare, 2 or more distinct of paper, full, common-layout: one"
                            + " run per preset (per preset and seed with seeds); leave preset out")
            List<String> presets,

            @Schema(
                    description = "model: split seed fixed (seed), modelSeed varied; both: split and model seeded"
                            + " by each seed (only with seeds)",
                    enumeration = {"model", "both"},
                    defaultValue = "model")
            String vary) {}

    /** The request body as documented: a run request's fields and the study's. */
    @Schema(
            description = "A study request: a run request's fields (without runId) plus seeds and/or presets, vary and"
                    + " studyId",
            allOf = {RunRequest.class, StudyFields.class})
    public interface StudyRequest {}

    /**
     * The answer to an accepted study: its id, what varied ({@code preset} and/or {@code seed}), and its runs, one
     * per seed and/or preset (preset by preset, within a preset seed by seed).
     */
    public record Accepted(
            String studyId,
            List<String> varied,
            String vary,
            List<Long> seeds,
            List<String> presets,
            List<String> runIds) {}

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Start a study",
            description = "One run per seed, per feature preset, or per preset and seed (the cross product), each"
                    + " through the checks of POST /runs; writes studies/<id>/study.json"
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
            description = "bad seeds, presets or vary, neither seeds nor presets, preset next to presets,"
                    + " malformed studyId, runId or modelSeed given, or any run request refusal of POST /runs",
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
            return bad("a JSON object is required: a run request's fields plus seeds and/or presets");
        }
        ObjectNode fields = ((ObjectNode) body).deepCopy();
        StudyFields study;
        try {
            study = Json.MAPPER.treeToValue(fields, StudyFields.class);
        } catch (Exception e) {
            return bad("seeds must be a list of integers, presets a list of names: " + e.getMessage());
        }
        fields.remove(List.of("studyId", "seeds", "presets", "vary"));
        if (fields.hasNonNull("runId") || fields.hasNonNull("modelSeed")) {
            return bad("runId and modelSeed are set per run by the study; leave them out");
        }
        List<Long> seeds = study.seeds() == null ? List.of() : study.seeds();
        List<String> presets = study.presets() == null ? List.of() : study.presets();
        if (seeds.isEmpty() && presets.isEmpty()) {
            return bad("a study varies seeds or presets (or both): give seeds (" + MIN_SEEDS + " to " + MAX_SEEDS
                    + " distinct integers) and/or presets (" + MIN_PRESETS + " or more of "
                    + FeatureManifest.PRESETS + ")");
        }
        if (!seeds.isEmpty()
                && (seeds.size() < MIN_SEEDS
                        || seeds.size() > MAX_SEEDS
                        || seeds.contains(null)
                        || new LinkedHashSet<>(seeds).size() != seeds.size())) {
            return bad("seeds must be " + MIN_SEEDS + " to " + MAX_SEEDS + " distinct integers");
        }
        if (!presets.isEmpty()) {
            if (presets.size() < MIN_PRESETS
                    || presets.contains(null)
                    || new LinkedHashSet<>(presets).size() != presets.size()) {
                return bad("presets must be " + MIN_PRESETS + " or more distinct names of " + FeatureManifest.PRESETS);
            }
            for (String p : presets) {
                if (!FeatureManifest.PRESETS.contains(p)) {
                    return bad("unknown preset '" + p + "': presets must be names of " + FeatureManifest.PRESETS);
                }
            }
            if (fields.hasNonNull("preset")) {
                return bad("presets sets each run's preset; leave preset out");
            }
        }
        String vary = null;
        if (seeds.isEmpty()) {
            if (study.vary() != null) {
                return bad("vary says how the seeds are used: it needs seeds");
            }
        } else {
            vary = study.vary() == null ? Study.VARY_MODEL : study.vary();
            if (!vary.equals(Study.VARY_MODEL) && !vary.equals(Study.VARY_BOTH)) {
                return bad("vary must be model or both");
            }
            if (vary.equals(Study.VARY_BOTH) && fields.hasNonNull("seed")) {
                return bad("with vary=both the seeds seed the split; leave seed out");
            }
        }
        String id = study.studyId() == null || study.studyId().isBlank()
                ? "study-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                : study.studyId();
        if (!STUDY_ID.matcher(id).matches()) {
            return bad("studyId must match " + STUDY_ID.pattern());
        }
        List<String> presetAxis = presets.isEmpty() ? java.util.Collections.singletonList(null) : presets;
        List<Long> seedAxis = seeds.isEmpty() ? java.util.Collections.singletonList(null) : seeds;
        List<RunResource.Prepared> prepared = new ArrayList<>();
        for (String preset : presetAxis) {
            for (Long seed : seedAxis) {
                RunRequest req;
                try {
                    req = forRun(fields, Study.runId(id, preset, seed), preset, vary, seed);
                } catch (Exception e) {
                    return bad("not a run request: " + e.getMessage());
                }
                RunResource.Prepared p = runs.prepare(req);
                if (p.refusal() != null) {
                    return p.refusal();
                }
                prepared.add(p);
            }
        }
        if (infra.store().exists(RunPaths.studyJson(id))) {
            return Response.status(409)
                    .entity(new ApiError("study " + id + " exists already"))
                    .build();
        }
        List<String> runIds = prepared.stream().map(RunResource.Prepared::runId).toList();
        Study s = new Study(id, vary, seeds, runIds, prepared.get(0).config(), Instant.now(), presets);
        infra.store().putJson(RunPaths.studyJson(id), s);
        for (RunResource.Prepared p : prepared) {
            runs.submit(p.runId(), p.config());
        }
        LOG.infof(
                "[%s] study submitted: varied %s, vary %s, seeds %s, presets %s, runs %s",
                id, s.varied(), vary, seeds, presets, runIds);
        return Response.accepted(new Accepted(id, s.varied(), vary, seeds, presets, runIds))
                .build();
    }

    /**
     * The run request of one run: the request's run fields ({@code fields}, without the study's) with its run id,
     * its preset (when presets vary) and its seeds (when seeds vary: {@code modelSeed} for {@code vary=model},
     * {@code seed} for {@code vary=both}) set.
     */
    static RunRequest forRun(ObjectNode fields, String runId, String preset, String vary, Long seed) throws Exception {
        ObjectNode r = fields.deepCopy();
        r.put("runId", runId);
        if (preset != null) {
            r.put("preset", preset);
        }
        if (seed != null) {
            r.put(Study.VARY_MODEL.equals(vary) ? "modelSeed" : "seed", seed);
        }
        return Json.MAPPER.treeToValue(r, RunRequest.class);
    }

    private static Response bad(String message) {
        return Response.status(400).entity(new ApiError(message)).build();
    }
}
