package io.genrestack.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Quarkus test resource that points a {@code @QuarkusTest} at the real local Kafka and S3 of
 * {@link LocalInfra} (started once per JVM, shared by all test classes).
 *
 * <p>Use it as {@code @WithTestResource(InfraTestResource.class)} (or
 * {@code @QuarkusTestResource}). It supplies {@code kafka.bootstrap.servers},
 * {@code genrestack.s3.endpoint}, {@code genrestack.s3.access-key}, {@code genrestack.s3.secret-key}
 * and {@code genrestack.s3.bucket} (default {@value #DEFAULT_BUCKET}; init argument
 * {@code bucket} changes it), and the test key pair's public key for the services' JWT check
 * ({@link TestTokens#serviceConfig()}: send {@code TestTokens.bearer(roles)}), and for a secure pair
 * ({@link LocalInfra#ensureSecureStarted()} through
 * {@link #config}) the {@code kafka.security.*}, {@code kafka.sasl.*}, {@code kafka.ssl.*},
 * {@code genrestack.kafka.username/password} and {@code genrestack.s3.ca-file} settings. Dev Services must still
 * be off in the service's {@code application.properties} ({@code quarkus.devservices.enabled=false}).
 *
 * <p>{@link #stop()} leaves the servers running: other test classes in the JVM use them too; the
 * shutdown hook of {@link LocalInfra} releases them when the JVM ends.
 */
public class InfraTestResource implements QuarkusTestResourceLifecycleManager {

    /** Bucket name given to tests unless the init argument {@code bucket} says otherwise. */
    public static final String DEFAULT_BUCKET = "genrestack-test";

    private String bucket = DEFAULT_BUCKET;

    @Override
    public void init(Map<String, String> initArgs) {
        String b = initArgs.get("bucket");
        if (b != null && !b.isBlank()) {
            bucket = b.strip();
        }
    }

    @Override
    public Map<String, String> start() {
        return config(LocalInfra.ensureStarted(), bucket);
    }

    @Override
    public void stop() {
        // Shared per JVM: released by LocalInfra's shutdown hook.
    }

    /** The Quarkus configuration that points an application at {@code endpoints}. */
    public static Map<String, String> config(LocalInfra.Endpoints endpoints, String bucket) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", endpoints.kafkaBootstrap());
        config.put("genrestack.s3.endpoint", endpoints.s3Endpoint());
        config.put("genrestack.s3.access-key", endpoints.s3AccessKey());
        config.put("genrestack.s3.secret-key", endpoints.s3SecretKey());
        config.put("genrestack.s3.bucket", bucket);
        config.putAll(TestTokens.serviceConfig());
        // a secure pair's client settings (LocalInfra.ensureSecureStarted): KAFKA_SSL_TRUSTSTORE_LOCATION ->
        // kafka.ssl.truststore.location, ..., and the SCRAM login and S3 CA under their GenreStack keys
        endpoints.env().forEach((name, value) -> {
            if (name.startsWith("KAFKA_")) {
                config.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        copy(endpoints.env(), "GENRESTACK_KAFKA_USERNAME", "genrestack.kafka.username", config);
        copy(endpoints.env(), "GENRESTACK_KAFKA_PASSWORD", "genrestack.kafka.password", config);
        copy(endpoints.env(), LocalInfra.S3_CA_FILE, "genrestack.s3.ca-file", config);
        return config;
    }

    private static void copy(Map<String, String> env, String name, String key, Map<String, String> config) {
        String v = env.get(name);
        if (v != null && !v.isBlank()) {
            config.put(key, v);
        }
    }
}
