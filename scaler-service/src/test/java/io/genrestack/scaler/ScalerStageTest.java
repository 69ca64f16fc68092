package io.genrestack.scaler;

import io.genrestack.common.Topics;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.kafka.JobWorker;
import io.genrestack.common.kafka.KafkaClients;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.ScaledFeatures;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.serde.Json;
import io.genrestack.common.stats.FeatureStats;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.InfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scaler service against the real broker and object storage. The test configuration injects a fault into the
 * first attempt of every standardisation pass (genrestack.scaler.fail-after-records), so every run here is also a
 * restart-mid-run: the job is retried, resumes from its last committed chunk, and must still produce exactly one
 * standardised record per input record.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ScalerStageTest {
    static final int COLS = 30;

    @Inject
    Infrastructure infra;

    record Published(String runId, List<TrackFeatures> tracks, TopicRange range) {}

    /** Writes a run's track-features the way the extractor does (exactly-once, one range). */
    Published publish(String runId, int n, long seed, float validationOffset) throws Exception {
        Random r = new Random(seed);
        List<TrackFeatures> tracks = new ArrayList<>();
        try (ExactlyOnceWriter w = ExactlyOnceWriter.open(infra.bootstrap(), runId, "extractor", "all", "publish")) {
            for (int i = 0; i < n; i++) {
                Split split = i % 5 == 0 ? Split.VALIDATION : Split.TRAIN;
                float[] v = new float[COLS];
                for (int j = 0; j < COLS; j++) {
                    v[j] = (float) (j * 100 + r.nextGaussian() * (j + 1));
                }
                v[0] = 1f; // constant: zero variance
                if (i % 9 == 0) {
                    v[2] = Float.NaN; // missing
                }
                if (split == Split.VALIDATION) {
                    for (int j = 1; j < COLS; j++) {
                        v[j] += validationOffset;
                    }
                }
                String mbid = new UUID(seed, i).toString();
                TrackFeatures t = new TrackFeatures(
                        runId, mbid, split, "rg-" + i / 3, "synthetic", Map.of("lastfm", List.of(i % 4)), v);
                tracks.add(t);
                w.send(Topics.TRACK_FEATURES, mbid, Json.bytes(t));
            }
            w.finish(ProgressMark.items((long) n));
            return new Published(runId, tracks, w.outputRange(Topics.TRACK_FEATURES));
        }
    }

    StageJob submit(Published p) {
        StageJob job = StageJob.of(
                p.runId(),
                Topics.STAGE_SCALER,
                StageJob.ALL,
                RunConfig.defaults(List.of(), List.of()),
                Map.of(StageJob.FEATURES, p.range()),
                Map.of(StageJob.labelsName("lastfm"), RunPaths.labels(p.runId(), "lastfm")));
        JobWorker.submit(infra.events(), job);
        return job;
    }

    /** Waits for the trainer job the scaler emits at the end of a run. */
    StageJob awaitTrainerJob(String runId) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        try (var c = KafkaClients.reader(infra.bootstrap(), "scaler-test")) {
            List<TopicPartition> parts = new ArrayList<>();
            for (var pi : c.partitionsFor(Topics.jobs(Topics.STAGE_TRAINER))) {
                parts.add(new TopicPartition(pi.topic(), pi.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            while (System.currentTimeMillis() < deadline) {
                for (var rec : c.poll(Duration.ofMillis(500))) {
                    StageJob j = Json.read(rec.value(), StageJob.class);
                    if (j.runId().equals(runId)) {
                        return j;
                    }
                }
            }
        }
        throw new AssertionError("no trainer job for " + runId + " within 120 s");
    }

    List<RunEvent> events(String runId) throws Exception {
        return TopicScan.runEvents(infra.bootstrap(), runId);
    }

    @Test
    void trainOnlyStatisticsImputationZeroVarianceAndExactlyOnceAfterACrash() throws Exception {
        String runId = "scaler-" + UUID.randomUUID();
        Published p = publish(runId, 700, 1, 0f);
        submit(p);
        StageJob trainerJob = awaitTrainerJob(runId);
        assertEquals("lastfm", trainerJob.unit());
        assertEquals(RunPaths.scalerStats(runId), trainerJob.stats());

        // statistics: double two-pass reference over TRAIN rows only
        FeatureStats stats = FeatureStats.fromBytes(infra.store().get(RunPaths.scalerStats(runId)));
        List<float[]> train = p.tracks().stream()
                .filter(t -> t.split() == Split.TRAIN)
                .map(TrackFeatures::features)
                .toList();
        assertEquals(train.size(), stats.vectors());
        for (int j = 0; j < COLS; j++) {
            double sum = 0;
            long n = 0;
            for (float[] v : train) {
                if (!Float.isNaN(v[j])) {
                    sum += v[j];
                    n++;
                }
            }
            double mean = sum / n;
            double m2 = 0;
            for (float[] v : train) {
                if (!Float.isNaN(v[j])) {
                    m2 += (v[j] - mean) * (v[j] - mean);
                }
            }
            double std = Math.sqrt(m2 / n);
            assertEquals(mean, stats.mean(j), 1e-9 * Math.max(1, Math.abs(mean)), "mean " + j);
            assertEquals(std, stats.std(j), 1e-9 * Math.max(1e-12, std), "std " + j);
            assertEquals(n, stats.count(j));
        }
        assertTrue(stats.missing(2) > 0);
        String summary = new String(infra.store().get(RunPaths.scalerSummary(runId)));
        assertTrue(summary.contains("zero-variance features: 1"), summary);

        // exactly one standardised record per input record, despite the injected crash
        Map<String, ScaledFeatures> out = new HashMap<>();
        List<String> dups = new ArrayList<>();
        TopicRange scaled = trainerJob.features();
        assertEquals(700, scaled.expectedRecords());
        RangeReader.read(infra.bootstrap(), scaled, rec -> {
            ScaledFeatures s = Json.read(rec.value(), ScaledFeatures.class);
            if (s.runId().equals(runId) && out.put(s.mbid(), s) != null) {
                dups.add(s.mbid());
            }
        });
        assertEquals(List.of(), dups);
        assertEquals(700, out.size());
        for (TrackFeatures t : p.tracks()) {
            ScaledFeatures s = out.get(t.mbid());
            assertEquals(t.split(), s.split());
            assertEquals(t.labels(), s.labels());
            assertEquals(0f, s.features()[0], "zero-variance feature → 0");
            if (Float.isNaN(t.features()[2])) {
                assertEquals(0f, s.features()[2], "missing → train mean → 0");
            }
            int j = 5;
            assertEquals((t.features()[j] - stats.mean(j)) / stats.std(j), s.features()[j], 1e-4);
        }
        List<RunEvent> ev = events(runId);
        long starts =
                ev.stream().filter(e -> e.type().equals(RunEvent.STAGE_STARTED)).count();
        assertEquals(2, starts, "first attempt crashed (injected), second resumed: " + ev);
        RunEvent done = ev.stream()
                .filter(e -> e.type().equals(RunEvent.SCALING_FINISHED))
                .findFirst()
                .orElseThrow();
        assertEquals(560L, done.counts().get("train"));
        assertEquals(140L, done.counts().get("validation"));

        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void changingOnlyValidationValuesLeavesTheStatisticsUnchanged() throws Exception {
        Published a = publish("scaler-a-" + UUID.randomUUID(), 300, 42, 0f);
        Published b = publish("scaler-b-" + UUID.randomUUID(), 300, 42, 5000f);
        submit(a);
        submit(b);
        awaitTrainerJob(a.runId());
        awaitTrainerJob(b.runId());
        byte[] sa = infra.store().get(RunPaths.scalerStats(a.runId()));
        byte[] sb = infra.store().get(RunPaths.scalerStats(b.runId()));
        assertArrayEquals(sa, sb, "validation data must not leak into the statistics");
    }
}
