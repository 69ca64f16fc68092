package io.genrestack.extractor;

import io.genrestack.common.Roles;
import io.genrestack.common.Topics;
import io.genrestack.common.features.FeatureManifest;
import io.genrestack.common.kafka.JobWorker;
import io.genrestack.common.model.Ablations;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TrainParams;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.extractor.input.InputRoots;
import io.genrestack.extractor.input.S3Inputs;
import io.genrestack.extractor.input.S3Location;
import io.genrestack.platform.Infrastructure;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Starts runs. {@code POST /runs} with a {@link RunRequest} publishes {@code run-started} and the extraction job;
 * the rest of the pipeline follows through the job topics. Paths are paths as the extractor sees them (inside its
 * container: mount the data there), and must lie inside {@code genrestack.extractor.input-roots}
 * ({@link InputRoots}): any other path, {@code ..} or a link leading out gets 403 with one fixed body, whether it
 * exists or not; only a path inside the roots may be answered "does not exist". An {@code s3://bucket/prefix}
 * location is read from object storage and must lie inside {@code genrestack.extractor.input-buckets} (default none;
 * {@code S3Inputs}): otherwise 400 naming the location and the allow-list. {@code POST /runs} needs the role
 * {@code operator}, {@code GET /runs/{id}} the role {@code reader}.
 */
@Path("/runs")
@Tag(name = "runs", description = "start a pipeline run; read a run's run.json")
public class RunResource {
    private static final Logger LOG = Logger.getLogger(RunResource.class);
    static final Pattern RUN_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    @Inject
    Infrastructure infra;

    @Inject
    ExtractorSettings settings;

    /**
     * A run request. Only {@code inputs} and {@code groundTruth} are required; the rest default to the paper's
     * settings ({@code preset=paper}, seed 42, 80/20 joint split, 100 epochs, patience 4). {@code maxEpochs},
     * {@code patience} and {@code batchSize} apply to the base models (and patience/batch to the stacked ones);
     * {@code stackedMaxEpochs} caps the stacked models (default 100: they are cheap, a linear layer on 1024 inputs).
     * {@code ablations} ({@link Ablations}) asks the stacker for models on subsets of the activations; an unknown
     * value is 400.
     */
    @Schema(
            description =
                    "A run request: inputs and groundTruth are required, the rest default to the paper's settings")
    public record RunRequest(
            @Schema(description = "run id, [a-z0-9][a-z0-9._-]{0,62} (default: run-<yyyyMMdd-HHmmss>)")
            String runId,

            @Schema(
                    required = true,
                    description = "folders, .tar.bz2 archives or JSON files of AcousticBrainz low-level"
                            + " documents, as paths on the extractor or s3://bucket/prefix locations")
            List<String> inputs,

            @Schema(
                    required = true,
                    description = "ground-truth TSV files or folders, as paths on the extractor or s3://bucket/prefix")
            List<String> groundTruth,

            @Schema(description = "use the ground truth's train/validation split (default false: a joint 80/20 split)")
            Boolean givenSplit,

            @Schema(
                    description = "feature preset: paper (2669), full (2675) or common-layout (2669); docs/features.md",
                    enumeration = {"paper", "full", "common-layout"},
                    defaultValue = "paper")
            String preset,

            @Schema(description = "feature names, prefixes or globs to leave out")
            List<String> exclusions,

            @Schema(description = "share of release groups in the training split", defaultValue = "0.8")
            Double trainFraction,

            @Schema(
                    description = "seed of the split, and of the training unless modelSeed is given",
                    defaultValue = "42")
            Long seed,

            @Schema(
                    description = "seed of the models' weight init, dropout and shuffling (trainer and stacker);"
                            + " default: the same as seed")
            Long modelSeed,

            @Schema(description = "base models' epoch cap", defaultValue = "100")
            Integer maxEpochs,

            @Schema(description = "early-stopping patience (base and stacked)", defaultValue = "4")
            Integer patience,

            @Schema(description = "batch size (base and stacked)", defaultValue = "32")
            Integer batchSize,

            @Schema(description = "stacked models' epoch cap", defaultValue = "100")
            Integer stackedMaxEpochs,

            @Schema(
                    description = "the inputs are generated (synthetic) data: the report then does not set the"
                            + " run's AUCs against the paper's as if comparable",
                    defaultValue = "false")
            Boolean synthetic,

            @Schema(
                    description = "stacked models also trained on subsets of the base models' activations, reported"
                            + " per source next to the full one: own (the source's own 256-d block), leave-one-out"
                            + " (all but one other source, for each), or sources joined by '+' (allmusic+discogs);"
                            + " default none (docs/metrics.md, Ablations)")
            List<String> ablations) {}

    /** The answer to an accepted {@code POST /runs}: the run's id and its full configuration. */
    public record Accepted(String runId, RunConfig config) {}

    /** The body of every error response of this resource. */
    @Schema(description = "An error")
    public record ApiError(
            @Schema(description = "what is wrong") String error) {}

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Start a run",
            description = "Publishes run-started and the extraction job; the stages follow through the job topics"
                    + " (run-events tells the progress, GET /runs on the evaluator the report)."
                    + " Bodies over 64 KiB (quarkus.http.limits.max-body-size) are refused with 413,"
                    + " without a body, before they are read.")
    @APIResponse(
            responseCode = "202",
            description = "accepted: the run's id and full configuration",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Accepted.class)))
    @APIResponse(
            responseCode = "400",
            description = "inputs or groundTruth missing or not found on the extractor, an s3:// location outside"
                    + " genrestack.extractor.input-buckets, malformed runId, unknown preset, unknown ablations value",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "409",
            description = "a run with this id exists already",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "503",
            description = "not ready: Kafka or object storage not initialised yet",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response start(RunRequest req) {
        Prepared p = prepare(req);
        if (p.refusal() != null) {
            return p.refusal();
        }
        submit(p.runId(), p.config());
        return Response.accepted(new Accepted(p.runId(), p.config())).build();
    }

    /** A checked run request: its id and configuration, or the response that refuses it ({@code refusal}). */
    record Prepared(String runId, RunConfig config, Response refusal) {
        static Prepared refused(Response r) {
            return new Prepared(null, null, r);
        }
    }

    /**
     * Every check of {@code POST /runs} (the id, preset, input roots, readiness, an existing run) and the run's
     * configuration, without submitting anything; {@link StudyResource} prepares all its runs this way first.
     */
    Prepared prepare(RunRequest req) {
        String runId = req == null ? null : runId(req);
        Response refusal = check(req, runId);
        if (refusal != null) {
            return Prepared.refused(refusal);
        }
        if (infra.store().exists(RunPaths.runJson(runId))) {
            return Prepared.refused(Response.status(409)
                    .entity(new ApiError("run " + runId + " exists already"))
                    .build());
        }
        return new Prepared(runId, config(req), null);
    }

    private static String runId(RunRequest req) {
        return req.runId() == null || req.runId().isBlank()
                ? "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                : req.runId();
    }

    private Response check(RunRequest req, String runId) {
        if (req == null
                || req.inputs() == null
                || req.inputs().isEmpty()
                || req.groundTruth() == null
                || req.groundTruth().isEmpty()) {
            return bad("'inputs' (folders, .tar.bz2 archives or JSON files) and 'groundTruth' "
                    + "(TSV files or folders) are required");
        }
        if (!RUN_ID.matcher(runId).matches()) {
            return bad("runId must match " + RUN_ID.pattern());
        }
        if (req.preset() != null && !FeatureManifest.PRESETS.contains(req.preset())) {
            return bad("preset must be one of " + FeatureManifest.PRESETS);
        }
        java.util.Optional<String> ablations = Ablations.problem(req.ablations());
        if (ablations.isPresent()) {
            return bad(ablations.get());
        }
        // every location is judged before any is said to be missing: the answer never depends on what exists
        // outside the roots
        InputRoots roots = new InputRoots(settings.inputRoots());
        // s3:// locations: judged by their text against genrestack.extractor.input-buckets (S3Inputs), 400 naming why
        List<S3Location> buckets =
                S3Inputs.parseAllowList(settings.inputBuckets().orElse(List.of()));
        java.util.Optional<String> s3Refusal = S3Inputs.firstRefusal(req.inputs(), buckets)
                .or(() -> S3Inputs.firstRefusal(req.groundTruth(), buckets));
        if (s3Refusal.isPresent()) {
            return bad(s3Refusal.get());
        }
        List<String> missing = new java.util.ArrayList<>();
        for (String p : req.inputs()) {
            if (refused(roots, p, "input", missing)) {
                return forbidden(roots);
            }
        }
        for (String p : req.groundTruth()) {
            if (refused(roots, p, "ground truth", missing)) {
                return forbidden(roots);
            }
        }
        if (!missing.isEmpty()) {
            return bad(missing.get(0));
        }
        if (!infra.initialised()) {
            return Response.status(503)
                    .entity(new ApiError("not ready: " + infra.initError()))
                    .build();
        }
        return null;
    }

    private static RunConfig config(RunRequest req) {
        TrainParams base = TrainParams.paperBase();
        TrainParams stacked = TrainParams.paperStacked();
        if (req.maxEpochs() != null || req.patience() != null || req.batchSize() != null) {
            base = new TrainParams(
                    base.hidden(),
                    base.dropout(),
                    base.learningRate(),
                    req.batchSize() != null ? req.batchSize() : base.batchSize(),
                    req.maxEpochs() != null ? req.maxEpochs() : base.maxEpochs(),
                    req.patience() != null ? req.patience() : base.patience());
            stacked = new TrainParams(
                    stacked.hidden(),
                    stacked.dropout(),
                    stacked.learningRate(),
                    base.batchSize(),
                    stacked.maxEpochs(),
                    base.patience());
        }
        if (req.stackedMaxEpochs() != null) {
            stacked = stacked.withMaxEpochs(req.stackedMaxEpochs());
        }
        return new RunConfig(
                req.inputs(),
                req.groundTruth(),
                Boolean.TRUE.equals(req.givenSplit()),
                req.preset(),
                req.exclusions(),
                req.trainFraction() == null ? 0.8 : req.trainFraction(),
                req.seed() == null ? 42 : req.seed(),
                base,
                stacked,
                Boolean.TRUE.equals(req.synthetic()),
                null,
                req.modelSeed(),
                req.ablations());
    }

    void submit(String runId, RunConfig cfg) {
        submit(infra, runId, cfg);
    }

    /** Publishes {@code run-started} and the run's extractor job (a training or a prediction run). */
    static void submit(Infrastructure infra, String runId, RunConfig cfg) {
        infra.events()
                .publish(RunEvent.of(
                        runId,
                        RunEvent.RUN_STARTED,
                        Topics.STAGE_EXTRACTOR,
                        StageJob.ALL,
                        "run submitted",
                        null,
                        null));
        JobWorker.submit(
                infra.events(), StageJob.of(runId, Topics.STAGE_EXTRACTOR, StageJob.ALL, cfg, Map.of(), Map.of()));
        if (cfg.predicting()) {
            LOG.infof(
                    "[%s] prediction run submitted: inputs %s, models of run %s", runId, cfg.inputs(), cfg.modelRun());
        } else {
            LOG.infof("[%s] run submitted: inputs %s, ground truth %s", runId, cfg.inputs(), cfg.groundTruth());
        }
    }

    @GET
    @RolesAllowed(Roles.READER)
    @Path("/{runId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A run's run.json", description = "What the extractor stored when it set the run up.")
    @APIResponse(
            responseCode = "200",
            description = "runs/<runId>/run.json: runId, config (the RunConfig), featureCount, featureManifestVersion,"
                    + " labels (per source: vocabulary size), recordings, genrestackVersion, java",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(
            responseCode = "400",
            description = "malformed run id",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "no such run (or the extractor has not set it up yet)",
            content =
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response get(@Parameter(description = "the run's id") @PathParam("runId") String runId) {
        if (!RUN_ID.matcher(runId).matches()) {
            return bad("bad run id");
        }
        return infra.store()
                .getIfExists(RunPaths.runJson(runId))
                .map(b -> Response.ok(b, MediaType.APPLICATION_JSON).build())
                .orElse(Response.status(404)
                        .entity(new ApiError("no run " + runId))
                        .build());
    }

    /** True when {@code location} is refused; adds the "does not exist" message of a missing one to {@code missing}. */
    static boolean refused(InputRoots roots, String location, String what, List<String> missing) {
        if (S3Location.isS3(location)) {
            return false; // judged above, against the allowed buckets
        }
        InputRoots.Verdict v = roots.check(location);
        if (v == InputRoots.Verdict.MISSING) {
            missing.add(what + " does not exist on the extractor: " + location);
        }
        return v == InputRoots.Verdict.REFUSED;
    }

    /** The one answer to a location outside the roots: no path, the same whether it exists or not. */
    static Response forbidden(InputRoots roots) {
        LOG.warnf("run request refused: a location lies outside the input roots %s", roots.roots());
        return Response.status(403).entity(Map.of("error", InputRoots.REFUSED)).build();
    }

    static Response bad(String message) {
        return Response.status(400).entity(new ApiError(message)).build();
    }

    /** Optional run at start-up ({@code genrestack.extractor.auto-run-inputs}). */
    void autoRun(@Observes StartupEvent ev) {
        if (settings.autoRunInputs().isEmpty() || settings.autoRunGroundTruth().isEmpty()) {
            return;
        }
        Thread t = new Thread(
                () -> {
                    while (!infra.initialised()) {
                        try {
                            Thread.sleep(500);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    String id = settings.autoRunId();
                    if (infra.store().exists(RunPaths.runJson(id))) {
                        LOG.infof("auto run %s exists already; not submitting again", id);
                        return;
                    }
                    submit(
                            id,
                            RunConfig.defaults(
                                    settings.autoRunInputs().get(),
                                    settings.autoRunGroundTruth().get()));
                },
                "auto-run");
        t.setDaemon(true);
        t.start();
    }
}
