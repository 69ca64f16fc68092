package io.genrestack.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.common.Roles;
import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.kafka.JobWorker;
import io.genrestack.common.kafka.KafkaClients;
import io.genrestack.common.metrics.Bootstrap;
import io.genrestack.common.model.LabelVocabulary;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackPredictions;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.BearerProxy;
import io.genrestack.testkit.InfraTestResource;
import io.genrestack.testkit.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The evaluator service against the real broker and object storage: synthetic predictions of the four sources are
 * published exactly once (as the stacker does), vocabularies and provenance go to S3, the evaluator job is submitted
 * through its job topic, and the report is checked against an independent computation (pair-counting AUC), over the
 * REST API, and in headless Chromium (Debian package {@code chromium}).
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class EvaluatorStageTest {
    static final int TRAIN = 48;
    static final int VALIDATION = 24;

    @Inject
    Infrastructure infra;

    record Published(String runId, Map<String, List<String>> vocab, List<TrackPredictions> records, TopicRange range) {}

    /** Vocabulary of a source: a few genres and subgenres; label 0 of lastfm is never true in validation. */
    static List<String> vocabulary(String source) {
        return switch (source) {
            case "allmusic" -> List.of("blues", "folk", "pop/rock", "pop/rock---indie", "r&b", "r&b---soul");
            case "discogs" -> List.of("electronic", "electronic---ambient", "jazz", "rock", "rock---punk");
            case "lastfm" -> List.of("ambient", "dance", "dance---club", "pop", "rock", "rock---indie");
            default -> List.of("classical", "hiphop", "metal", "metal---death", "pop");
        };
    }

    /**
     * Random multi-label truth; base scores = weak signal + noise, stacked = strong signal + noise (so the stacked
     * model ranks better). Published with an exactly-once writer, the stacker's way.
     */
    Published publish(String runId, long seed) throws Exception {
        Random r = new Random(seed);
        Map<String, List<String>> vocab = new LinkedHashMap<>();
        List<TrackPredictions> records = new ArrayList<>();
        for (String source : Sources.ALL) {
            List<String> labels = vocabulary(source);
            vocab.put(source, labels);
            for (int i = 0; i < TRAIN + VALIDATION; i++) {
                Split split = i < TRAIN ? Split.TRAIN : Split.VALIDATION;
                List<Integer> truth = new ArrayList<>();
                for (int l = 0; l < labels.size(); l++) {
                    boolean never = source.equals("lastfm") && l == 0 && split == Split.VALIDATION;
                    if (!never && r.nextDouble() < 0.3) {
                        truth.add(l);
                    }
                }
                if (truth.isEmpty()) {
                    truth.add(1 + r.nextInt(labels.size() - 1));
                }
                float[] base = new float[labels.size()];
                float[] stacked = new float[labels.size()];
                for (int l = 0; l < labels.size(); l++) {
                    double y = truth.contains(l) ? 1 : 0;
                    base[l] = sigmoid(0.8 * y + r.nextGaussian());
                    stacked[l] = sigmoid(1.8 * y - 0.9 + 0.7 * r.nextGaussian());
                }
                String mbid = new UUID(seed, Sources.index(source) * 1000L + i).toString();
                records.add(new TrackPredictions(runId, mbid, source, split, truth, base, stacked));
            }
        }
        try (ExactlyOnceWriter w =
                ExactlyOnceWriter.open(infra.bootstrap(), runId, "stacker-test", "all", "predictions")) {
            for (TrackPredictions p : records) {
                w.send(Topics.PREDICTIONS, p.mbid(), Json.bytes(p));
            }
            w.finish(ProgressMark.items((long) records.size()));
            return new Published(runId, vocab, records, w.outputRange(Topics.PREDICTIONS));
        }
    }

    static float sigmoid(double x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    /** Stores vocabularies, run.json and provenance, and submits the evaluator job. */
    StageJob submit(Published p, TopicRange range) throws InterruptedException {
        return submit(
                p, range, RunConfig.defaults(List.of(), List.of()), (s, kind) -> Map.of("source", s, "kind", kind));
    }

    /**
     * Stores vocabularies, run.json and each model's provenance ({@code provenance.apply(source, kind)}), and
     * submits the evaluator job with this config.
     */
    StageJob submit(
            Published p,
            TopicRange range,
            RunConfig config,
            java.util.function.BiFunction<String, String, Object> provenance)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!infra.initialised() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200); // topics and bucket are created by the platform's start-up thread
        }
        assertTrue(infra.initialised(), "infrastructure not ready: " + infra.initError());
        String run = p.runId();
        Map<String, String> objects = new HashMap<>();
        infra.store().putJson(RunPaths.runJson(run), Map.of("runId", run));
        objects.put(StageJob.RUN, RunPaths.runJson(run));
        objects.put(StageJob.MANIFEST, RunPaths.manifest(run));
        for (var e : p.vocab().entrySet()) {
            String s = e.getKey();
            infra.store().putJson(RunPaths.labels(run, s), new LabelVocabulary(s, e.getValue()));
            objects.put(StageJob.labelsName(s), RunPaths.labels(run, s));
            for (String kind : List.of("base", "stacked")) {
                infra.store().putJson(RunPaths.provenance(run, s, kind), provenance.apply(s, kind));
                objects.put(StageJob.modelName(s, kind), RunPaths.provenance(run, s, kind));
            }
        }
        StageJob job = StageJob.of(
                run, Topics.STAGE_EVALUATOR, StageJob.ALL, config, Map.of(StageJob.PREDICTIONS, range), objects);
        JobWorker.submit(infra.events(), job);
        return job;
    }

    /** Waits for the {@code n}-th event of a type for a run. */
    RunEvent awaitEvent(String runId, String type, int n, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        try (var c = KafkaClients.reader(infra.bootstrap(), "evaluator-test-events")) {
            var tp = new TopicPartition(Topics.RUN_EVENTS, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            int seen = 0;
            while (System.currentTimeMillis() < deadline) {
                for (var rec : c.poll(Duration.ofMillis(500))) {
                    RunEvent e = Json.read(rec.value(), RunEvent.class);
                    if (e.runId().equals(runId) && e.type().equals(type) && ++seen == n) {
                        return e;
                    }
                    if (e.runId().equals(runId)
                            && e.type().equals(RunEvent.STAGE_FAILED)
                            && !type.equals(RunEvent.STAGE_FAILED)) {
                        fail("evaluator failed: " + e.message());
                    }
                }
            }
        }
        throw new AssertionError("no " + type + " #" + n + " for " + runId + " within " + seconds + " s");
    }

    @Test
    void reportMatchesAnIndependentComputationAndRendersInChromium() throws Exception {
        String runId = "eval-" + UUID.randomUUID().toString().substring(0, 8);
        Published p = publish(runId, 7);
        submit(p, p.range());
        RunEvent ready = awaitEvent(runId, RunEvent.REPORT_READY, 1, 180);
        for (String s : Sources.ALL) {
            assertEquals(TRAIN + VALIDATION, ready.counts().get(s), "tracks of " + s + " in " + ready.counts());
        }
        assertEquals(RunPaths.reports(runId) + "report.json", ready.objects().get("report.json"));

        JsonNode report = Json.MAPPER.readTree(given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .when()
                .get("/runs/" + runId + "/report")
                .then()
                .statusCode(200)
                .contentType(containsString("application/json"))
                .extract()
                .asByteArray());
        assertEquals(runId, report.get("runId").asText());
        assertEquals(p.records().size(), report.at("/counts/predictions").asLong());
        for (String s : Sources.ALL) {
            JsonNode sr = report.at("/sources/" + s);
            assertEquals(vocabulary(s).size(), sr.get("labels").asInt());
            assertEquals(TRAIN, sr.get("trainTracks").asInt());
            assertEquals(VALIDATION, sr.get("validationTracks").asInt());
            for (String model : List.of("base", "stacked")) {
                float[][] scores = matrix(p, s, model.equals("stacked"));
                boolean[][] truth = truth(p, s);
                assertEquals(
                        Brute.macro(scores, truth),
                        sr.at("/" + model + "/macroAuc").asDouble(),
                        1e-12,
                        s + " " + model + " macro");
                assertEquals(
                        Brute.micro(scores, truth),
                        sr.at("/" + model + "/microAuc").asDouble(),
                        1e-12,
                        s + " " + model + " micro");
                assertTrue(sr.at("/" + model + "/mediaeval/all/trackF").isNumber());
            }
            assertTrue(
                    sr.at("/stacked/macroAuc").asDouble()
                            > sr.at("/base/macroAuc").asDouble() + 0.05,
                    s + ": stacked built to rank better than base");
            assertBootstrap(p, s, sr);
            assertEquals(Sources.PAPER_AUC.get(s)[0], sr.at("/paper/base").asDouble(), 0);
            assertEquals(Sources.PAPER_AUC.get(s)[1], sr.at("/paper/stacked").asDouble(), 0);
            assertEquals(
                    RunPaths.provenance(runId, s, "stacked"),
                    sr.at("/objects/stackedModel").asText());
        }
        assertEquals(
                "ambient", report.at("/sources/lastfm/base/skippedLabels/0").asText());
        assertEquals(5, report.at("/sources/lastfm/base/evaluatedLabels").asInt());

        // MediaEval submission: one line per validation track, sorted, known labels only, no header
        String tsv = given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .when()
                .get("/runs/" + runId + "/files/mediaeval-lastfm.tsv")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        String[] lines = tsv.split("\n");
        assertEquals(VALIDATION, lines.length);
        String previous = "";
        for (String line : lines) {
            String[] parts = line.split("\t");
            assertTrue(parts.length >= 2, line);
            assertTrue(parts[0].compareTo(previous) > 0, "sorted by recordingmbid");
            previous = parts[0];
            for (int i = 1; i < parts.length; i++) {
                assertTrue(vocabulary("lastfm").contains(parts[i]), parts[i]);
            }
        }
        given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .when()
                .get("/runs/" + runId + "/files/roc-discogs-stacked.svg")
                .then()
                .statusCode(200)
                .contentType(containsString("image/svg+xml"))
                .body(containsString("<polyline"));
        given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .when()
                .get("/runs/" + runId + "/report.md")
                .then()
                .statusCode(200)
                .body(containsString("| tagtraum |"))
                .body(containsString("Paired bootstrap (1000 resamples of the 24 validation tracks, seed 42)"));
        given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .when()
                .get("/runs/" + runId + "/objects/models/lastfm/base/provenance.json")
                .then()
                .statusCode(200)
                .body("kind", equalTo("base"));

        // the run list, API errors
        given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .when()
                .get("/runs")
                .then()
                .statusCode(200)
                .body("find { it.runId == '" + runId + "' }.status", equalTo("complete"));
        given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .when()
                .get("/runs/no-such-run-" + UUID.randomUUID().toString().substring(0, 6) + "/report")
                .then()
                .statusCode(404)
                .contentType(containsString("application/json"))
                .body("error", containsString("unknown run"));
        given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .when()
                .get("/runs/Bad!Id/report")
                .then()
                .statusCode(400)
                .body("error", containsString("run id"));
        given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .when()
                .get("/runs/" + runId + "/files/secret.txt")
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .when()
                .get("/runs/" + runId + "/objects/models/lastfm/base/params")
                .then()
                .statusCode(400);

        // the HTML report in a real browser
        // through a forwarder that adds the reader's token, as an authenticating ingress would
        BearerProxy proxy = BearerProxy.start("http://127.0.0.1:" + RestAssured.port, TestTokens.bearer(Roles.READER));
        String url = proxy.url() + "/runs/" + runId + "/report.html";
        Path tmp = Files.createTempDirectory("evaluator-chromium");
        Path png = Path.of("target", "report-" + runId + ".png").toAbsolutePath();
        String dom = chromium(tmp, "--dump-dom", url);
        for (String s : Sources.ALL) {
            assertTrue(dom.contains("id=\"auc-" + s + "\""), "AUC table of " + s);
            assertTrue(dom.contains("id=\"mediaeval-" + s + "\""), "MediaEval table of " + s);
            for (String model : List.of("base", "stacked")) {
                Matcher m = Pattern.compile("<svg[^>]*id=\"roc-" + s + "-" + model + "\"[\\s\\S]*?</svg>")
                        .matcher(dom);
                assertTrue(m.find(), "inline ROC figure " + s + "/" + model);
                assertTrue(m.group().contains("<polyline"), "curves drawn in " + s + "/" + model);
            }
        }
        Matcher summary =
                Pattern.compile("<table id=\"summary\">[\\s\\S]*?</table>").matcher(dom);
        assertTrue(summary.find(), "summary table");
        for (String paper : List.of("0.6476", "0.7592", "0.8276", "0.8017", "0.8122", "0.8863", "0.9064", "0.8874")) {
            assertTrue(summary.group().contains(paper), "paper value " + paper + " in the summary table");
        }
        assertTrue(summary.group().contains("bootstrap 95 % CI"), "bootstrap columns in the summary table");
        for (String s : Sources.ALL) {
            JsonNode boot = report.at("/sources/" + s + "/bootstrap");
            String ci = Text.interval(
                    boot.at("/base/low").asDouble(), boot.at("/base/high").asDouble(), 4, false);
            assertTrue(summary.group().contains(ci), "base CI of " + s + " in the summary table: " + ci);
            assertTrue(dom.contains("id=\"paired-" + s + "\">Paired bootstrap (1000 resamples"), "paired line " + s);
        }
        chromium(tmp, "--screenshot=" + png, "--window-size=1200,2000", url);
        assertTrue(Files.size(png) > 10_000, "screenshot written: " + png);
        proxy.close();

        // idempotent: the same job again overwrites the same keys with the same numbers
        List<String> keys = infra.store().list(RunPaths.reports(runId));
        submit(p, p.range());
        awaitEvent(runId, RunEvent.REPORT_READY, 2, 180);
        assertEquals(keys, infra.store().list(RunPaths.reports(runId)));
        JsonNode again = Json.MAPPER.readTree(infra.store().get(RunPaths.reports(runId) + "report.json"));
        assertEquals(report.get("sources"), again.get("sources"));
    }

    /**
     * The report's bootstrap against an independent computation: the run config's seed (42) gives the index lists
     * ({@link Bootstrap#indices}, validation tracks in MBID order as the evaluator orders them), each resampled
     * matrix is evaluated by pair counting ({@link Brute#macro}), and the percentile intervals and win share follow.
     */
    static void assertBootstrap(Published p, String source, JsonNode sr) {
        JsonNode boot = sr.get("bootstrap");
        assertNotNull(boot, source + ": no bootstrap in " + sr);
        assertEquals(1000, boot.get("resamples").asInt());
        assertEquals(42, boot.get("seed").asLong());
        List<TrackPredictions> val = p.records().stream()
                .filter(t -> t.source().equals(source) && t.split() == Split.VALIDATION)
                .sorted(java.util.Comparator.comparing(TrackPredictions::mbid))
                .toList();
        Published sorted = new Published(p.runId(), p.vocab(), val, p.range());
        float[][] base = matrix(sorted, source, false);
        float[][] stacked = matrix(sorted, source, true);
        boolean[][] truth = truth(sorted, source);
        int[][] idx = Bootstrap.indices(42, val.size(), 1000);
        double[] b = new double[idx.length];
        double[] st = new double[idx.length];
        for (int k = 0; k < idx.length; k++) {
            float[][] rb = new float[val.size()][];
            float[][] rs = new float[val.size()][];
            boolean[][] rt = new boolean[val.size()][];
            for (int i = 0; i < val.size(); i++) {
                rb[i] = base[idx[k][i]];
                rs[i] = stacked[idx[k][i]];
                rt[i] = truth[idx[k][i]];
            }
            b[k] = Brute.macro(rb, rt);
            st[k] = Brute.macro(rs, rt);
        }
        Bootstrap.Comparison c = Bootstrap.compare(b, st, 0.95);
        assertEquals(c.validResamples(), boot.get("validResamples").asInt());
        assertEquals(c.base().low(), boot.at("/base/low").asDouble(), 1e-12, source + " base CI");
        assertEquals(c.base().high(), boot.at("/base/high").asDouble(), 1e-12);
        assertEquals(c.stacked().low(), boot.at("/stacked/low").asDouble(), 1e-12, source + " stacked CI");
        assertEquals(c.stacked().high(), boot.at("/stacked/high").asDouble(), 1e-12);
        assertEquals(c.difference().low(), boot.at("/difference/low").asDouble(), 1e-12, source + " difference");
        assertEquals(c.difference().high(), boot.at("/difference/high").asDouble(), 1e-12);
        assertEquals(c.stackedWins(), boot.at("/difference/stackedWins").asDouble(), 1e-12);
        assertEquals(
                sr.at("/stacked/macroAuc").asDouble() - sr.at("/base/macroAuc").asDouble(),
                boot.at("/difference/observed").asDouble(),
                1e-12);
        assertTrue(boot.at("/difference/low").asDouble() > 0, source + ": stacked built to be better: " + boot);
        assertTrue(boot.at("/difference/stackedWins").asDouble() > 0.95, source + ": " + boot);
    }

    @Test
    void aPartialSetFailsTheJobAndWritesNoReport() throws Exception {
        String runId = "eval-partial-" + UUID.randomUUID().toString().substring(0, 8);
        Published p = publish(runId, 11);
        TopicRange claimed = new TopicRange(
                p.range().topic(), p.range().partitions(), p.range().expectedRecords() + 5);
        submit(p, claimed);
        RunEvent failed = awaitEvent(runId, RunEvent.STAGE_FAILED, 1, 180);
        assertEquals(Topics.STAGE_EVALUATOR, failed.stage());
        assertTrue(failed.message().contains("partial"), failed.message());
        assertFalse(infra.store().exists(RunPaths.reports(runId) + "report.json"));
        given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .when()
                .get("/runs/" + runId + "/report.html")
                .then()
                .statusCode(404)
                .contentType(containsString("application/json"))
                .body("status", equalTo("failed"))
                .body("error", containsString("partial"));
        given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .when()
                .get("/runs")
                .then()
                .statusCode(200)
                .body("find { it.runId == '" + runId + "' }.status", equalTo("failed"));
    }

    static float[][] matrix(Published p, String source, boolean stacked) {
        return p.records().stream()
                .filter(t -> t.source().equals(source) && t.split() == Split.VALIDATION)
                .map(t -> stacked ? t.stackedScores() : t.baseScores())
                .toArray(float[][]::new);
    }

    static boolean[][] truth(Published p, String source) {
        int width = vocabulary(source).size();
        return p.records().stream()
                .filter(t -> t.source().equals(source) && t.split() == Split.VALIDATION)
                .map(t -> {
                    boolean[] row = new boolean[width];
                    t.labels().forEach(l -> row[l] = true);
                    return row;
                })
                .toArray(boolean[][]::new);
    }

    /** Runs headless Chromium (Debian package {@code chromium}); fails the test when it is not installed. */
    static String chromium(Path profile, String... args) throws Exception {
        String exe = null;
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(c))) {
                exe = c;
                break;
            }
        }
        if (exe == null) {
            fail("headless Chromium is required to check report.html: install the Debian package 'chromium' "
                    + "(apt-get install -y chromium)");
        }
        List<String> cmd = new ArrayList<>(List.of(
                exe,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(profile, "out", ".html");
        Path err = Files.createTempFile(profile, "err", ".log");
        Process proc = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!proc.waitFor(240, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            fail("chromium did not finish within 240 s: " + Files.readString(err));
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, proc.exitValue(), "chromium exit status; stderr: " + Files.readString(err));
        assertNotNull(stdout);
        return stdout;
    }
}
