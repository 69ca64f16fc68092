package io.genrestack.common.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.List;
import java.util.Properties;

/**
 * Client settings shared by every stage. Keys are strings (MBID, run id, job key); values are bytes so a stage can
 * dead-letter a record it cannot decode instead of failing inside the client. Producers are idempotent
 * ({@code acks=all}); data-plane readers use {@code isolation.level=read_committed}. Every client gets the TLS/SASL
 * settings of its cluster ({@link KafkaSecurity#forBootstrap}).
 */
public final class KafkaClients {
    private KafkaClients() {}

    public static Properties base(String bootstrap, String clientId) {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException(
                    "Kafka bootstrap servers are not set (kafka.bootstrap.servers / KAFKA_BOOTSTRAP_SERVERS)");
        }
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("client.id", clientId);
        p.putAll(KafkaSecurity.forBootstrap(bootstrap));
        return p;
    }

    public static KafkaProducer<String, byte[]> producer(String bootstrap, String clientId) {
        Properties p = producerProperties(bootstrap, clientId);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    public static KafkaProducer<String, byte[]> transactionalProducer(String bootstrap, String transactionalId) {
        Properties p = producerProperties(bootstrap, transactionalId);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "600000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 << 10));
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * The settings every producer shares: idempotent with {@code acks=all}, records up to 4 MiB, five minutes to
     * deliver.
     */
    private static Properties producerProperties(String bootstrap, String clientId) {
        Properties p = base(bootstrap, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(4 << 20));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        return p;
    }

    /**
     * True when the cluster answers a metadata request (describeCluster) within {@code timeoutMs}: the probe of
     * readiness checks and tests.
     */
    public static boolean clusterAnswers(String bootstrap, String clientId, int timeoutMs) {
        Properties p = base(bootstrap, clientId);
        p.put("request.timeout.ms", String.valueOf(timeoutMs));
        p.put("default.api.timeout.ms", String.valueOf(timeoutMs));
        p.put("socket.connection.setup.timeout.ms", String.valueOf(Math.max(500, timeoutMs * 2 / 3)));
        p.put("socket.connection.setup.timeout.max.ms", String.valueOf(Math.max(500, timeoutMs * 2 / 3)));
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            admin.describeCluster().clusterId().get(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** A group-less reader (assign + seek) of committed records. */
    public static KafkaConsumer<String, byte[]> reader(String bootstrap, String clientId) {
        Properties p = consumerProperties(bootstrap, clientId);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 << 20));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 << 20));
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * The high watermark of {@code tp}: the offset after its last record, committed or not (a read_uncommitted
     * consumer's end offset; a read_committed one's stops at the first open transaction).
     */
    public static long highWatermark(String bootstrap, TopicPartition tp) {
        Properties p = consumerProperties(bootstrap, "high-watermark");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            return c.endOffsets(List.of(tp)).get(tp);
        }
    }

    /** Session timeout of job consumers unless configured: a killed instance's job moves on after this long. */
    public static final int DEFAULT_SESSION_TIMEOUT_MS = 10_000;

    /** A member of consumer group {@code group}, manual commits, committed records only. */
    public static KafkaConsumer<String, byte[]> groupConsumer(String bootstrap, String group, String clientId) {
        return groupConsumer(bootstrap, group, clientId, DEFAULT_SESSION_TIMEOUT_MS);
    }

    /**
     * A member of consumer group {@code group} whose session expires {@code sessionTimeoutMs} after its last
     * heartbeat (heartbeats every third of it, from the client's background thread): how long a killed member keeps
     * its partitions before the group hands them to a live or restarted one. The broker bounds it
     * ({@code group.min.session.timeout.ms}, 6 s by default).
     */
    public static KafkaConsumer<String, byte[]> groupConsumer(
            String bootstrap, String group, String clientId, int sessionTimeoutMs) {
        Properties p = consumerProperties(bootstrap, clientId);
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(sessionTimeoutMs));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, String.valueOf(Math.max(500, sessionTimeoutMs / 3)));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        // contiguous blocks of partitions per member: trainer-jobs is laid out source-major (JobRouting), so four
        // trainers hold one source each and a run's four models train in parallel
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The settings every consumer shares: committed records only, manual commits, from the start when new. */
    private static Properties consumerProperties(String bootstrap, String clientId) {
        Properties p = base(bootstrap, clientId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }
}
