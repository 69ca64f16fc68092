package io.genrestack.common.kafka;

import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How configuration and environment variables become the Kafka client's security properties. */
class KafkaSecurityTest {

    @Test
    void environmentNamesAndPropertyNamesGiveTheKafkaClientKeys() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
        env.put("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka-ca/ca.crt");
        env.put("KAFKA_SSL_TRUSTSTORE_TYPE", "PEM");
        env.put("KAFKA_SSL_TRUSTSTORE_PASSWORD", " "); // blank: unset (a PEM truststore must have none)
        env.put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9093"); // not a security key
        env.put("KAFKA_OPTS", "-Xmx1g"); // nor this
        env.put("PATH", "/usr/bin");
        env.put("kafka.sasl.jaas.config", "org.example.Login required;");
        assertEquals(
                Map.of(
                        "security.protocol", "SASL_SSL",
                        "sasl.mechanism", "SCRAM-SHA-512",
                        "ssl.truststore.location", "/etc/kafka-ca/ca.crt",
                        "ssl.truststore.type", "PEM",
                        "sasl.jaas.config", "org.example.Login required;"),
                KafkaSecurity.fromConfig(env));
        assertEquals(Map.of(), KafkaSecurity.fromConfig(Map.of("PATH", "/bin")), "nothing set: plaintext");
    }

    @Test
    void usernameAndPasswordBuildAScramLoginThatKafkaParses() {
        Map<String, String> props = KafkaSecurity.fromConfig(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "GENRESTACK_KAFKA_USERNAME", "genre\"stack",
                "GENRESTACK_KAFKA_PASSWORD", "p\\a\"ss word"));
        assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"), "the default mechanism");
        // Kafka's own JAAS parser reads the line back to the same user and password
        var entry = JaasContext.loadClientContext(
                        Map.of("sasl.jaas.config", new Password(props.get("sasl.jaas.config"))))
                .configurationEntries()
                .get(0);
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule", entry.getLoginModuleName());
        assertEquals("genre\"stack", entry.getOptions().get("username"));
        assertEquals("p\\a\"ss word", entry.getOptions().get("password"));

        Map<String, String> own = KafkaSecurity.fromConfig(Map.of(
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.mechanism", "SCRAM-SHA-256",
                "kafka.sasl.jaas.config", "x required;",
                "genrestack.kafka.username", "u",
                "genrestack.kafka.password", "p"));
        assertEquals("x required;", own.get("sasl.jaas.config"), "an explicit JAAS line wins");
        assertEquals("SCRAM-SHA-256", own.get("sasl.mechanism"));
    }

    @Test
    void halfCredentialsAndSaslWithoutASaslProtocolAreRefusedWithTheVariableNamed() {
        var onlyUser = assertThrows(
                IllegalArgumentException.class,
                () -> KafkaSecurity.fromConfig(
                        Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "GENRESTACK_KAFKA_USERNAME", "u")));
        assertTrue(onlyUser.getMessage().contains("GENRESTACK_KAFKA_PASSWORD"), onlyUser.getMessage());
        var noProtocol = assertThrows(
                IllegalArgumentException.class,
                () -> KafkaSecurity.fromConfig(
                        Map.of("GENRESTACK_KAFKA_USERNAME", "u", "GENRESTACK_KAFKA_PASSWORD", "hunter2")));
        assertTrue(noProtocol.getMessage().contains("KAFKA_SECURITY_PROTOCOL"), noProtocol.getMessage());
        assertFalse(noProtocol.getMessage().contains("hunter2"), noProtocol.getMessage());
    }

    @Test
    void describeHidesEveryCredential() {
        Map<String, String> props = KafkaSecurity.fromConfig(Map.of(
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/t.p12",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "trust-pw-1",
                "KAFKA_SSL_KEYSTORE_PASSWORD", "key-pw-2",
                "GENRESTACK_KAFKA_USERNAME", "u",
                "GENRESTACK_KAFKA_PASSWORD", "scram-pw-3"));
        String text = KafkaSecurity.describe(props);
        for (String secret : new String[] {"trust-pw-1", "key-pw-2", "scram-pw-3"}) {
            assertFalse(text.contains(secret), text);
        }
        assertTrue(text.contains("security.protocol=SASL_SSL") && text.contains("/t.p12"), text);
        assertEquals("PLAINTEXT", KafkaSecurity.describe(Map.of()));
    }

    @Test
    void clientsOfARegisteredClusterGetItsSettings() {
        Map<String, String> secure = KafkaSecurity.fromConfig(Map.of("KAFKA_SECURITY_PROTOCOL", "SSL"));
        KafkaSecurity.register("secure.example:9093", secure);
        assertEquals("SSL", KafkaClients.base("secure.example:9093", "t").get("security.protocol"));
        assertEquals(
                KafkaSecurity.fromEnvironment().get("security.protocol"),
                KafkaClients.base("other.example:9092", "t").get("security.protocol"),
                "other clusters: this process's environment");
    }
}
