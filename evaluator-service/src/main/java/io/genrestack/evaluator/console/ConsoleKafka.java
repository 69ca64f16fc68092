package io.genrestack.evaluator.console;

import io.genrestack.common.kafka.KafkaSecurity;
import io.genrestack.platform.Infrastructure;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import java.util.HashMap;
import java.util.Map;

/**
 * The Kafka client settings of the console's channels ({@code kafka-configuration=console-kafka}): the service's
 * bootstrap address and the same TLS / SASL settings as every other client of the service (common
 * {@link KafkaSecurity}, including the {@code genrestack.kafka.username} / {@code password} SCRAM convenience that the
 * Kafka connector's own {@code kafka.*} defaults would not know).
 */
@ApplicationScoped
public class ConsoleKafka {
    public static final String ID = "console-kafka";

    @Produces
    @Identifier(ID)
    Map<String, Object> settings(Infrastructure infra) {
        Map<String, Object> m = new HashMap<>(KafkaSecurity.forBootstrap(infra.bootstrap()));
        m.put("bootstrap.servers", infra.bootstrap());
        return m;
    }
}
