package io.genrestack.common.storage;

import io.genrestack.common.serde.Json;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.ServerException;
import io.minio.messages.Item;
import org.jboss.logging.Logger;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * GenreStack's object-storage helper on the MinIO Java client: one bucket, keys under {@code runs/<run-id>/...}
 * (see {@link RunPaths}). Every operation retries transient failures (connection refused/reset, timeouts, HTTP 5xx,
 * SlowDown) with exponential backoff up to {@link StorageConfig#maxAttempts()}; wrong credentials, a missing bucket
 * or a missing key fail at once with a message that says what to fix. Close it when done (the HTTP client's threads
 * otherwise keep a CLI alive for a minute).
 */
public final class ObjectStore implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ObjectStore.class);
    private static final Set<String> CREDENTIAL_CODES =
            Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "ExpiredToken");
    private static final Set<String> NOT_FOUND_CODES = Set.of("NoSuchKey", "NoSuchObject", "NoSuchBucket");
    private static final Set<String> TRANSIENT_CODES =
            Set.of("SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "XMinioServerNotInitialized");

    private final StorageConfig config;
    private final MinioClient client;

    public ObjectStore(StorageConfig config) {
        this.config = config;
        MinioClient.Builder b = MinioClient.builder()
                .endpoint(config.endpoint())
                .credentials(config.accessKey(), config.secretKey())
                .region(config.region());
        if (config.caFile() != null) {
            b.httpClient(TrustedCa.httpClient(Path.of(config.caFile())), true);
        }
        this.client = b.build();
    }

    public StorageConfig config() {
        return config;
    }

    public String bucket() {
        return config.bucket();
    }

    /** Creates the bucket unless it exists. */
    public void ensureBucket() {
        call("ensure bucket " + bucket(), () -> {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket()).build())) {
                try {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket()).build());
                    LOG.infof("created bucket %s at %s", bucket(), config.endpoint());
                } catch (ErrorResponseException e) {
                    String code = e.errorResponse().code();
                    if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                        throw e;
                    }
                }
            }
            return null;
        });
    }

    /** A cheap round trip for readiness checks: true when the endpoint answers and the bucket exists. */
    public boolean ping() {
        try {
            return client.bucketExists(
                    BucketExistsArgs.builder().bucket(bucket()).build());
        } catch (Exception e) {
            return false;
        }
    }

    public void put(String key, byte[] bytes, String contentType) {
        call("put " + key, () -> {
            client.putObject(PutObjectArgs.builder()
                    .bucket(bucket())
                    .object(key)
                    .data(bytes, bytes.length)
                    .contentType(contentType)
                    .build());
            return null;
        });
    }

    public void putJson(String key, Object value) {
        put(key, Json.bytes(value), "application/json");
    }

    public void putText(String key, String text, String contentType) {
        put(key, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), contentType);
    }

    /** Uploads a local file (multipart for large files). */
    public void putFile(String key, Path file, String contentType) {
        call("put " + key + " from " + file, () -> {
            try (InputStream in = Files.newInputStream(file)) {
                client.putObject(PutObjectArgs.builder().bucket(bucket()).object(key).stream(in, Files.size(file), null)
                        .contentType(contentType)
                        .build());
            }
            return null;
        });
    }

    /** Uploads a stream of unknown length (multipart, 10 MiB parts). Not retried: a stream cannot be replayed. */
    public void putStream(String key, InputStream in, String contentType) {
        try {
            client.putObject(PutObjectArgs.builder().bucket(bucket()).object(key).stream(in, null, 10L << 20)
                    .contentType(contentType)
                    .build());
        } catch (Exception e) {
            throw translate("put " + key, e);
        }
    }

    public byte[] get(String key) {
        return call("get " + key, () -> {
            try (InputStream in = client.getObject(
                    GetObjectArgs.builder().bucket(bucket()).object(key).build())) {
                return in.readAllBytes();
            }
        });
    }

    public Optional<byte[]> getIfExists(String key) {
        try {
            return Optional.of(get(key));
        } catch (StorageException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public <T> T getJson(String key, Class<T> type) {
        return Json.read(get(key), type);
    }

    public <T> Optional<T> getJsonIfExists(String key, Class<T> type) {
        return getIfExists(key).map(b -> Json.read(b, type));
    }

    /** Downloads to a local file (replaced atomically). */
    public void getFile(String key, Path target) {
        call("get " + key + " to " + target, () -> {
            Path tmp = target.resolveSibling(target.getFileName() + ".part");
            try (InputStream in = client.getObject(
                    GetObjectArgs.builder().bucket(bucket()).object(key).build())) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return null;
        });
    }

    /** Opens a stream; the caller closes it. */
    public InputStream getStream(String key) {
        return call(
                "get " + key,
                () -> client.getObject(
                        GetObjectArgs.builder().bucket(bucket()).object(key).build()));
    }

    public boolean exists(String key) {
        try {
            call(
                    "stat " + key,
                    () -> client.statObject(StatObjectArgs.builder()
                            .bucket(bucket())
                            .object(key)
                            .build()));
            return true;
        } catch (StorageException e) {
            if (e.isNotFound()) {
                return false;
            }
            throw e;
        }
    }

    /** Keys under a prefix, recursively, sorted. */
    public List<String> list(String prefix) {
        return call("list " + prefix, () -> {
            List<String> keys = new ArrayList<>();
            for (Item item : items(prefix, true, 0)) {
                keys.add(item.objectName());
            }
            keys.sort(null);
            return keys;
        });
    }

    /** An object directly under a prefix, with its modification time (null when the server gives none). */
    public record Entry(String key, java.time.Instant lastModified) {}

    /** The objects directly under a prefix ending in '/' (not in its sub-folders), with modification times. */
    public List<Entry> listFiles(String prefix) {
        return call("list " + prefix, () -> {
            List<Entry> out = new ArrayList<>();
            for (Item item : items(prefix, false, 0)) {
                if (!item.isDir()) {
                    out.add(new Entry(
                            item.objectName(),
                            item.lastModified() == null
                                    ? null
                                    : item.lastModified().toInstant()));
                }
            }
            out.sort(java.util.Comparator.comparing(Entry::key));
            return out;
        });
    }

    /** True when any object is stored under the prefix (at any depth). */
    public boolean anyUnder(String prefix) {
        return call("list " + prefix, () -> !items(prefix, false, 1).isEmpty());
    }

    /** Immediate "folders" under a prefix ending in '/', e.g. run ids under {@code runs/}. */
    public List<String> listPrefixes(String prefix) {
        return call("list " + prefix, () -> {
            List<String> names = new ArrayList<>();
            for (Item item : items(prefix, false, 0)) {
                if (item.isDir()) {
                    names.add(item.objectName());
                }
            }
            names.sort(null);
            return names;
        });
    }

    /** One listing of the bucket under {@code prefix}: at most {@code max} items (0 = all), in server order. */
    private List<Item> items(String prefix, boolean recursive, int max) throws Exception {
        ListObjectsArgs.Builder args =
                ListObjectsArgs.builder().bucket(bucket()).prefix(prefix).recursive(recursive);
        if (max > 0) {
            args.maxKeys(max);
        }
        List<Item> items = new ArrayList<>();
        for (Result<Item> r : client.listObjects(args.build())) {
            items.add(r.get());
            if (max > 0 && items.size() >= max) {
                break;
            }
        }
        return items;
    }

    public void delete(String key) {
        call("delete " + key, () -> {
            client.removeObject(
                    RemoveObjectArgs.builder().bucket(bucket()).object(key).build());
            return null;
        });
    }

    /** Deletes every key under a prefix; returns how many. */
    public int deletePrefix(String prefix) {
        List<String> keys = list(prefix);
        keys.forEach(this::delete);
        return keys.size();
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            LOG.debugf("closing MinIO client: %s", e);
        }
    }

    @FunctionalInterface
    interface Op<T> {
        T run() throws Exception;
    }

    private <T> T call(String what, Op<T> op) {
        long backoff = config.initialBackoffMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                return op.run();
            } catch (Exception e) {
                StorageException failure = translate(what, e);
                boolean retry = isTransient(e) && attempt < config.maxAttempts();
                if (!retry) {
                    throw failure;
                }
                LOG.warnf(
                        "object storage: %s failed (attempt %d/%d), retrying in %d ms: %s",
                        what, attempt, config.maxAttempts(), backoff, rootMessage(e));
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw failure;
                }
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ErrorResponseException er) {
                return TRANSIENT_CODES.contains(er.errorResponse().code());
            }
            if (t instanceof ServerException se) {
                return se.statusCode() >= 500 || se.statusCode() == 429;
            }
            if (t instanceof UnknownHostException || isTls(t)) {
                return false; // a certificate that is not trusted today will not be trusted in a second
            }
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** A TLS failure: the server's certificate is not trusted (or does not name the host). */
    private static boolean isTls(Throwable t) {
        return t instanceof SSLHandshakeException
                || t instanceof SSLPeerUnverifiedException
                || t instanceof java.security.cert.CertificateException;
    }

    private StorageException translate(String what, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ErrorResponseException er) {
                String code = er.errorResponse().code();
                if (CREDENTIAL_CODES.contains(code)) {
                    return new StorageException(
                            "object storage at " + config.endpoint() + " rejected the credentials"
                                    + " of access key '" + config.accessKey() + "' (" + code + ") during " + what
                                    + ": check GENRESTACK_S3_ACCESS_KEY / GENRESTACK_S3_SECRET_KEY",
                            e,
                            false);
                }
                if ("NoSuchBucket".equals(code)) {
                    return new StorageException(
                            "bucket '" + bucket() + "' does not exist at " + config.endpoint() + " (" + what
                                    + "); it is created at service start-up (ensureBucket)",
                            e,
                            true);
                }
                return new StorageException(
                        "object storage " + what + " failed: " + code + ": "
                                + er.errorResponse().message(),
                        e,
                        NOT_FOUND_CODES.contains(code));
            }
            if (isTls(t)) {
                return new StorageException(
                        "TLS handshake with object storage at " + config.endpoint() + " failed (" + what + "): "
                                + t.getMessage() + "; if its certificate comes from a private CA, set"
                                + " GENRESTACK_S3_CA_FILE (genrestack.s3.ca-file) to that CA's PEM file"
                                + (config.caFile() == null ? "" : " (now " + config.caFile() + ")"),
                        e,
                        false);
            }
            if (t instanceof ConnectException
                    || t instanceof UnknownHostException
                    || t instanceof SocketTimeoutException) {
                return new StorageException(
                        "cannot reach object storage at " + config.endpoint() + " (" + what + "): " + t.getMessage()
                                + "; check GENRESTACK_S3_ENDPOINT and that the server runs",
                        e,
                        false);
            }
        }
        return new StorageException("object storage " + what + " failed: " + rootMessage(e), e, false);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
