package io.genrestack.evaluator.console;

import io.genrestack.common.Roles;
import io.genrestack.evaluator.ReportResource;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * {@code GET /runs/{id}/events}: the live console's Server-Sent Events stream of one run ({@link ConsoleFeed}). Named
 * events: {@code run-event} (a {@code RunEvent} as JSON), {@code dead-letter} (a {@code DeadLetter}), once
 * {@code replayed} (the history is complete: what follows is live), and {@code dead-letters-capped} when the stream
 * stops sending dead letters ({@code genrestack.evaluator.console.max-dead-letters}). Role {@code reader}; the page
 * sends the bearer token with {@code fetch()} (an {@code EventSource} cannot send headers).
 */
@Path("/runs/{id}/events")
@Tag(name = "console", description = "the live console's event stream")
@RolesAllowed(Roles.READER)
public class ConsoleResource {
    private static final Pattern RUN_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    @Inject
    ConsoleFeed feed;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(
            summary = "A run's events, history then live (Server-Sent Events)",
            description = "The run's run-events and dead letters from the beginning of their topics, then an event "
                    + "'replayed', then live ones as they are published, without gap or repeat. SSE event names: "
                    + "run-event, dead-letter, replayed, dead-letters-capped; data is JSON.")
    @APIResponse(
            responseCode = "200",
            description = "the stream (text/event-stream), open until the client leaves",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(
            responseCode = "400",
            description = "malformed run id",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = ReportResource.ApiError.class)))
    public Multi<OutboundSseEvent> events(
            @Parameter(description = "the run's id, [a-z0-9][a-z0-9._-]{0,62}") @PathParam("id") String id,
            @Context Sse sse) {
        if (id == null || !RUN_ID.matcher(id).matches()) {
            throw new WebApplicationException(Response.status(400)
                    .type(MediaType.APPLICATION_JSON)
                    .entity(new ReportResource.ApiError("malformed run id", id, null))
                    .build());
        }
        AtomicLong seq = new AtomicLong();
        return feed.stream(id)
                .map(item -> sse.newEventBuilder()
                        .name(item.kind())
                        .id(Long.toString(seq.incrementAndGet()))
                        .mediaType(MediaType.TEXT_PLAIN_TYPE)
                        .data(String.class, item.json())
                        .build());
    }
}
