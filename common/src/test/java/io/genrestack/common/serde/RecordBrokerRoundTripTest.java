package io.genrestack.common.serde;

import io.genrestack.common.Fixtures;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.KafkaClients;
import io.genrestack.common.kafka.TopicAdmin;
import io.genrestack.testkit.LocalInfra;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every record type through the real local broker with the shared serde: what comes back equals what went in. */
class RecordBrokerRoundTripTest {
    static String bootstrap;

    @BeforeAll
    static void infra() {
        bootstrap = LocalInfra.ensureStarted().kafkaBootstrap();
        TopicAdmin.ensureTopics(bootstrap, 3, (short) 1);
    }

    @Test
    void everyRecordTypeRoundTripsThroughTheBroker() throws Exception {
        String runId = "rt-" + UUID.randomUUID();
        Map<String, Object> records = Fixtures.everyRecord(runId);
        assertEquals(8, records.size());
        try (KafkaProducer<String, byte[]> p = KafkaClients.producer(bootstrap, "rt-test");
                KafkaConsumer<String, byte[]> c = KafkaClients.reader(bootstrap, "rt-test")) {
            for (var e : records.entrySet()) {
                KafkaSerdes.JsonSerializer<Object> ser = new KafkaSerdes.JsonSerializer<>();
                byte[] bytes = ser.serialize(e.getKey(), e.getValue());
                RecordMetadata md =
                        p.send(new ProducerRecord<>(e.getKey(), runId, bytes)).get();
                TopicPartition tp = new TopicPartition(md.topic(), md.partition());
                c.assign(List.of(tp));
                c.seek(tp, md.offset());
                ConsumerRecord<String, byte[]> got = null;
                long deadline = System.currentTimeMillis() + 20_000;
                while (got == null && System.currentTimeMillis() < deadline) {
                    for (var r : c.poll(Duration.ofMillis(300))) {
                        if (r.offset() == md.offset()) {
                            got = r;
                        }
                    }
                }
                assertTrue(got != null, "record came back from " + e.getKey());
                assertEquals(runId, got.key());
                Object back = Json.read(got.value(), RecordTypes.forTopic(e.getKey()));
                assertNotSame(e.getValue(), back);
                assertEquals(e.getValue(), back, "round trip through " + e.getKey());
            }
        }
    }

    @Test
    void typedDeserializersAndDecoderReadWireRecords() {
        Map<String, Object> records = Fixtures.everyRecord("dec");
        var features = records.get(Topics.TRACK_FEATURES);
        byte[] wire = Json.bytes(features);
        assertEquals(features, new KafkaSerdes.TrackFeaturesDeserializer().deserialize(Topics.TRACK_FEATURES, wire));
        // Base64 on the wire: far smaller than 2669 JSON numbers
        assertTrue(wire.length < 16_000, "wire size " + wire.length);
        String readable = RecordTypes.toReadableJson(Topics.TRACK_FEATURES, wire);
        assertTrue(readable.contains("\"features\" : [ "), readable.substring(0, 200));
        assertTrue(readable.contains("\"NaN\""));
        for (var e : records.entrySet()) {
            String json = RecordTypes.toReadableJson(e.getKey(), Json.bytes(e.getValue()));
            assertTrue(json.contains("\"runId\" : \"dec\""), e.getKey());
        }
    }
}
