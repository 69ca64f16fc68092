package io.genrestack.common.kafka;

import io.genrestack.common.Topics;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.serde.Json;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An idempotent, non-transactional producer for control records: run events (at-least-once: a restarted stage may
 * repeat a progress event, never a data record), dead letters outside a transaction, and job submissions.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventPublisher.class);
    private final KafkaProducer<String, byte[]> producer;

    public EventPublisher(String bootstrap, String clientId) {
        this.producer = KafkaClients.producer(bootstrap, clientId);
    }

    /** Publishes and waits for the broker's ack (events are rare; losing one would confuse observers). */
    public void publish(RunEvent event) {
        LOG.infof(
                "[%s] %s %s/%s: %s %s",
                event.runId(),
                event.type(),
                event.stage(),
                event.unit(),
                event.message() == null ? "" : event.message(),
                event.counts().isEmpty() ? "" : event.counts());
        send(Topics.RUN_EVENTS, null, event.runId(), Json.bytes(event));
    }

    public void deadLetter(DeadLetter letter) {
        send(Topics.DEAD_LETTERS, null, letter.key(), Json.bytes(letter));
    }

    public void send(String topic, Integer partition, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, partition, key, value)).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + topic, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic + ": " + e, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
