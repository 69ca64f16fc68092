package io.genrestack.testkit;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LocalInfra#ensureStarted()} as services' tests use it (default cache and work folders,
 * or the addresses already in the environment), and the Quarkus config of {@link InfraTestResource}.
 */
class LocalInfraTest {

    @Test
    void ensureStartedGivesAnsweringServersOncePerJvm() throws Exception {
        LocalInfra.Endpoints e = LocalInfra.ensureStarted();
        assertSame(e, LocalInfra.ensureStarted());
        assertTrue(Probes.kafkaApiKeys(e.kafkaBootstrap()).contains(18));
        HttpResponse<String> s3 = Probes.httpGet(e.s3Endpoint() + "/");
        assertEquals(403, s3.statusCode(), s3.body());
        assertTrue(s3.body().contains("AccessDenied"), s3.body());

        InfraTestResource resource = new InfraTestResource();
        resource.init(Map.of());
        Map<String, String> config = resource.start();
        assertEquals(e.kafkaBootstrap(), config.get("kafka.bootstrap.servers"));
        assertEquals(e.s3Endpoint(), config.get("genrestack.s3.endpoint"));
        assertEquals(e.s3AccessKey(), config.get("genrestack.s3.access-key"));
        assertEquals(e.s3SecretKey(), config.get("genrestack.s3.secret-key"));
        assertEquals("genrestack-test", config.get("genrestack.s3.bucket"));
        resource.stop();
        assertTrue(Probes.tcpAccepts(e.kafkaBootstrap()), "stop() of one test resource must not stop shared servers");

        InfraTestResource other = new InfraTestResource();
        other.init(Map.of("bucket", "models"));
        assertEquals("models", other.start().get("genrestack.s3.bucket"));
    }

    @Test
    void parsesTheEnvFileFormat() {
        LocalInfra.Endpoints e = LocalInfra.fromEnvFile("""
                # comment
                export GENRESTACK_KAFKA_BOOTSTRAP='127.0.0.1:21001'
                export GENRESTACK_S3_ENDPOINT='http://127.0.0.1:21002'

                GENRESTACK_S3_ACCESS_KEY="ak"
                export GENRESTACK_S3_SECRET_KEY=s/k+=
                """);
        assertEquals(
                List.of("127.0.0.1:21001", "http://127.0.0.1:21002", "ak", "s/k+="),
                List.of(e.kafkaBootstrap(), e.s3Endpoint(), e.s3AccessKey(), e.s3SecretKey()));
        assertEquals("ak", e.env().get("GENRESTACK_S3_ACCESS_KEY"), "every variable is kept: " + e.env());
        assertFalse(e.toString().contains("s/k+="), "toString hides the secret key: " + e);
        assertEquals(
                "/x/ca.crt",
                LocalInfra.fromEnvFile("GENRESTACK_KAFKA_BOOTSTRAP=a:1\nGENRESTACK_S3_ENDPOINT=https://b:2\n"
                                + "GENRESTACK_S3_CA_FILE='/x/ca.crt'")
                        .s3CaFile());
        assertEquals(
                "genrestack",
                LocalInfra.fromEnvFile("GENRESTACK_KAFKA_BOOTSTRAP=a:1\nGENRESTACK_S3_ENDPOINT=http://b:2")
                        .s3AccessKey());
        IllegalStateException missing = assertThrows(
                IllegalStateException.class, () -> LocalInfra.fromEnvFile("GENRESTACK_KAFKA_BOOTSTRAP=a:1"));
        assertTrue(missing.getMessage().contains("GENRESTACK_S3_ENDPOINT"));
    }
}
