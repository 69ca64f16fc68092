package io.genrestack.common.storage;

import io.genrestack.testkit.LocalInfra;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Object storage over HTTPS: the secure local s3proxy ({@code scripts/local-infra.sh start --secure}) serves only
 * HTTPS with a certificate of a generated CA; {@link ObjectStore} with {@code genrestack.s3.ca-file} set to that CA
 * stores and reads a run's objects, and without it is refused at once, with the setting named.
 */
class ObjectStoreTlsTest {
    static LocalInfra.Endpoints infra;

    @BeforeAll
    static void start() {
        infra = LocalInfra.ensureSecureStarted();
    }

    private static StorageConfig config(String endpoint, String caFile) {
        return new StorageConfig(
                endpoint,
                infra.s3AccessKey(),
                infra.s3SecretKey(),
                "tls-test-" + UUID.randomUUID().toString().substring(0, 8),
                null,
                3,
                100,
                caFile);
    }

    @Test
    void storesAndReadsARunsObjectsOverHttpsTrustingTheGeneratedCa(@TempDir Path tmp) throws Exception {
        assertTrue(infra.s3Endpoint().startsWith("https://"), infra.s3Endpoint());
        try (ObjectStore store = new ObjectStore(config(infra.s3Endpoint(), infra.s3CaFile()))) {
            store.ensureBucket();
            assertTrue(store.ping());
            String run = "tls-" + UUID.randomUUID().toString().substring(0, 8);
            store.putJson(RunPaths.runJson(run), Map.of("runId", run, "seed", 7));
            byte[] model = new byte[2 * 1024 * 1024 + 5];
            new Random(3).nextBytes(model);
            Path f = tmp.resolve("model.bin");
            Files.write(f, model);
            store.putFile(RunPaths.modelParams(run, "allmusic", "base"), f, "application/octet-stream");
            store.putText(RunPaths.reports(run) + "summary.md", "# over TLS\n", "text/markdown");

            assertEquals(Map.of("runId", run, "seed", 7), store.getJson(RunPaths.runJson(run), Map.class));
            assertArrayEquals(model, store.get(RunPaths.modelParams(run, "allmusic", "base")));
            List<String> keys = store.list(RunPaths.run(run));
            assertEquals(3, keys.size(), keys::toString);
            assertEquals("# over TLS\n", new String(store.get(RunPaths.reports(run) + "summary.md")));
        }
    }

    @Test
    void withoutTheCaTheServerIsRefusedAtOnceNamingTheSetting() {
        try (ObjectStore store = new ObjectStore(config(infra.s3Endpoint(), null))) {
            long t0 = System.nanoTime();
            StorageException e = assertThrows(StorageException.class, store::ensureBucket);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
            assertTrue(e.getMessage().contains("GENRESTACK_S3_CA_FILE"), e.getMessage());
            assertFalse(e.getMessage().contains(infra.s3SecretKey()), e.getMessage());
            assertTrue(seconds < 5, "an untrusted certificate is not retried: " + seconds + " s");
            assertFalse(store.ping());
        }
    }

    @Test
    void plainHttpToTheHttpsEndpointGetsNoObject() {
        String http = infra.s3Endpoint().replace("https://", "http://");
        try (ObjectStore store = new ObjectStore(config(http, infra.s3CaFile()))) {
            assertThrows(StorageException.class, store::ensureBucket);
        }
    }

    @Test
    void aCaFileThatIsNoCertificateIsRefusedWithItsName(@TempDir Path tmp) throws Exception {
        Path bogus = Files.writeString(tmp.resolve("not-a-ca.pem"), "hello\n");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new ObjectStore(config(infra.s3Endpoint(), bogus.toString())));
        assertTrue(e.getMessage().contains("not-a-ca.pem") && e.getMessage().contains("GENRESTACK_S3_CA_FILE"));
    }
}
