package io.genrestack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.cli.synth.Shape;
import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.common.storage.StorageConfig;
import io.genrestack.testkit.LocalInfra;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline over TLS: the five services as real processes against the secure local pair
 * ({@code scripts/local-infra.sh start --secure}: Kafka with only a SASL_SSL/SCRAM-SHA-512 listener, s3proxy only on
 * HTTPS, a generated CA), configured only through the variables the script's {@code env} prints. A small synthetic
 * run must finish with a report for every source and balanced counts; no credential may appear in the services'
 * logs, the run's events, dead letters, or any object the run stored (reports, provenance, summaries).
 */
class SecureEndToEndTest {
    static final int TRACKS = 1500;

    @Test
    void smallRunOverTlsAndScramLeaksNoCredential(@TempDir Path work) throws Exception {
        LocalInfra.Endpoints infra = LocalInfra.ensureSecureStarted();
        assertTrue(infra.s3Endpoint().startsWith("https://"), infra.s3Endpoint());
        assertEquals("SASL_SSL", infra.env().get("KAFKA_SECURITY_PROTOCOL"));
        String runId = "e2e-tls-" + UUID.randomUUID().toString().substring(0, 8);
        LocalRun.Options opts = new LocalRun.Options(
                TRACKS, 11, List.of(), List.of(), 4, 4, work, 40, false, false, runId, 300, Shape.SYNTHETIC);
        LocalRun run = new LocalRun(opts, LocalRun.repoRoot(), infra.env());
        JsonNode report;
        try {
            report = run.execute();
        } finally {
            run.stopAll();
        }
        System.out.println(LocalRun.table(report));
        for (String s : Sources.ALL) {
            double base =
                    report.path("sources").path(s).path("base").path("macroAuc").asDouble(Double.NaN);
            double stacked = report.path("sources")
                    .path(s)
                    .path("stacked")
                    .path("macroAuc")
                    .asDouble(Double.NaN);
            assertTrue(base > 0.5 && base <= 1, s + " base AUC " + base);
            assertTrue(stacked > 0.5 && stacked <= 1, s + " stacked AUC " + stacked);
        }
        // the run's clients in this JVM read the events over TLS too (RunInfra registered the pair's settings)
        List<RunEvent> events = TopicScan.runEvents(infra.kafkaBootstrap(), runId);
        RunEvent extracted = EndToEndTest.one(events, RunEvent.EXTRACTION_FINISHED, "all");
        long published = extracted.counts().get("published");
        assertEquals(
                TRACKS,
                published
                        + extracted.counts().get("deadLetters")
                        - extracted.counts().getOrDefault("deadLetters.groundTruth", 0L),
                "every generated track published or dead-lettered: " + extracted.counts());
        assertEquals(
                published,
                EndToEndTest.one(events, RunEvent.SCALING_FINISHED, "all")
                        .counts()
                        .get("scaled"));

        List<String> secrets = secrets(infra);
        List<String> texts = new ArrayList<>();
        try (Stream<Path> logs = Files.list(work.resolve("logs"))) {
            for (Path f : logs.toList()) {
                String log = Files.readString(f, StandardCharsets.UTF_8);
                if (LocalRun.SERVICES.stream()
                        .anyMatch(s -> f.getFileName().toString().equals(s + ".log"))) {
                    assertTrue(
                            log.contains("security.protocol=SASL_SSL") && log.contains("sasl.jaas.config=[hidden]"),
                            f + " does not log its Kafka security settings (redacted)");
                }
                texts.add(f + "\n" + log);
            }
        }
        assertEquals(LocalRun.SERVICES.size(), texts.size(), "one log per service");
        for (RunEvent e : events) {
            texts.add("event " + Json.MAPPER.writeValueAsString(e));
        }
        for (DeadLetter d : TopicScan.readAll(infra.kafkaBootstrap(), Topics.DEAD_LETTERS, DeadLetter.class)) {
            if (runId.equals(d.runId())) {
                texts.add("dead letter " + Json.MAPPER.writeValueAsString(d));
            }
        }
        texts.add("report " + report);
        int objects = 0;
        try (ObjectStore store = new ObjectStore(
                StorageConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(), "genrestack")
                        .withCaFile(infra.s3CaFile()))) {
            for (String key : store.list(RunPaths.run(runId))) {
                if (key.endsWith(".json") || key.endsWith(".md") || key.endsWith(".html") || key.endsWith(".tsv")) {
                    texts.add("object " + key + "\n" + new String(store.get(key), StandardCharsets.UTF_8));
                    objects++;
                }
            }
        }
        assertTrue(objects >= 5, "the run's text objects (reports, provenance, summaries): " + objects);
        for (String text : texts) {
            for (String secret : secrets) {
                assertFalse(
                        text.contains(secret),
                        "a credential appears in " + text.lines().findFirst().orElse(""));
            }
        }
        System.out.printf(
                "secure run %s: %d tracks, %d service logs + %d events + %d stored text objects scanned for %d"
                        + " credentials: none found%n",
                runId, TRACKS, LocalRun.SERVICES.size(), events.size(), objects, secrets.size());
    }

    /** The SCRAM password, the S3 secret key and the keystore/truststore passwords of the secure pair. */
    static List<String> secrets(LocalInfra.Endpoints infra) throws Exception {
        List<String> secrets =
                new ArrayList<>(List.of(infra.env().get("GENRESTACK_KAFKA_PASSWORD"), infra.s3SecretKey()));
        for (String line : Files.readAllLines(LocalInfra.secureWork().resolve("secure/credentials"))) {
            secrets.add(line.substring(line.indexOf('=') + 1));
        }
        secrets.removeIf(s -> s == null || s.length() < 8);
        assertTrue(secrets.size() >= 5, "credentials to look for: " + secrets.size());
        return secrets;
    }
}
