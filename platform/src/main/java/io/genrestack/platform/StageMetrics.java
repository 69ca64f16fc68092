package io.genrestack.platform;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Vetoed;
import jakarta.inject.Inject;

/**
 * Prometheus counters of a stage ({@code /q/metrics}): {@code genrestack_records_total{stage,kind}} with kind =
 * read, published, dead-lettered; the totals balance: read = published + dead-lettered.
 */
@ApplicationScoped
public class StageMetrics {
    @Inject
    MeterRegistry registry;

    public Counter records(String stage, String kind) {
        return Counter.builder("genrestack.records")
                .tag("stage", stage)
                .tag("kind", kind)
                .description("records handled by a stage")
                .register(registry);
    }

    public void add(String stage, String kind, double n) {
        records(stage, kind).increment(n);
    }

    /** Counters dropped: a stage run outside Quarkus, with no registry ({@link Infrastructure.Given}). */
    @Vetoed
    public static final class Dropped extends StageMetrics {
        @Override
        public void add(String stage, String kind, double n) {}
    }
}
