package io.genrestack.common.storage;

/**
 * Where object storage is and how to reach it. In the services these come from {@code genrestack.s3.*}
 * (env {@code GENRESTACK_S3_ENDPOINT}, {@code GENRESTACK_S3_ACCESS_KEY}, {@code GENRESTACK_S3_SECRET_KEY},
 * {@code GENRESTACK_S3_BUCKET}).
 *
 * @param maxAttempts attempts per operation on transient errors (network, 5xx), with exponential backoff
 * @param initialBackoffMillis first backoff; doubled after each failed attempt, capped at 10 s
 */
public record StorageConfig(
        String endpoint,
        String accessKey,
        String secretKey,
        String bucket,
        String region,
        int maxAttempts,
        long initialBackoffMillis) {

    public StorageConfig {
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException(
                    "object storage endpoint is not set (genrestack.s3.endpoint / GENRESTACK_S3_ENDPOINT)");
        }
        bucket = bucket == null || bucket.isBlank() ? "genrestack" : bucket;
        region = region == null || region.isBlank() ? "us-east-1" : region;
        maxAttempts = maxAttempts <= 0 ? 5 : maxAttempts;
        initialBackoffMillis = initialBackoffMillis <= 0 ? 200 : initialBackoffMillis;
    }

    public static StorageConfig of(String endpoint, String accessKey, String secretKey, String bucket) {
        return new StorageConfig(endpoint, accessKey, secretKey, bucket, null, 0, 0);
    }

    /** Never prints the secret key. */
    @Override
    public String toString() {
        return "StorageConfig[endpoint=" + endpoint + ", accessKey=" + accessKey + ", bucket=" + bucket + ", region="
                + region + "]";
    }
}
