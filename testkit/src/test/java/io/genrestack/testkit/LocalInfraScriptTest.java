package io.genrestack.testkit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives {@code scripts/local-infra.sh} itself against empty temporary cache and work folders:
 * fetch, start, answer, status, env, reuse, stop (exactly the recorded pids), leases.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalInfraScriptTest {

    private static final Duration START = Duration.ofMinutes(10);
    private static final Duration SHORT = Duration.ofSeconds(90);

    private static Path root;
    private static Path cache;
    private static Process sleeper;
    private static Process doomed;

    @BeforeAll
    static void setUp() throws IOException {
        root = LocalInfra.repoRoot();
        cache = Files.createTempDirectory("genrestack-infra-cache-");
    }

    @AfterAll
    static void tearDown() throws IOException {
        for (Process p : new Process[] {sleeper, doomed}) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
        if (cache != null) {
            try (Stream<Path> paths = Files.walk(cache)) {
                paths.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Map<String, String> env(Path work, String lease) {
        Map<String, String> env = new HashMap<>();
        env.put("GENRESTACK_INFRA_CACHE", cache.toString());
        env.put("GENRESTACK_INFRA_WORK", work.toString());
        env.put("GENRESTACK_INFRA_LEASE", lease);
        // The script must choose and report its own addresses, whatever the caller's shell holds.
        env.put("GENRESTACK_KAFKA_BOOTSTRAP", null);
        env.put("GENRESTACK_S3_ENDPOINT", null);
        env.put("GENRESTACK_S3_ACCESS_KEY", null);
        env.put("GENRESTACK_S3_SECRET_KEY", null);
        return env;
    }

    private static InfraScript.Result run(Path work, String lease, Duration timeout, String... args)
            throws IOException, InterruptedException {
        return InfraScript.run(root, env(work, lease), timeout, args);
    }

    private static long pid(Path work, String name) throws IOException {
        return Long.parseLong(Files.readString(work.resolve(name + ".pid")).strip());
    }

    private static void assertRunning(Path work, LocalInfra.Endpoints e, long kafkaPid, long s3Pid)
            throws IOException, InterruptedException {
        InfraScript.Result status = run(work, null, SHORT, "status");
        assertEquals(0, status.exitCode(), status.output());
        assertTrue(
                status.output().matches("(?s).*kafka +running +" + e.kafkaBootstrap() + " +pid " + kafkaPid + "\\b.*"),
                status.output());
        assertTrue(
                status.output().matches("(?s).*s3proxy +running +" + e.s3Endpoint() + " +pid " + s3Pid + "\\b.*"),
                status.output());
    }

    private static void assertStopped(Path work, long kafkaPid, long s3Pid, LocalInfra.Endpoints e)
            throws IOException, InterruptedException {
        assertTrue(Probes.waitGone(kafkaPid, Duration.ofSeconds(10)), "Kafka pid " + kafkaPid + " still alive");
        assertTrue(Probes.waitGone(s3Pid, Duration.ofSeconds(10)), "s3proxy pid " + s3Pid + " still alive");
        assertFalse(Files.exists(work.resolve("kafka.pid")));
        assertFalse(Files.exists(work.resolve("s3proxy.pid")));
        assertFalse(Files.exists(work.resolve("infra.env")));
        assertFalse(Probes.tcpAccepts(e.kafkaBootstrap()), "Kafka port still open");
        InfraScript.Result status = run(work, null, SHORT, "status");
        assertEquals(InfraScript.EXIT_STOPPED, status.exitCode(), status.output());
        assertTrue(status.output().matches("(?s).*kafka +stopped.*"), status.output());
        assertTrue(status.output().matches("(?s).*s3proxy +stopped.*"), status.output());
        InfraScript.Result env = run(work, null, SHORT, "env");
        assertEquals(InfraScript.EXIT_STOPPED, env.exitCode(), env.output());
    }

    @Test
    @Order(1)
    void startsFromEmptyFoldersAnswersAndStopsExactlyItsProcesses(@TempDir Path work) throws Exception {
        try (Stream<Path> files = Files.list(cache)) {
            assertEquals(0, files.count(), "cache must start empty");
        }

        long t0 = System.nanoTime();
        InfraScript.Result start = run(work, null, START, "start");
        System.out.printf(
                "cold start (fetch + format + start): %.1f s%n%s%n", (System.nanoTime() - t0) / 1e9, start.output());
        assertEquals(0, start.exitCode(), start.output());
        assertTrue(Files.isRegularFile(cache.resolve("s3proxy/s3proxy.jar")));
        try (Stream<Path> jars = Files.list(cache.resolve("kafka-lib"))) {
            assertTrue(jars.anyMatch(p -> p.getFileName().toString().startsWith("kafka_2.13-")));
        }

        LocalInfra.Endpoints e = LocalInfra.fromEnvFile(Files.readString(work.resolve("infra.env")));
        assertTrue(e.kafkaBootstrap().matches("127\\.0\\.0\\.1:\\d+"), e.kafkaBootstrap());
        assertTrue(e.s3Endpoint().matches("http://127\\.0\\.0\\.1:\\d+"), e.s3Endpoint());
        assertEquals("genrestack", e.s3AccessKey());
        assertEquals("genrestack-secret", e.s3SecretKey());
        assertTrue(
                start.output().contains(e.kafkaBootstrap()) && start.output().contains(e.s3Endpoint()), start.output());

        // Both answer: a raw Kafka ApiVersions exchange and an unauthenticated S3 request.
        assertTrue(Probes.tcpAccepts(e.kafkaBootstrap()));
        assertTrue(
                Probes.kafkaApiKeys(e.kafkaBootstrap()).containsAll(java.util.List.of(0, 1, 3, 18, 19)),
                "broker lacks Produce/Fetch/Metadata/ApiVersions/CreateTopics");
        HttpResponse<String> s3 = Probes.httpGet(e.s3Endpoint() + "/");
        assertEquals(403, s3.statusCode(), s3.body());
        assertTrue(s3.body().contains("<Code>AccessDenied</Code>"), s3.body());

        long kafkaPid = pid(work, "kafka");
        long s3Pid = pid(work, "s3proxy");
        assertNotEquals(kafkaPid, s3Pid);
        assertTrue(ProcessHandle.of(kafkaPid)
                .orElseThrow()
                .info()
                .commandLine()
                .orElse("")
                .contains("kafka.Kafka"));
        assertTrue(ProcessHandle.of(s3Pid)
                .orElseThrow()
                .info()
                .commandLine()
                .orElse("")
                .contains("s3proxy"));
        assertRunning(work, e, kafkaPid, s3Pid);

        InfraScript.Result env = run(work, null, SHORT, "env");
        assertEquals(0, env.exitCode(), env.output());
        assertEquals(e, LocalInfra.fromEnvFile(env.output()));
        assertTrue(env.output().lines().allMatch(l -> l.startsWith("export GENRESTACK_")), env.output());

        // A second start reuses the running servers.
        InfraScript.Result again = run(work, null, SHORT, "start");
        assertEquals(0, again.exitCode(), again.output());
        assertTrue(again.output().contains("reusing"), again.output());
        assertEquals(kafkaPid, pid(work, "kafka"));
        assertEquals(s3Pid, pid(work, "s3proxy"));

        // Started by hand: a test JVM that reuses them under a lease leaves them running at release.
        String me = Long.toString(ProcessHandle.current().pid());
        InfraScript.Result leased = run(work, me, SHORT, "start");
        assertEquals(0, leased.exitCode(), leased.output());
        assertTrue(leased.output().contains("reusing"), leased.output());
        InfraScript.Result released = run(work, null, SHORT, "release", me);
        assertEquals(0, released.exitCode(), released.output());
        assertRunning(work, e, kafkaPid, s3Pid);

        InfraScript.Result stop = run(work, null, SHORT, "stop");
        assertEquals(0, stop.exitCode(), stop.output());
        assertTrue(stop.output().contains("kafka stopped (pid " + kafkaPid + ")"), stop.output());
        assertTrue(stop.output().contains("s3proxy stopped (pid " + s3Pid + ")"), stop.output());
        assertStopped(work, kafkaPid, s3Pid, e);

        // Stopping again is harmless.
        InfraScript.Result stopAgain = run(work, null, SHORT, "stop");
        assertEquals(0, stopAgain.exitCode(), stopAgain.output());
        assertTrue(stopAgain.output().contains("nothing was running"), stopAgain.output());
    }

    @Test
    @Order(2)
    void leasedServersStopAtTheLastRelease(@TempDir Path work) throws Exception {
        String me = Long.toString(ProcessHandle.current().pid());
        sleeper = new ProcessBuilder("sleep", "600").start();
        String other = Long.toString(sleeper.pid());
        doomed = new ProcessBuilder("sleep", "600").start();
        String dead = Long.toString(doomed.pid());

        // Started under a lease: stays up while another lease holder is alive, stops at the last
        // release; the lease of a process that died without releasing does not keep it up.
        long t0 = System.nanoTime();
        InfraScript.Result leased = run(work, me, START, "start");
        System.out.printf(
                "start with a fresh work folder and a filled cache: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertEquals(0, leased.exitCode(), leased.output());
        LocalInfra.Endpoints e2 = LocalInfra.fromEnvFile(Files.readString(work.resolve("infra.env")));
        long kafkaPid = pid(work, "kafka");
        long s3Pid = pid(work, "s3proxy");
        assertEquals(0, run(work, other, SHORT, "start").exitCode());
        assertEquals(0, run(work, dead, SHORT, "start").exitCode());
        assertEquals(0, run(work, null, SHORT, "release", me).exitCode());
        assertRunning(work, e2, kafkaPid, s3Pid);
        doomed.destroyForcibly().waitFor();
        InfraScript.Result last = run(work, null, SHORT, "release", other);
        assertEquals(0, last.exitCode(), last.output());
        assertStopped(work, kafkaPid, s3Pid, e2);
    }

    @Test
    @Order(3)
    void aWorkFolderKeepsItsModeSoSecureNeverRunsOnPlaintextData(@TempDir Path work) throws Exception {
        // the data of a plaintext broker (no SCRAM users, no certificates): --secure must not start over it
        Files.createDirectories(work.resolve("kafka/data"));
        Files.writeString(work.resolve("kafka/data/meta.properties"), "version=1\n");
        InfraScript.Result secure = run(work, null, START, "start", "--secure");
        assertEquals(2, secure.exitCode(), secure.output());
        assertTrue(secure.output().contains("holds the data of a plaintext broker"), secure.output());
        assertFalse(Files.exists(work.resolve("kafka.pid")), "nothing started");
        assertFalse(Files.exists(work.resolve("secure")), "no certificates written over plaintext data");

        Map<String, String> byEnv = env(work, null);
        byEnv.put("GENRESTACK_INFRA_SECURE", "true");
        InfraScript.Result same = InfraScript.run(root, byEnv, START, "start");
        assertEquals(2, same.exitCode(), "GENRESTACK_INFRA_SECURE=true means --secure: " + same.output());

        InfraScript.Result unknown = run(work, null, SHORT, "start", "--insecure");
        assertEquals(2, unknown.exitCode(), unknown.output());
        assertTrue(unknown.output().contains("start --secure"), "usage names the flag: " + unknown.output());
    }
}
