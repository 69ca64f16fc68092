package io.genrestack.extractor;

import io.genrestack.common.Roles;
import io.genrestack.common.Sources;
import io.genrestack.common.model.ModelKind;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.extractor.input.InputRoots;
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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts prediction runs. {@code POST /predictions} with a {@link PredictionRequest} starts a run over unlabelled
 * low-level documents (folders, {@code .tar.bz2} archives or files, judged by {@link InputRoots} as for
 * {@code POST /runs}) that uses the feature manifest, scaler statistics, base and stacked models of a finished run:
 * the extractor publishes the documents' feature records (bad ones dead-lettered with the reason), the stacker
 * writes {@code runs/<id>/predictions/mediaeval-<source>.tsv} and {@code scores-<source>.jsonl} and announces them
 * with {@code predictions-ready}. Role {@code operator}.
 */
@Path("/predictions")
@Tag(name = "predictions", description = "predict genres of unlabelled tracks with a finished run's models")
public class PredictionResource {
    @Inject
    Infrastructure infra;

    @Inject
    ExtractorSettings settings;

    /** A prediction request: the finished run whose models predict, and the unlabelled inputs. */
    @Schema(description = "A prediction request: modelRun and inputs are required")
    public record PredictionRequest(
            @Schema(
                    description =
                            "the prediction run's id, [a-z0-9][a-z0-9._-]{0,62} (default: predict-<yyyyMMdd-HHmmss>)")
            String runId,

            @Schema(required = true, description = "the finished run whose manifest, statistics and models predict")
            String modelRun,

            @Schema(
                    required = true,
                    description = "folders, .tar.bz2 archives or JSON files of AcousticBrainz low-level documents"
                            + " (no ground truth), as paths on the extractor")
            List<String> inputs) {}

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Start a prediction run",
            description = "Publishes run-started and the extraction job of an unlabelled run; the stacker writes"
                    + " the MediaEval submission files of the four taxonomies under runs/<id>/predictions/ and"
                    + " announces them on run-events (predictions-ready).")
    @APIResponse(
            responseCode = "202",
            description = "accepted: the run's id and full configuration",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RunResource.Accepted.class)))
    @APIResponse(
            responseCode = "400",
            description = "inputs or modelRun missing, an input not found on the extractor, malformed id",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RunResource.ApiError.class)))
    @APIResponse(
            responseCode = "404",
            description = "the model run does not exist or has no stacked models (not finished)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RunResource.ApiError.class)))
    @APIResponse(
            responseCode = "409",
            description = "a run with this id exists already",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RunResource.ApiError.class)))
    @APIResponse(
            responseCode = "503",
            description = "not ready: Kafka or object storage not initialised yet",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = RunResource.ApiError.class)))
    public Response start(PredictionRequest req) {
        if (req == null || req.inputs() == null || req.inputs().isEmpty()) {
            return RunResource.bad("'inputs' (folders, .tar.bz2 archives or JSON files) are required");
        }
        if (req.modelRun() == null
                || !RunResource.RUN_ID.matcher(req.modelRun()).matches()) {
            return RunResource.bad(
                    "'modelRun' (the id of a finished run) is required and must match " + RunResource.RUN_ID.pattern());
        }
        String runId = req.runId() == null || req.runId().isBlank()
                ? "predict-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                : req.runId();
        if (!RunResource.RUN_ID.matcher(runId).matches()) {
            return RunResource.bad("runId must match " + RunResource.RUN_ID.pattern());
        }
        InputRoots roots = new InputRoots(settings.inputRoots());
        // s3:// inputs: judged by their text against genrestack.extractor.input-buckets, as POST /runs does
        java.util.Optional<String> s3Refusal = io.genrestack.extractor.input.S3Inputs.firstRefusal(
                req.inputs(),
                io.genrestack.extractor.input.S3Inputs.parseAllowList(
                        settings.inputBuckets().orElse(List.of())));
        if (s3Refusal.isPresent()) {
            return RunResource.bad(s3Refusal.get());
        }
        List<String> missing = new ArrayList<>();
        for (String p : req.inputs()) {
            if (RunResource.refused(roots, p, "input", missing)) {
                return RunResource.forbidden(roots);
            }
        }
        if (!missing.isEmpty()) {
            return RunResource.bad(missing.get(0));
        }
        if (!infra.initialised()) {
            return Response.status(503)
                    .entity(new RunResource.ApiError("not ready: " + infra.initError()))
                    .build();
        }
        ObjectStore store = infra.store();
        String lacking = modelRunLacks(store, req.modelRun());
        if (lacking != null) {
            return Response.status(404)
                    .entity(new RunResource.ApiError("run " + req.modelRun() + " cannot predict: " + lacking))
                    .build();
        }
        if (store.exists(RunPaths.runJson(runId))) {
            return Response.status(409)
                    .entity(new RunResource.ApiError("run " + runId + " exists already"))
                    .build();
        }
        RunConfig cfg = RunConfig.prediction(req.inputs(), req.modelRun());
        RunResource.submit(infra, runId, cfg);
        return Response.accepted(new RunResource.Accepted(runId, cfg)).build();
    }

    /** Null when the run has what predicting needs (manifest, statistics, base and stacked models), else what not. */
    static String modelRunLacks(ObjectStore store, String run) {
        if (!store.exists(RunPaths.manifest(run))) {
            return "no feature manifest (" + RunPaths.manifest(run) + ")";
        }
        if (!store.exists(RunPaths.scalerStats(run))) {
            return "no scaler statistics (" + RunPaths.scalerStats(run) + ")";
        }
        for (String s : Sources.ALL) {
            if (store.exists(RunPaths.modelParams(run, s, ModelKind.STACKED))) {
                return store.exists(RunPaths.modelParams(run, s, ModelKind.BASE))
                        ? null
                        : "no base model of " + s + " (" + RunPaths.modelParams(run, s, ModelKind.BASE) + ")";
            }
        }
        return "no stacked model (not finished?)";
    }
}
