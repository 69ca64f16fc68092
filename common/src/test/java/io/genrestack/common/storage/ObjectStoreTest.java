package io.genrestack.common.storage;

import io.genrestack.testkit.LocalInfra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
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

/** Object round trips through the real local S3 server, and the errors users see when something is wrong. */
class ObjectStoreTest {
    static LocalInfra.Endpoints infra;
    static ObjectStore store;

    @BeforeAll
    static void start() {
        infra = LocalInfra.ensureStarted();
        store = new ObjectStore(StorageConfig.of(
                infra.s3Endpoint(),
                infra.s3AccessKey(),
                infra.s3SecretKey(),
                "store-test-" + UUID.randomUUID().toString().substring(0, 8)));
        store.ensureBucket();
        store.ensureBucket(); // idempotent
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    @Test
    void bytesJsonFilesAndStreamsRoundTrip(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String run = RunPaths.run("r-" + UUID.randomUUID());
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(data);
        store.put(run + "a.bin", data, "application/octet-stream");
        assertArrayEquals(data, store.get(run + "a.bin"));

        store.putJson(run + "b.json", Map.of("x", List.of(1, 2)));
        assertEquals(Map.of("x", List.of(1, 2)), store.getJson(run + "b.json", Map.class));

        Path f = tmp.resolve("f.bin");
        Files.write(f, data);
        store.putFile(run + "c/f.bin", f, "application/octet-stream");
        Path back = tmp.resolve("back.bin");
        store.getFile(run + "c/f.bin", back);
        assertArrayEquals(data, Files.readAllBytes(back));

        // unknown length: multipart upload from a stream (12 MiB > one 10 MiB part)
        byte[] big = new byte[12 * 1024 * 1024];
        new Random(2).nextBytes(big);
        store.putStream(run + "d.bin", new ByteArrayInputStream(big), "application/octet-stream");
        try (var in = store.getStream(run + "d.bin")) {
            assertArrayEquals(big, in.readAllBytes());
        }

        assertEquals(List.of(run + "a.bin", run + "b.json", run + "c/f.bin", run + "d.bin"), store.list(run));
        var files = store.listFiles(run);
        assertEquals(
                List.of(run + "a.bin", run + "b.json", run + "d.bin"),
                files.stream().map(ObjectStore.Entry::key).toList(),
                "direct children only");
        java.time.Instant now = java.time.Instant.now();
        files.forEach(x -> assertTrue(
                x.lastModified() != null
                        && x.lastModified().isAfter(now.minusSeconds(600))
                        && !x.lastModified().isAfter(now.plusSeconds(60)),
                x.toString()));
        assertTrue(store.anyUnder(run + "c/"));
        assertFalse(store.anyUnder(run + "nothing/"));
        assertTrue(store.exists(run + "a.bin"));
        assertFalse(store.exists(run + "missing"));
        assertTrue(store.getIfExists(run + "missing").isEmpty());
        var e = assertThrows(StorageException.class, () -> store.get(run + "missing"));
        assertTrue(e.isNotFound());
        assertEquals(4, store.deletePrefix(run));
        assertEquals(List.of(), store.list(run));
    }

    @Test
    void wrongCredentialsFailAtOnceWithAClearMessage() {
        try (ObjectStore bad =
                new ObjectStore(StorageConfig.of(infra.s3Endpoint(), "nobody", "wrong", store.bucket()))) {
            long t0 = System.nanoTime();
            var e = assertThrows(StorageException.class, () -> bad.get("runs/x"));
            assertTrue(e.getMessage().contains("rejected the credentials"), e.getMessage());
            assertTrue(e.getMessage().contains("GENRESTACK_S3_ACCESS_KEY"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong"), "secret must not be printed: " + e.getMessage());
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "no retries on a credential error");
        }
    }

    @Test
    void unreachableEndpointIsRetriedThenNamed() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var cfg = new StorageConfig("http://127.0.0.1:" + port, "a", "b", "bucket", null, 3, 50);
        try (ObjectStore down = new ObjectStore(cfg)) {
            long t0 = System.nanoTime();
            var e = assertThrows(StorageException.class, () -> down.get("k"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(
                    e.getMessage().contains("cannot reach object storage at http://127.0.0.1:" + port), e.getMessage());
            assertTrue(ms >= 150, "3 attempts with 50+100 ms backoff took " + ms + " ms");
            assertFalse(down.ping());
        }
    }
}
