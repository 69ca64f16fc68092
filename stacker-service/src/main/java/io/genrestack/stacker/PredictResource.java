package io.genrestack.stacker;

import io.genrestack.common.Roles;
import io.genrestack.common.features.FeatureException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /predict?run=<id>}: genre predictions for one AcousticBrainz low-level JSON document, from the run's
 * base models and stacked models (default run: the latest with stacked models). Response
 * {@code {run, taxonomies: {<source>: [{label, score}, ... top 10, best first]}}}. 400 for malformed JSON or a
 * document that cannot be flattened (the reason names the offending path), 413 above
 * {@code genrestack.stacker.predict-max-bytes}, 404 when the run (or any run with stacked models) does not exist,
 * 503 when object storage or the models cannot be read. Role {@code reader} (401 without a token, 403 without
 * the role).
 */
@Path("/predict")
@Tag(name = "predict", description = "genre predictions for one low-level document")
@RolesAllowed(Roles.READER)
public class PredictResource {
    private static final Logger LOG = Logger.getLogger(PredictResource.class);

    /** The answer: the run whose models predicted, and per source its top labels, best first. */
    @Schema(description = "Predictions of one run's base and stacked models")
    public record Prediction(
            @Schema(description = "the run whose models were used")
            String run,

            @Schema(description = "per source (allmusic, discogs, lastfm, tagtraum): the top 10 labels, best first")
            Map<String, List<RunModels.Scored>> taxonomies) {}

    /** The body of every error response. */
    @Schema(description = "An error")
    public record PredictError(
            @Schema(description = "the HTTP status") int status,
            @Schema(description = "what is wrong") String error) {}

    @Inject
    ModelRegistry registry;

    @Inject
    StackerSettings settings;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Predict genres",
            description = "Flattens the document with the run's feature manifest, standardises it with the run's"
                    + " scaler statistics, and scores it with the four base models and each source's stacked model.")
    @RequestBody(
            required = true,
            description = "one AcousticBrainz low-level JSON document (at most genrestack.stacker.predict-max-bytes)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(
            responseCode = "200",
            description = "the run and, per source, its top labels with scores",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Prediction.class)))
    @APIResponse(
            responseCode = "400",
            description = "empty body, malformed JSON, or a document that cannot be flattened (the offending path)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PredictError.class)))
    @APIResponse(
            responseCode = "404",
            description = "no such run, or no run with stacked models yet",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PredictError.class)))
    @APIResponse(
            responseCode = "413",
            description = "document larger than genrestack.stacker.predict-max-bytes",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PredictError.class)))
    @APIResponse(
            responseCode = "503",
            description = "object storage or the run's models cannot be read",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = PredictError.class)))
    public Response predict(
            @Parameter(description = "the run whose models to use (default: the latest run with stacked models)")
                    @QueryParam("run")
                    String run,
            InputStream body) {
        int max = settings.predictMaxBytes();
        byte[] doc;
        try {
            doc = body == null ? new byte[0] : body.readNBytes(max + 1);
        } catch (IOException e) {
            return error(Response.Status.BAD_REQUEST, "cannot read the request body: " + e.getMessage());
        }
        if (doc.length > max) {
            return error(
                    Response.Status.REQUEST_ENTITY_TOO_LARGE,
                    "document larger than " + max + " bytes (genrestack.stacker.predict-max-bytes)");
        }
        if (doc.length == 0) {
            return error(
                    Response.Status.BAD_REQUEST, "empty body: expected one AcousticBrainz low-level JSON document");
        }
        String target = run;
        RunModels models;
        try {
            if (target == null || target.isBlank()) {
                Optional<String> latest = registry.latestRun();
                if (latest.isEmpty()) {
                    return error(
                            Response.Status.NOT_FOUND,
                            "no run with stacked models in object storage yet: finish a run first");
                }
                target = latest.get();
            }
            models = registry.get(target);
        } catch (RunModels.NotFoundException e) {
            return error(Response.Status.NOT_FOUND, e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "cannot load the models of run %s", target);
            return error(Response.Status.SERVICE_UNAVAILABLE, "cannot load the models of run " + target + ": " + e);
        }
        try {
            Map<String, List<RunModels.Scored>> taxonomies = models.predict(doc);
            return Response.ok(new Prediction(models.run, taxonomies), MediaType.APPLICATION_JSON_TYPE)
                    .build();
        } catch (FeatureException e) {
            return error(Response.Status.BAD_REQUEST, e.reason());
        }
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new PredictError(status.getStatusCode(), message))
                .build();
    }
}
