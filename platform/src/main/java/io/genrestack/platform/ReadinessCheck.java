package io.genrestack.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready = topics and bucket ensured, Kafka answers, object storage answers, and (where this instance runs a stage
 * worker) the worker is in its consumer group. Checked at most every 2 s (probes may be frequent).
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {
    @Inject
    Infrastructure infra;

    private volatile long checkedAt;
    private volatile HealthCheckResponse last;

    @Override
    public synchronized HealthCheckResponse call() {
        if (last != null && System.currentTimeMillis() - checkedAt < 2000) {
            return last;
        }
        boolean init = infra.initialised();
        boolean kafka = init && infra.kafkaReachable();
        boolean s3 = init && infra.store().ping();
        var worker = infra.worker();
        boolean workerOk = !infra.workerExpected() || (worker != null && worker.isConnected());
        var b = HealthCheckResponse.named("genrestack-infrastructure")
                .status(init && kafka && s3 && workerOk)
                .withData("kafka", kafka)
                .withData("objectStorage", s3)
                .withData("worker", workerOk);
        if (!init && infra.initError() != null) {
            b.withData("waitingFor", infra.initError());
        }
        if (worker != null) {
            b.withData("currentJob", String.valueOf(worker.currentJob()))
                    .withData("completedJobs", worker.completedJobs())
                    .withData("failedJobs", worker.failedJobs());
        }
        last = b.build();
        checkedAt = System.currentTimeMillis();
        return last;
    }
}
