package io.genrestack.common.kafka;

import io.genrestack.testkit.LocalInfra;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against the real secure local broker ({@code scripts/local-infra.sh start --secure}: one SASL_SSL listener with
 * SCRAM-SHA-512, a mutual-TLS controller listener, a generated CA): GenreStack's clients connect with the settings
 * the script's {@code env} prints, and every client that is not both trusting the CA and authenticated is refused.
 */
class KafkaTransportSecurityTest {
    static LocalInfra.Endpoints infra;
    static Map<String, String> secure;

    @BeforeAll
    static void start() {
        infra = LocalInfra.ensureSecureStarted();
        secure = KafkaSecurity.fromConfig(infra.env());
        KafkaSecurity.register(infra.kafkaBootstrap(), secure);
    }

    @Test
    void genrestackClientsRoundTripARecordOverScramAndTlsWithAPemTruststore() throws Exception {
        assertEquals("SASL_SSL", secure.get(KafkaSecurity.PROTOCOL));
        assertEquals("PEM", secure.get(KafkaSecurity.TRUSTSTORE_TYPE));
        String topic = "tls-roundtrip-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(KafkaClients.base(infra.kafkaBootstrap(), "tls-test-admin"))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        byte[] value = "over TLS".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> p = KafkaClients.producer(infra.kafkaBootstrap(), "tls-test")) {
            p.send(new ProducerRecord<>(topic, "k", value)).get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, byte[]> c = KafkaClients.reader(infra.kafkaBootstrap(), "tls-test")) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            ConsumerRecord<String, byte[]> got = null;
            long deadline = System.currentTimeMillis() + 30_000;
            while (got == null && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    got = r;
                }
            }
            assertNotNull(got, "the record came back");
            assertEquals("k", got.key());
            assertEquals("over TLS", new String(got.value(), StandardCharsets.UTF_8));
        }
        assertTrue(KafkaClients.clusterAnswers(infra.kafkaBootstrap(), "tls-probe", 10_000));
    }

    @Test
    void aPkcs12TruststoreWithItsPasswordWorksToo() throws Exception {
        Map<String, String> p12 = new HashMap<>(infra.env());
        p12.put("KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12");
        p12.put(
                "KAFKA_SSL_TRUSTSTORE_LOCATION",
                LocalInfra.secureWork().resolve("secure/truststore.p12").toString());
        p12.put("KAFKA_SSL_TRUSTSTORE_PASSWORD", credential("TRUSTSTORE_PASSWORD"));
        assertNull(describeFails(KafkaSecurity.fromConfig(p12), infra.kafkaBootstrap()));
    }

    @Test
    void aPlaintextClientIsRefused() throws Exception {
        Throwable t = describeFails(Map.of(), infra.kafkaBootstrap());
        assertInstanceOf(org.apache.kafka.common.errors.TimeoutException.class, t, "no answer to plaintext: " + t);
    }

    @Test
    void tlsWithoutSaslAuthenticationIsRefused() throws Exception {
        Map<String, String> tlsOnly = new HashMap<>(secure);
        tlsOnly.put(KafkaSecurity.PROTOCOL, "SSL");
        tlsOnly.remove(KafkaSecurity.JAAS);
        tlsOnly.remove(KafkaSecurity.MECHANISM);
        assertNotNull(describeFails(tlsOnly, infra.kafkaBootstrap()), "an unauthenticated TLS client got metadata");
    }

    @Test
    void aWrongScramPasswordFailsAuthenticationWithoutEchoingIt() throws Exception {
        Map<String, String> wrong = new HashMap<>(infra.env());
        wrong.put("GENRESTACK_KAFKA_PASSWORD", "not-the-password-42");
        Throwable t = describeFails(KafkaSecurity.fromConfig(wrong), infra.kafkaBootstrap());
        assertInstanceOf(SaslAuthenticationException.class, t, String.valueOf(t));
        assertFalse(t.getMessage().contains("not-the-password-42"), t.getMessage());
        assertFalse(t.getMessage().contains(infra.env().get("GENRESTACK_KAFKA_PASSWORD")), t.getMessage());

        Map<String, String> unknown = new HashMap<>(infra.env());
        unknown.put("GENRESTACK_KAFKA_USERNAME", "mallory");
        assertInstanceOf(
                SaslAuthenticationException.class,
                describeFails(KafkaSecurity.fromConfig(unknown), infra.kafkaBootstrap()),
                "an unknown user");
    }

    @Test
    void aClientThatDoesNotTrustTheCaFailsTheTlsHandshake() throws Exception {
        Map<String, String> noCa = new HashMap<>(secure);
        noCa.remove(KafkaSecurity.TRUSTSTORE_LOCATION);
        noCa.remove(KafkaSecurity.TRUSTSTORE_TYPE); // the JVM's default CAs only
        Throwable t = describeFails(noCa, infra.kafkaBootstrap());
        assertInstanceOf(SslAuthenticationException.class, t, String.valueOf(t));
    }

    @Test
    void theControllerListenerRefusesPlaintextAndClientsWithoutACertificate() throws Exception {
        String controller = "127.0.0.1:" + port("CONTROLLER_PORT");
        assertNotNull(describeControllerFails(Map.of(), controller), "plaintext client got an answer");
        Map<String, String> tls = new HashMap<>(secure);
        tls.put(KafkaSecurity.PROTOCOL, "SSL");
        tls.remove(KafkaSecurity.JAAS);
        tls.remove(KafkaSecurity.MECHANISM);
        assertNotNull(describeControllerFails(tls, controller), "a TLS client without a certificate got an answer");
    }

    /** The failure of describeCluster with these settings (null when it answered). */
    static Throwable describeFails(Map<String, String> security, String bootstrap) throws InterruptedException {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        return describe(security, p);
    }

    private static Throwable describeControllerFails(Map<String, String> security, String controller)
            throws InterruptedException {
        Properties p = new Properties();
        p.put("bootstrap.controllers", controller);
        return describe(security, p);
    }

    private static Throwable describe(Map<String, String> security, Properties p) throws InterruptedException {
        p.putAll(security);
        p.put("client.id", "tls-refusal-test");
        p.put("request.timeout.ms", "8000");
        p.put("default.api.timeout.ms", "8000");
        p.put("reconnect.backoff.max.ms", "1000");
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            return e;
        }
    }

    private static String credential(String name) throws Exception {
        return Files.readAllLines(LocalInfra.secureWork().resolve("secure/credentials")).stream()
                .filter(l -> l.startsWith(name + "="))
                .map(l -> l.substring(name.length() + 1))
                .findFirst()
                .orElseThrow();
    }

    private static String port(String name) throws Exception {
        Path ports = LocalInfra.secureWork().resolve("ports");
        return Files.readAllLines(ports).stream()
                .filter(l -> l.startsWith(name + "="))
                .map(l -> l.substring(name.length() + 1))
                .findFirst()
                .orElseThrow();
    }
}
