package io.genrestack.stacker;

import io.genrestack.common.Roles;
import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.features.FeatureManifest;
import io.genrestack.common.features.Flattener;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.kafka.JobWorker;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.metrics.MediaEvalMetrics;
import io.genrestack.common.model.LabelThresholds;
import io.genrestack.common.model.ModelKind;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.model.TrackPredictions;
import io.genrestack.common.serde.Json;
import io.genrestack.common.stats.FeatureStats;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.ml.MlpModel;
import io.genrestack.ml.MlpSpec;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.InfraTestResource;
import io.genrestack.testkit.SubmissionCheck;
import io.genrestack.testkit.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A prediction run against a real model run: the model run's stacked models are trained by this service on synthetic
 * activations ({@link StackerStageTest}'s run: real Kafka, real DJL, real S3), its base models are seeded models of
 * the paper's shape, its manifest and statistics those of the real AcousticBrainz samples. The unlabelled input is
 * the real low-level samples, flattened with the model run's manifest as the extractor does. Checks: the decision
 * thresholds equal {@link MediaEvalMetrics#tuneThresholds} on the model run's own TRAIN predictions (the rule of the
 * evaluator's submission); each of the four submission files passes the official checker's rules
 * ({@link SubmissionCheck}: every input MBID once, labels of the vocabulary, no header); each line's labels are
 * {@link MediaEvalMetrics#binarise} of its scores; the scores are those of {@code POST /predict}; a re-delivered
 * job is a no-op (one {@code predictions-ready}, objects unchanged).
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class PredictionRunTest {
    @Inject
    Infrastructure infra;

    @Test
    void writesFourSubmissionFilesWithTheEvaluatorsRuleExactlyOnce() throws Exception {
        StackerStageTest helper = new StackerStageTest();
        helper.infra = infra;
        String modelRun = "model-" + UUID.randomUUID();
        StackerStageTest.Synthetic synthetic = StackerStageTest.generate(modelRun, 400, 5);
        Map<String, TopicRange> activations = helper.publish(synthetic);
        helper.submit(modelRun, activations);
        StageJob evaluatorJob = helper.findEvaluatorJob(modelRun, 300_000);
        assertNotNull(evaluatorJob, "model run not stacked within 300 s");

        // the stacker stored the thresholds while stacking; delete one source's, as for a run stacked before that:
        // the prediction run must tune the same numbers again from the run's recorded stacking inputs
        var store = infra.store();
        Map<String, LabelThresholds> atStacking = new LinkedHashMap<>();
        for (String s : Sources.ALL) {
            atStacking.put(s, store.getJson(RunPaths.thresholds(modelRun, s), LabelThresholds.class));
        }
        store.delete(RunPaths.thresholds(modelRun, "discogs"));

        // the rest of what a finished run holds: manifest, statistics of real documents, base models
        List<Path> docs = samples();
        FeatureManifest manifest = FeatureManifest.forPreset("paper");
        Flattener flattener = new Flattener(manifest);
        FeatureStats stats = new FeatureStats(manifest.size());
        for (Path p : docs) {
            stats.add(flattener.flatten(Files.readAllBytes(p)));
        }
        store.putJson(RunPaths.manifest(modelRun), manifest);
        store.put(RunPaths.scalerStats(modelRun), stats.toBytes(), "application/octet-stream");
        for (int i = 0; i < Sources.ALL.size(); i++) {
            try (MlpModel base = MlpModel.create(MlpSpec.paper(manifest.size(), StackerStageTest.LABELS), 300 + i)) {
                store.put(
                        RunPaths.modelParams(modelRun, Sources.ALL.get(i), ModelKind.BASE),
                        base.saveParameters(),
                        "application/octet-stream");
            }
        }

        // the prediction run's unlabelled track-features, as the extractor publishes them
        String run = "predict-" + UUID.randomUUID();
        Map<String, byte[]> byMbid = new TreeMap<>();
        for (Path p : docs) {
            byMbid.putIfAbsent(p.getFileName().toString().substring(0, 36), Files.readAllBytes(p));
        }
        TopicRange range = publishFeatures(run, byMbid, flattener);
        StageJob job = StageJob.of(
                run,
                Topics.STAGE_STACKER,
                StageJob.PREDICT,
                RunConfig.prediction(List.of("/data/unlabelled"), modelRun),
                Map.of(StageJob.FEATURES, range),
                Map.of(StageJob.MANIFEST, RunPaths.manifest(run)));
        JobWorker.submit(infra.events(), job);
        RunEvent ready = awaitEvent(run, RunEvent.PREDICTIONS_READY, 180_000);
        assertEquals((long) byMbid.size(), ready.counts().get("tracks"));

        // thresholds: the evaluator's rule on the model run's own train predictions
        Map<String, List<float[]>> trainScores = new HashMap<>();
        Map<String, List<boolean[]>> trainTruth = new HashMap<>();
        RangeReader.read(infra.bootstrap(), evaluatorJob.predictions(), rec -> {
            TrackPredictions p = Json.read(rec.value(), TrackPredictions.class);
            if (p.runId().equals(modelRun) && p.split() == Split.TRAIN) {
                trainScores.computeIfAbsent(p.source(), s -> new ArrayList<>()).add(p.stackedScores());
                boolean[] t = new boolean[StackerStageTest.LABELS];
                p.labels().forEach(l -> t[l] = true);
                trainTruth.computeIfAbsent(p.source(), s -> new ArrayList<>()).add(t);
            }
        });
        Map<String, float[]> thresholds = new LinkedHashMap<>();
        for (String s : Sources.ALL) {
            float[] expected = MediaEvalMetrics.tuneThresholds(
                    trainScores.get(s).toArray(new float[0][]),
                    trainTruth.get(s).toArray(new boolean[0][]));
            LabelThresholds stored = store.getJson(RunPaths.thresholds(modelRun, s), LabelThresholds.class);
            assertArrayEquals(expected, stored.values(), s + " thresholds = the evaluator's rule on train");
            assertEquals(atStacking.get(s), stored, s + ": tuned again = stored at stacking");
            assertEquals(trainScores.get(s).size(), stored.trainTracks());
            thresholds.put(s, stored.values());
        }

        // the four submission files and their scores
        Map<String, byte[]> written = new TreeMap<>();
        for (String s : Sources.ALL) {
            List<String> vocab = vocabulary(s);
            String tsv = new String(store.get(RunPaths.submission(run, s)), StandardCharsets.UTF_8);
            assertEquals(RunPaths.submission(run, s), ready.objects().get("submission." + s));
            assertNull(SubmissionCheck.check(tsv, vocab, byMbid.keySet()), s + " submission:\n" + tsv);
            // negative controls: the checker catches what check.R stops at
            String firstLine = tsv.substring(0, tsv.indexOf('\n') + 1);
            String mbid0 = firstLine.substring(0, firstLine.indexOf('\t'));
            assertTrue(SubmissionCheck.check(tsv.replaceFirst("\t[^\n]*\n", "\n"), vocab, byMbid.keySet())
                    .startsWith("malformed line 1"));
            assertTrue(SubmissionCheck.check(mbid0 + "\tjazz\n", vocab, Set.of(mbid0))
                    .startsWith("unknown labels in line 1"));
            assertTrue(SubmissionCheck.check(tsv + firstLine, vocab, byMbid.keySet())
                    .startsWith("duplicate RecordID"));
            assertTrue(SubmissionCheck.check(tsv.substring(firstLine.length()), vocab, byMbid.keySet())
                    .startsWith("missing RecordID '" + mbid0));
            assertTrue(
                    SubmissionCheck.check(
                                    "recordingmbid\t" + String.join("\t", vocab) + "\n" + tsv, vocab, byMbid.keySet())
                            .startsWith("unknown RecordID 'recordingmbid'"),
                    "a header is refused");
            Map<String, List<String>> lines = SubmissionCheck.parse(tsv);
            assertEquals(new ArrayList<>(byMbid.keySet()), new ArrayList<>(lines.keySet()), "MBID order");

            String jsonl = new String(store.get(RunPaths.predictionScores(run, s)), StandardCharsets.UTF_8);
            List<String> rows = jsonl.lines().toList();
            assertEquals(byMbid.size(), rows.size());
            float[][] scores = new float[rows.size()][];
            for (int i = 0; i < rows.size(); i++) {
                PredictionWriter.ScoreLine line = Json.read(rows.get(i).getBytes(), PredictionWriter.ScoreLine.class);
                assertEquals(new ArrayList<>(byMbid.keySet()).get(i), line.mbid());
                scores[i] = new float[line.scores().size()];
                for (int l = 0; l < scores[i].length; l++) {
                    scores[i][l] = line.scores().get(l);
                }
                assertEquals(lines.get(line.mbid()), line.labels());
            }
            boolean[][] decided = MediaEvalMetrics.binarise(scores, thresholds.get(s));
            int i = 0;
            for (Map.Entry<String, List<String>> e : lines.entrySet()) {
                List<String> expected = new ArrayList<>();
                for (int l = 0; l < vocab.size(); l++) {
                    if (decided[i][l]) {
                        expected.add(vocab.get(l));
                    }
                }
                assertEquals(expected, e.getValue(), s + " labels of " + e.getKey());
                i++;
            }

            // the scores are what POST /predict answers for the same document (its top labels)
            String first = byMbid.keySet().iterator().next();
            JsonPath answer = given().auth()
                    .oauth2(TestTokens.token(Roles.READER))
                    .contentType("application/json")
                    .body(byMbid.get(first))
                    .queryParam("run", modelRun)
                    .when()
                    .post("/predict")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            List<Map<String, Object>> top = answer.getList("taxonomies." + s);
            for (Map<String, Object> scored : top) {
                int l = vocab.indexOf((String) scored.get("label"));
                assertEquals(((Number) scored.get("score")).floatValue(), scores[0][l], 1e-5, s + " " + scored);
            }
            written.put(RunPaths.submission(run, s), store.get(RunPaths.submission(run, s)));
        }
        assertTrue(store.exists(RunPaths.predictionSummary(run)));

        // a re-delivered job is a no-op: processed before the next run's job (one job partition), no second event
        JobWorker.submit(infra.events(), job);
        String next = "predict-" + UUID.randomUUID();
        Map<String, byte[]> one = Map.of(
                byMbid.keySet().iterator().next(), byMbid.values().iterator().next());
        JobWorker.submit(
                infra.events(),
                StageJob.of(
                        next,
                        Topics.STAGE_STACKER,
                        StageJob.PREDICT,
                        RunConfig.prediction(List.of("/data/one"), modelRun),
                        Map.of(StageJob.FEATURES, publishFeatures(next, new TreeMap<>(one), flattener)),
                        Map.of()));
        awaitEvent(next, RunEvent.PREDICTIONS_READY, 120_000);
        List<RunEvent> events = TopicScan.runEvents(infra.bootstrap(), run);
        assertEquals(
                1,
                events.stream()
                        .filter(e -> e.type().equals(RunEvent.PREDICTIONS_READY))
                        .count());
        for (var e : written.entrySet()) {
            assertArrayEquals(e.getValue(), store.get(e.getKey()), "unchanged: " + e.getKey());
        }
    }

    static List<String> vocabulary(String source) {
        List<String> vocab = new ArrayList<>();
        for (int k = 0; k < StackerStageTest.LABELS; k++) {
            vocab.add(source + "-genre-" + k);
        }
        return vocab;
    }

    static List<Path> samples() throws Exception {
        try (Stream<Path> files = Files.list(PredictResourceTest.lowlevel())) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** Publishes unlabelled records as the extractor does (split null, no labels); returns their range. */
    TopicRange publishFeatures(String run, Map<String, byte[]> docs, Flattener flattener) {
        try (ExactlyOnceWriter w =
                ExactlyOnceWriter.open(infra.bootstrap(), run, Topics.STAGE_EXTRACTOR, StageJob.ALL, "publish")) {
            for (var e : docs.entrySet()) {
                TrackFeatures t = new TrackFeatures(
                        run, e.getKey(), null, null, e.getKey() + ".json", Map.of(), flattener.flatten(e.getValue()));
                w.send(Topics.TRACK_FEATURES, t.mbid(), Json.bytes(t));
            }
            w.finish(ProgressMark.items((long) docs.size()));
            return w.outputRange(Topics.TRACK_FEATURES);
        }
    }

    RunEvent awaitEvent(String run, String type, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            for (RunEvent e : TopicScan.runEvents(infra.bootstrap(), run)) {
                if (e.type().equals(type)) {
                    return e;
                }
                if (e.type().equals(RunEvent.STAGE_FAILED)) {
                    throw new AssertionError("stage failed: " + e.message());
                }
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("no " + type + " for " + run + " within " + millis + " ms");
    }
}
