package io.genrestack.platform;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * Object storage settings, {@code genrestack.s3.*} (env {@code GENRESTACK_S3_ENDPOINT},
 * {@code GENRESTACK_S3_ACCESS_KEY}, {@code GENRESTACK_S3_SECRET_KEY}, {@code GENRESTACK_S3_BUCKET},
 * {@code GENRESTACK_S3_REGION}, {@code GENRESTACK_S3_CA_FILE}). Credentials have no default: they come from the
 * environment or a Kubernetes Secret, never from an image.
 */
@ConfigMapping(prefix = "genrestack.s3")
public interface S3Settings {
    @WithDefault("http://localhost:9000")
    String endpoint();

    Optional<String> accessKey();

    Optional<String> secretKey();

    @WithDefault("genrestack")
    String bucket();

    @WithDefault("us-east-1")
    String region();

    /**
     * Attempts per operation on transient errors (unreachable server, 5xx); the backoff starts at 250 ms and doubles up
     * to 10 s, so the default 10 rides out about 45 s of outage before the operation (and the job attempt) fails.
     */
    @WithDefault("10")
    int maxAttempts();

    /**
     * A PEM file of CA certificates trusted for an {@code https} endpoint in addition to the JVM's default ones (a
     * private CA); unset: the defaults only.
     */
    Optional<String> caFile();
}
