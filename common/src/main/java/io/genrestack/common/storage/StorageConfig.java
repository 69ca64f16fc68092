package io.genrestack.common.storage;

/**
 * Where object storage is and how to reach it. In the services these come from {@code genrestack.s3.*}
 * (env {@code GENRESTACK_S3_ENDPOINT}, {@code GENRESTACK_S3_ACCESS_KEY}, {@code GENRESTACK_S3_SECRET_KEY},
 * {@code GENRESTACK_S3_BUCKET}, {@code GENRESTACK_S3_CA_FILE}).
 *
 * @param maxAttempts attempts per operation on transient errors (network, 5xx), with exponential backoff
 * @param initialBackoffMillis first backoff; doubled after each failed attempt, capped at 10 s
 * @param caFile a PEM file of CA certificates trusted for an {@code https} endpoint in addition to the JVM's default
 *     ones (a private CA, e.g. the one {@code scripts/local-infra.sh start --secure} generates); null: defaults only
 */
public record StorageConfig(
        String endpoint,
        String accessKey,
        String secretKey,
        String bucket,
        String region,
        int maxAttempts,
        long initialBackoffMillis,
        String caFile) {

    public StorageConfig {
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException(
                    "object storage endpoint is not set (genrestack.s3.endpoint / GENRESTACK_S3_ENDPOINT)");
        }
        bucket = bucket == null || bucket.isBlank() ? "genrestack" : bucket;
        region = region == null || region.isBlank() ? "us-east-1" : region;
        maxAttempts = maxAttempts <= 0 ? 5 : maxAttempts;
        initialBackoffMillis = initialBackoffMillis <= 0 ? 200 : initialBackoffMillis;
        caFile = caFile == null || caFile.isBlank() ? null : caFile.strip();
    }

    /** Without a CA file of its own: the JVM's trusted CAs only. */
    public StorageConfig(
            String endpoint,
            String accessKey,
            String secretKey,
            String bucket,
            String region,
            int maxAttempts,
            long initialBackoffMillis) {
        this(endpoint, accessKey, secretKey, bucket, region, maxAttempts, initialBackoffMillis, null);
    }

    /** The same settings, trusting the CA certificates in {@code caFile} too. */
    public StorageConfig withCaFile(String caFile) {
        return new StorageConfig(
                endpoint, accessKey, secretKey, bucket, region, maxAttempts, initialBackoffMillis, caFile);
    }

    public static StorageConfig of(String endpoint, String accessKey, String secretKey, String bucket) {
        return new StorageConfig(endpoint, accessKey, secretKey, bucket, null, 0, 0, null);
    }

    /** Never prints the secret key. */
    @Override
    public String toString() {
        return "StorageConfig[endpoint=" + endpoint + ", accessKey=" + accessKey + ", bucket=" + bucket + ", region="
                + region + (caFile == null ? "" : ", caFile=" + caFile) + "]";
    }
}
