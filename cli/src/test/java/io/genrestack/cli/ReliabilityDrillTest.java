package io.genrestack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.cli.synth.Shape;
import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.kafka.KafkaSecurity;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.ScaledFeatures;
import io.genrestack.common.model.TrackActivations;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.model.TrackPredictions;
import io.genrestack.testkit.HostileCorpus;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reliability drill (docs/reliability.md): the five services as real processes on a Kafka broker and an s3proxy
 * of the drill's own. Run 1 is undisturbed. Run 2, same seed and data plus a generated hostile corpus, is hit by
 * SIGKILL of every service in turn in the middle of its stage (each restarted), a SIGKILL + restart of the Kafka
 * broker while the trainer publishes, and a 30 s object-storage outage while the trainer trains. Asserts that run 2
 * ends with the same metrics and predictions as run 1, that every stage's output holds each key exactly once and the
 * same keys as run 1, that every hostile item is dead-lettered with its reason and nothing else is, that services
 * reported not-ready during the outages, and that the S3 secret appears in no service log. The figures go to
 * {@code cli/target/reliability-drill.md}, the services' logs to {@code cli/target/drill-work/logs/}.
 */
class ReliabilityDrillTest {
    static final int TRACKS = 1500;
    static final long SEED = 5;
    static final int MAX_EPOCHS = 6;
    static final int S3_OUTAGE_SECONDS = 30;
    static final int KAFKA_DOWN_SECONDS = 5;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3))
            .build();

    @Test
    void killsBrokerRestartAndStorageOutageLoseNothingAndChangeNothing() throws Exception {
        Path repo = LocalRun.repoRoot();
        Path work = repo.resolve("cli/target/drill-work"); // kept after the test: logs/ holds the services' logs
        io.genrestack.common.io.PathTrees.deleteRecursively(work);
        String secret = "drill-secret-" + UUID.randomUUID();
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String baseRun = "drill-base-" + tag;
        String drillRun = "drill-faults-" + tag;
        Figures fig = new Figures();
        long t0 = System.nanoTime();
        try (DrillInfra infra = DrillInfra.start(repo, repo.resolve("cli/target/drill-infra"), secret)) {
            LocalRun.Options opts = new LocalRun.Options(
                    TRACKS,
                    SEED,
                    List.of(),
                    List.of(),
                    MAX_EPOCHS,
                    null,
                    work,
                    30,
                    false,
                    false,
                    null,
                    300,
                    Shape.SYNTHETIC);
            LocalRun run = new LocalRun(opts, repo, infra.env())
                    // stretch the stages' output so that each kill lands in its middle
                    .env("GENRESTACK_PLATFORM_CHUNK_PAUSE", "300ms")
                    .env("GENRESTACK_EXTRACTOR_CHECKPOINT_EVERY", "200")
                    .env("GENRESTACK_SCALER_CHECKPOINT_EVERY", "200")
                    .env("GENRESTACK_TRAINER_CHECKPOINT_EVERY", "256")
                    .env("GENRESTACK_STACKER_CHECKPOINT_EVERY", "500")
                    // the hostile corpus must be handled within a small heap
                    .heap("extractor", "192m")
                    // the hostile corpus and its ground truth are inputs too
                    .allowInputs(work.resolve("hostile-data"), work.resolve("hostile-gt"));
            Path synth = run.syntheticData();
            Path good = firstJson(synth.resolve("lowlevel"));
            String existing = good.getFileName().toString().replace(".json", "");
            HostileCorpus.Corpus hostile = HostileCorpus.write(
                    Files.createDirectories(work.resolve("hostile-data")), Files.readAllBytes(good), existing, SEED);
            Path hostileGt = hostileGroundTruth(work.resolve("hostile-gt"), synth.resolve("groundtruth"), hostile);
            List<String> gt = List.of(synth.resolve("groundtruth").toString(), hostileGt.toString());
            JsonNode baseReport;
            JsonNode drillReport;
            Faults faults;
            try {
                run.startServices();
                restChecks(run, fig);
                long off = run.submit(baseRun, List.of(synth.resolve("lowlevel").toString()), gt);
                run.follow(baseRun, off, e -> {});
                baseReport = run.report(baseRun);
                fig.add("undisturbed run %s: %.1f min", baseRun, (System.nanoTime() - t0) / 6e10);

                long t1 = System.nanoTime();
                faults = new Faults(run, infra, drillRun, fig);
                off = run.submit(
                        drillRun,
                        List.of(
                                synth.resolve("lowlevel").toString(),
                                hostile.folder().toString(),
                                hostile.archive().toString()),
                        gt);
                run.follow(drillRun, off, faults);
                drillReport = run.report(drillRun);
                fig.add("disturbed run %s: %.1f min", drillRun, (System.nanoTime() - t1) / 6e10);
                fig.add(
                        "extractor peak RSS (VmHWM, -Xmx192m) after the hostile corpus: %s",
                        vmHwm(run.process("extractor").pid()));
            } finally {
                run.stopAll();
            }

            String bootstrap = infra.bootstrap();
            compareReports(baseReport, drillReport, fig);
            comparePredictions(bootstrap, baseRun, drillRun, fig);
            int published = checkKeys(bootstrap, baseRun, drillRun, fig);
            checkDeadLetters(bootstrap, baseRun, drillRun, hostile, published, fig);
            faults.check();
            List<String> secrets = new ArrayList<>(secrets(secret, infra.env()));
            secrets.add(run.credentials().token());
            secrets.add(Files.readAllLines(run.credentials().privateKey()).get(1));
            checkLogs(work.resolve("logs"), secrets, fig);
        } finally {
            fig.add("drill total: %.1f min", (System.nanoTime() - t0) / 6e10);
            String text = fig.text();
            System.out.println(text);
            Files.createDirectories(repo.resolve("cli/target"));
            Files.writeString(repo.resolve("cli/target/reliability-drill.md"), text);
        }
    }

    // ------------------------------------------------------------------------------------------ faults

    /** Injects the faults as the disturbed run's events arrive (on the follow thread, which waits meanwhile). */
    static final class Faults implements LocalRun.EventHook {
        private final LocalRun run;
        private final DrillInfra infra;
        private final String runId;
        private final Figures fig;
        private final Map<String, String> killed = new LinkedHashMap<>();
        private final Map<String, Boolean> notReadyInS3Outage = new TreeMap<>();
        private final Map<String, Boolean> notReadyInKafkaOutage = new TreeMap<>();
        private String trainerKilledUnit;
        private boolean s3Done;
        private boolean kafkaDone;
        private final List<String> missed = new ArrayList<>();

        Faults(LocalRun run, DrillInfra infra, String runId, Figures fig) {
            this.run = run;
            this.infra = infra;
            this.runId = runId;
            this.fig = fig;
        }

        @Override
        public void accept(RunEvent e) throws Exception {
            String stage = e.stage();
            if (RunEvent.STAGE_STARTED.equals(e.type()) && !killed.containsKey(stage)) {
                switch (stage) {
                    case Topics.STAGE_EXTRACTOR -> killAtMark(stage, "all", "publish");
                    case Topics.STAGE_SCALER -> killAtMark(stage, "all", "standardise");
                    case Topics.STAGE_STACKER -> killAtMark(stage, "all", "predictions");
                    case Topics.STAGE_EVALUATOR -> killNow(stage, "right after it announced the evaluation");
                    default -> {}
                }
            }
            if (RunEvent.EPOCH_FINISHED.equals(e.type()) && Topics.STAGE_TRAINER.equals(stage)) {
                long epoch = e.counts().getOrDefault("epoch", 0L);
                if (trainerKilledUnit == null && epoch == 2) {
                    trainerKilledUnit = e.unit();
                    killNow(stage, "after epoch 2 of the " + e.unit() + " model, while training epoch 3");
                } else if (trainerKilledUnit != null && !s3Done && !e.unit().equals(trainerKilledUnit)) {
                    s3Done = true;
                    s3Outage(e.unit());
                }
            }
            if (RunEvent.BASE_MODEL_FINISHED.equals(e.type()) && s3Done && !kafkaDone) {
                kafkaDone = true;
                kafkaRestart(e.unit());
            }
        }

        private void killAtMark(String stage, String unit, String step) throws Exception {
            ProgressMark m = awaitMark(stage, unit, step);
            if (m.done()) {
                missed.add(stage + ": its output was complete before the kill");
            }
            killAndRestart(
                    stage,
                    "in the middle of its output, after committed chunk at " + m.position() + " "
                            + m.counts().entrySet().stream()
                                    .filter(x -> !x.getKey().startsWith("range:"))
                                    .toList());
        }

        private void killNow(String stage, String when) throws Exception {
            killAndRestart(stage, when);
        }

        private void killAndRestart(String stage, String when) throws Exception {
            long t0 = System.nanoTime();
            run.kill(stage);
            killed.put(stage, when);
            run.startService(stage);
            run.awaitReady(List.of(stage), 240);
            fig.add(
                    "SIGKILL %s-service %s; restarted, ready again after %.1f s",
                    stage, when, (System.nanoTime() - t0) / 1e9);
        }

        private ProgressMark awaitMark(String stage, String unit, String step) throws Exception {
            ProgressMark m = findMark(stage, unit, step, 300);
            if (m == null) {
                throw new AssertionError(
                        "no progress mark " + ProgressMark.key(runId, stage, unit, step) + " within 300 s");
            }
            return m;
        }

        /** The step's latest committed progress mark, waiting up to {@code seconds} for one; null if none came. */
        private ProgressMark findMark(String stage, String unit, String step, int seconds) throws Exception {
            String key = ProgressMark.key(runId, stage, unit, step);
            long deadline = System.currentTimeMillis() + seconds * 1000L;
            while (System.currentTimeMillis() < deadline) {
                ProgressMark m = ExactlyOnceWriter.latestMark(infra.bootstrap(), key);
                if (m != null) {
                    return m;
                }
                Thread.sleep(50);
            }
            return null;
        }

        private void s3Outage(String unit) throws Exception {
            long t0 = System.nanoTime();
            infra.killS3();
            watchReadiness(S3_OUTAGE_SECONDS, notReadyInS3Outage);
            double back = infra.startS3();
            run.awaitReady(LocalRun.SERVICES, 240);
            fig.add(
                    "S3 (s3proxy) SIGKILLed while the trainer trained the %s model, down %d s, back after %.1f s;"
                            + " not-ready seen: %s; all ready again %.1f s after the kill",
                    unit, S3_OUTAGE_SECONDS, back, notReadyInS3Outage, (System.nanoTime() - t0) / 1e9);
        }

        private void kafkaRestart(String unitFinished) throws Exception {
            // while the trainer publishes activations: the model that finished, or the next one
            ProgressMark m = findMark(Topics.STAGE_TRAINER, unitFinished, "activations", 120);
            long t0 = System.nanoTime();
            infra.killKafka();
            watchReadiness(KAFKA_DOWN_SECONDS, notReadyInKafkaOutage);
            double back = infra.startKafka();
            run.awaitReady(LocalRun.SERVICES, 240);
            fig.add(
                    "Kafka broker SIGKILLed while the trainer published the %s activations (%s), down %d s,"
                            + " back after %.1f s; not-ready seen: %s; all ready again %.1f s after the kill",
                    unitFinished,
                    m == null
                            ? "no chunk committed yet"
                            : "after chunk at " + m.position() + (m.done() ? ", done" : ""),
                    KAFKA_DOWN_SECONDS,
                    back,
                    notReadyInKafkaOutage,
                    (System.nanoTime() - t0) / 1e9);
        }

        private void watchReadiness(int seconds, Map<String, Boolean> notReady) throws Exception {
            LocalRun.SERVICES.forEach(s -> notReady.put(s, false));
            long until = System.currentTimeMillis() + seconds * 1000L;
            while (System.currentTimeMillis() < until) {
                for (String s : LocalRun.SERVICES) {
                    if (!run.ready(s)) {
                        notReady.put(s, true);
                    }
                }
                Thread.sleep(500);
            }
        }

        void check() {
            assertEquals(List.of(), missed, "every kill landed in the middle of its stage");
            assertEquals(
                    LocalRun.SERVICES.stream().sorted().toList(),
                    killed.keySet().stream().sorted().toList(),
                    "every service was killed once");
            assertTrue(s3Done && kafkaDone, "both outages happened");
            notReadyInS3Outage.forEach((s, v) -> assertTrue(v, s + " reported ready while S3 was down"));
            notReadyInKafkaOutage.forEach((s, v) -> assertTrue(v, s + " reported ready while Kafka was down"));
        }
    }

    // ------------------------------------------------------------------------------------------ checks

    static void compareReports(JsonNode base, JsonNode drill, Figures fig) {
        double maxDiff = 0;
        for (String s : Sources.ALL) {
            for (String model : List.of("base", "stacked")) {
                double a = base.path("sources")
                        .path(s)
                        .path(model)
                        .path("macroAuc")
                        .asDouble(Double.NaN);
                double b = drill.path("sources")
                        .path(s)
                        .path(model)
                        .path("macroAuc")
                        .asDouble(Double.NaN);
                assertTrue(a > 0.5 && b > 0.5, s + " " + model + ": " + a + " / " + b);
                maxDiff = Math.max(maxDiff, Math.abs(a - b));
                assertEquals(a, b, 1e-6, s + " " + model + " macro AUC: undisturbed " + a + ", disturbed " + b);
            }
            fig.add(
                    "%s macro AUC base %.6f / %.6f, stacked %.6f / %.6f (undisturbed / disturbed)",
                    s,
                    base.path("sources").path(s).path("base").path("macroAuc").asDouble(),
                    drill.path("sources").path(s).path("base").path("macroAuc").asDouble(),
                    base.path("sources")
                            .path(s)
                            .path("stacked")
                            .path("macroAuc")
                            .asDouble(),
                    drill.path("sources")
                            .path(s)
                            .path("stacked")
                            .path("macroAuc")
                            .asDouble());
        }
        fig.add("largest macro-AUC difference between the runs: %.2e", maxDiff);
    }

    static void comparePredictions(String bootstrap, String baseRun, String drillRun, Figures fig) throws Exception {
        Map<String, TrackPredictions> base = new HashMap<>();
        Map<String, TrackPredictions> drill = new HashMap<>();
        for (TrackPredictions p : TopicScan.readAll(bootstrap, Topics.PREDICTIONS, TrackPredictions.class)) {
            Map<String, TrackPredictions> into =
                    p.runId().equals(baseRun) ? base : p.runId().equals(drillRun) ? drill : null;
            if (into != null) {
                assertEquals(null, into.put(p.source() + "/" + p.mbid(), p), "duplicate prediction " + p.mbid());
            }
        }
        assertEquals(base.keySet(), drill.keySet(), "the same (source, track) predictions");
        double maxDiff = 0;
        for (var e : base.entrySet()) {
            TrackPredictions a = e.getValue();
            TrackPredictions b = drill.get(e.getKey());
            for (int i = 0; i < a.baseScores().length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(a.baseScores()[i] - b.baseScores()[i]));
                maxDiff = Math.max(maxDiff, Math.abs(a.stackedScores()[i] - b.stackedScores()[i]));
            }
        }
        assertTrue(maxDiff <= 1e-4, "largest score difference " + maxDiff);
        fig.add(
                "predictions compared: %d (source, track) pairs, each exactly once in both runs; largest score"
                        + " difference %.2e",
                base.size(), maxDiff);
    }

    /** Returns the number of tracks published per run. */
    static int checkKeys(String bootstrap, String baseRun, String drillRun, Figures fig) throws Exception {
        Map<String, Map<String, Integer>> base = new TreeMap<>();
        Map<String, Map<String, Integer>> drill = new TreeMap<>();
        count(
                bootstrap,
                Topics.TRACK_FEATURES,
                TrackFeatures.class,
                TrackFeatures::runId,
                t -> Topics.TRACK_FEATURES,
                TrackFeatures::mbid,
                baseRun,
                drillRun,
                base,
                drill);
        count(
                bootstrap,
                Topics.SCALED_FEATURES,
                ScaledFeatures.class,
                ScaledFeatures::runId,
                t -> Topics.SCALED_FEATURES,
                ScaledFeatures::mbid,
                baseRun,
                drillRun,
                base,
                drill);
        count(
                bootstrap,
                Topics.ACTIVATIONS,
                TrackActivations.class,
                TrackActivations::runId,
                a -> Topics.ACTIVATIONS + "/" + a.source(),
                TrackActivations::mbid,
                baseRun,
                drillRun,
                base,
                drill);
        count(
                bootstrap,
                Topics.PREDICTIONS,
                TrackPredictions.class,
                TrackPredictions::runId,
                p -> Topics.PREDICTIONS + "/" + p.source(),
                TrackPredictions::mbid,
                baseRun,
                drillRun,
                base,
                drill);
        assertEquals(base.keySet(), drill.keySet());
        long records = 0;
        for (String part : base.keySet()) {
            Map<String, Integer> a = base.get(part);
            Map<String, Integer> b = drill.get(part);
            a.forEach((k, n) -> assertEquals(1, n, part + ": " + k + " in the undisturbed run " + n + " times"));
            b.forEach((k, n) -> assertEquals(1, n, part + ": " + k + " in the disturbed run " + n + " times"));
            assertEquals(a.keySet(), b.keySet(), part + ": the same keys in both runs");
            records += b.size();
            fig.add("%s: %d keys, each exactly once in both runs (lost 0, duplicated 0)", part, b.size());
        }
        fig.add("records checked per key in the disturbed run: %d", records);
        return base.get(Topics.TRACK_FEATURES).size();
    }

    static <T> void count(
            String bootstrap,
            String topic,
            Class<T> type,
            Function<T, String> runOf,
            Function<T, String> partOf,
            Function<T, String> keyOf,
            String baseRun,
            String drillRun,
            Map<String, Map<String, Integer>> base,
            Map<String, Map<String, Integer>> drill)
            throws Exception {
        for (T t : TopicScan.readAll(bootstrap, topic, type)) {
            String r = runOf.apply(t);
            Map<String, Map<String, Integer>> into = r.equals(baseRun) ? base : r.equals(drillRun) ? drill : null;
            if (into != null) {
                into.computeIfAbsent(partOf.apply(t), x -> new TreeMap<>()).merge(keyOf.apply(t), 1, Integer::sum);
            }
        }
    }

    static void checkDeadLetters(
            String bootstrap, String baseRun, String drillRun, HostileCorpus.Corpus hostile, int published, Figures fig)
            throws Exception {
        List<DeadLetter> all = TopicScan.readAll(bootstrap, Topics.DEAD_LETTERS, DeadLetter.class);
        // the synthetic data holds a few tracks the extractor refuses (no source tags them, or only with labels that
        // occur in validation alone): dead letters in both runs, the same ones
        Map<String, String> untagged = new TreeMap<>();
        all.stream().filter(d -> baseRun.equals(d.runId())).forEach(d -> untagged.put(d.sourceFile(), d.reason()));
        untagged.forEach((f, r) ->
                assertTrue(r.contains("no ground-truth row") || r.contains("training vocabulary"), f + ": " + r));
        assertEquals(TRACKS, published + untagged.size(), "every synthetic track published or dead-lettered");
        List<DeadLetter> letters =
                all.stream().filter(d -> drillRun.equals(d.runId())).toList();
        Map<String, String> untaggedDrill = new TreeMap<>();
        Map<String, List<DeadLetter>> byItem = new TreeMap<>();
        for (DeadLetter d : letters) {
            if (untagged.containsKey(d.sourceFile())) {
                assertEquals(null, untaggedDrill.put(d.sourceFile(), d.reason()), "twice: " + d.sourceFile());
                continue;
            }
            String item = hostile.expected().containsKey(d.sourceFile())
                    ? d.sourceFile()
                    : "unexpected: " + d.sourceFile() + " (" + d.reason() + ")";
            byItem.computeIfAbsent(item, x -> new ArrayList<>()).add(d);
        }
        for (var e : hostile.expected().entrySet()) {
            List<DeadLetter> l = byItem.getOrDefault(e.getKey(), List.of());
            assertEquals(1, l.size(), e.getKey() + ": " + l);
            String reason = l.get(0).reason();
            assertTrue(
                    reason != null && reason.toLowerCase(Locale.ROOT).contains(e.getValue()),
                    e.getKey() + ": reason '" + reason + "' lacks '" + e.getValue() + "'");
            fig.add(
                    "dead letter `%s`: %s",
                    e.getKey(), reason.length() > 160 ? reason.substring(0, 160) + "…" : reason);
        }
        assertEquals(hostile.expected().keySet(), byItem.keySet(), "dead letters for the hostile items only");
        assertEquals(untagged, untaggedDrill, "the untagged synthetic tracks dead-lettered alike in both runs");
        RunEvent finished = TopicScan.runEvents(bootstrap, drillRun).stream()
                .filter(x -> x.type().equals(RunEvent.EXTRACTION_FINISHED))
                .reduce((a, b) -> b)
                .orElseThrow();
        Map<String, Long> c = finished.counts();
        assertEquals(
                c.get("items"),
                c.get("published") + c.get("deadLetters") - c.getOrDefault("deadLetters.groundTruth", 0L),
                "items = published + dead letters: " + c);
        assertEquals((long) letters.size(), c.get("deadLetters"));
        fig.add(
                "synthetic tracks: %d published + %d refused alike in both runs (no ground-truth row,"
                        + " or labels unseen in"
                        + " training) = %d;"
                        + " hostile items: %d, each dead-lettered once with its reason; extraction counts %s",
                published, untagged.size(), TRACKS, hostile.expected().size(), c);
    }

    /**
     * What no service log may contain: the S3 secret key and every credential the infrastructure hands out (SCRAM
     * password, JAAS line, keystore/truststore passwords of a secure pair: {@code KafkaSecurity.isSecret} names).
     */
    static List<String> secrets(String s3Secret, Map<String, String> infraEnv) {
        List<String> secrets = new ArrayList<>(List.of(s3Secret));
        infraEnv.forEach((name, value) -> {
            if (KafkaSecurity.isSecret(name) && value != null && !value.isBlank() && !secrets.contains(value)) {
                secrets.add(value);
            }
        });
        return secrets;
    }

    static void checkLogs(Path logs, List<String> secrets, Figures fig) throws Exception {
        long lines = 0;
        long s3Retries = 0;
        long jobRetries = 0;
        long resumes = 0;
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                for (String secret : secrets) {
                    assertFalse(
                            text.contains(secret),
                            f + " contains a credential (S3 secret key, SCRAM or store password, API token or key)");
                }
                assertFalse(text.contains("OutOfMemoryError"), f + " ran out of memory");
                lines += text.lines().count();
                s3Retries += text.lines()
                        .filter(l -> l.contains("object storage:") && l.contains("retrying"))
                        .count();
                jobRetries += text.lines()
                        .filter(l ->
                                l.contains(" job ") && l.contains("failed (attempt") && !l.contains("object storage"))
                        .count();
                // the writers' and the trainer's own lines (the stacker's stage-started event repeats the phrase)
                resumes += text.lines()
                        .filter(l -> l.contains("resuming after") && !l.contains("EventPublisher"))
                        .count();
            }
        }
        fig.add(
                "service logs: %d lines, S3 secret, API token and private key found 0 times, OutOfMemoryError 0 times;"
                        + " S3 operation retries"
                        + " logged: %d; job attempts that failed and were retried: %d; resumptions after committed work"
                        + " (output chunk"
                        + " or epoch checkpoint): %d",
                lines, s3Retries, jobRetries, resumes);
    }

    void restChecks(LocalRun run, Figures fig) throws Exception {
        String big = "{\"inputs\":[\"" + "x".repeat(100_000) + "\"],\"groundTruth\":[\"y\"]}";
        String auth = run.credentials().authorization();
        int runs413 = post(run.serviceUrl("extractor", "/runs"), big.getBytes(StandardCharsets.UTF_8), auth);
        assertEquals(413, runs413, "extractor: 100 KB run request");
        int traversalRun = post(
                run.serviceUrl("extractor", "/runs"),
                ("{\"runId\":\"../../etc\",\"inputs\":[\"/\"]," + "\"groundTruth\":[\"/\"]}")
                        .getBytes(StandardCharsets.UTF_8),
                auth);
        assertEquals(400, traversalRun, "extractor: run id with ../");
        int predict413 = post(run.serviceUrl("stacker", "/predict"), new byte[40 << 20], auth);
        assertEquals(413, predict413, "stacker: 40 MB document");
        int objects = http.send(
                        HttpRequest.newBuilder(URI.create(
                                        run.serviceUrl("evaluator", "/runs/x/objects/..%2F..%2Fsecret.json")))
                                .header("Authorization", auth)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
        assertTrue(objects == 400 || objects == 404, "evaluator: object path with ../ gave " + objects);
        fig.add(
                "REST limits: 100 KB run request → %d, run id `../../etc` → %d, 40 MB /predict body → %d,"
                        + " `objects/..%%2F..%%2Fsecret.json` → %d",
                runs413, traversalRun, predict413, objects);
    }

    /**
     * POSTs over HTTP/1.1 on a fresh connection and returns the status (a server closes the connection after refusing
     * a body; over an h2c upgrade the refusal arrives as GOAWAY instead of 413).
     */
    private static int post(String url, byte[] body, String authorization) throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3))
                .build();
        return client.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(60))
                                .header("Content-Type", "application/json")
                                .header("Authorization", authorization)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    // ------------------------------------------------------------------------------------------ data

    static Path firstJson(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".json"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
    }

    /** lastfm rows for the hostile MBIDs, with the labels of the first synthetic lastfm row (no new labels). */
    static Path hostileGroundTruth(Path dir, Path synthGt, HostileCorpus.Corpus hostile) throws Exception {
        Files.createDirectories(dir);
        Path lastfm;
        try (Stream<Path> s = Files.list(synthGt)) {
            lastfm = s.filter(p -> p.getFileName().toString().contains("lastfm"))
                    .findFirst()
                    .orElseThrow();
        }
        List<String> lines = Files.readAllLines(lastfm);
        String[] first = lines.get(1).split("\t", -1);
        StringBuilder b = new StringBuilder(lines.get(0)).append('\n');
        int i = 0;
        for (String mbid : hostile.mbids()) {
            b.append(mbid).append('\t').append(new UUID(0x5eed, ++i));
            for (int c = 2; c < first.length; c++) {
                b.append('\t').append(first[c]);
            }
            b.append('\n');
        }
        Path out = dir.resolve("acousticbrainz-mediaeval-lastfm-hostile.tsv");
        Files.writeString(out, b.toString());
        return out;
    }

    static String vmHwm(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmHWM"))
                    .map(l -> l.substring(6).strip())
                    .findFirst()
                    .orElse("?");
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** The drill's figures, in order, as a Markdown list. */
    static final class Figures {
        private final List<String> lines = new ArrayList<>();

        void add(String fmt, Object... args) {
            String line = String.format(Locale.ROOT, fmt, args);
            lines.add(line);
            RunLog.log("drill: %s", line);
        }

        String text() {
            StringBuilder b = new StringBuilder("# Reliability drill figures\n\n");
            lines.forEach(l -> b.append("- ").append(l).append('\n'));
            return b.toString();
        }
    }
}
