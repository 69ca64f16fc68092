package io.genrestack.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Alive while the process runs; an outage of Kafka or S3 makes a service not-ready, never not-alive. */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {
    @Inject
    Infrastructure infra;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("genrestack-process")
                .up()
                .withData("initialised", infra.initialised())
                .build();
    }
}
