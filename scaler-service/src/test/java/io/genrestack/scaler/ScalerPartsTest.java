package io.genrestack.scaler;

import io.genrestack.common.Topics;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.kafka.JobRouting;
import io.genrestack.common.kafka.JobWorker;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.kafka.TopicAdmin;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.InfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partition-parallel scaling against the real broker and object storage, with two scaler instances: the service's own
 * job worker and a second {@link JobWorker} of the same consumer group in this test (its own consumer and thread).
 * One run is scaled whole by one instance, a copy of it in two parts ({@code genrestack.scaler.parts=2}) by both:
 * {@code stats.bin} is byte for byte the same, the standardised records are the same in the same order on every
 * partition, and the trainer job is handed over exactly once with the same record count. The test profile's fault
 * injection fails the first attempt of every standardisation pass, so every part also restarts mid-pass.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class ScalerPartsTest {
    static final int COLS = 40;
    static final int TRACKS = 900;

    @Inject
    Infrastructure infra;

    @Inject
    ScalerStage stage;

    TopicRange publish(String run) {
        Random r = new Random(5);
        try (ExactlyOnceWriter w = ExactlyOnceWriter.open(infra.bootstrap(), run, "extractor", "all", "publish")) {
            for (int i = 0; i < TRACKS; i++) {
                float[] v = new float[COLS];
                for (int j = 0; j < COLS; j++) {
                    v[j] = (i + j) % 23 == 0 ? Float.NaN : (float) (r.nextGaussian() * (j + 1) + j);
                }
                v[3] = 2f; // zero variance
                String mbid = new UUID(53, i).toString();
                Split split = i % 5 == 0 ? Split.VALIDATION : Split.TRAIN;
                w.send(
                        Topics.TRACK_FEATURES,
                        mbid,
                        Json.bytes(new TrackFeatures(
                                run, mbid, split, "rg-" + i / 3, "x", Map.of("lastfm", List.of(i % 3)), v)));
            }
            w.finish(ProgressMark.items((long) TRACKS));
            return w.outputRange(Topics.TRACK_FEATURES);
        }
    }

    StageJob job(String run, TopicRange range) {
        return StageJob.of(
                run,
                Topics.STAGE_SCALER,
                StageJob.ALL,
                RunConfig.defaults(List.of(), List.of()),
                Map.of(StageJob.FEATURES, range),
                Map.of(StageJob.labelsName("lastfm"), RunPaths.labels(run, "lastfm")));
    }

    @Test
    void twoInstancesInTwoPartsWriteWhatOneInstanceWrites() throws Exception {
        assertEquals(
                JobRouting.partitions(Topics.STAGE_SCALER),
                TopicAdmin.partitions(infra.bootstrap(), Topics.jobs(Topics.STAGE_SCALER)),
                "scaler-jobs grown at start-up");
        Set<String> second = ConcurrentHashMap.newKeySet();
        try (JobWorker other = new JobWorker(
                        infra.bootstrap(),
                        Topics.STAGE_SCALER,
                        j -> {
                            second.add(j.runId() + "/" + j.unit());
                            stage.handle(j);
                        },
                        5,
                        infra.events())
                .start()) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!other.isConnected() && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(other.isConnected(), "second instance joined the group");
            Thread.sleep(3000); // let the group settle: both members hold job partitions

            String whole = "whole-" + UUID.randomUUID().toString().substring(0, 8);
            String parted = "parts-" + UUID.randomUUID().toString().substring(0, 8);
            TopicRange wholeInput = publish(whole);
            TopicRange partedInput = publish(parted);
            assertTrue(wholeInput.partitions().size() > 1, "the run spans " + wholeInput.partitions());

            handleRetrying(job(whole, wholeInput), 1);
            handleRetrying(job(parted, partedInput), 2); // fans out: the rest runs on the two job workers

            StageJob a = awaitTrainerJob(whole);
            StageJob b = awaitTrainerJob(parted);
            assertArrayEquals(
                    infra.store().get(RunPaths.scalerStats(whole)),
                    infra.store().get(RunPaths.scalerStats(parted)),
                    "stats.bin");
            assertEquals(TRACKS, a.features().expectedRecords());
            assertEquals(a.features().expectedRecords(), b.features().expectedRecords());
            assertEquals(
                    a.features().partitions().keySet(),
                    b.features().partitions().keySet());
            Map<Integer, List<String>> ra = records(a);
            Map<Integer, List<String>> rb = records(b);
            assertEquals(TRACKS, ra.values().stream().mapToInt(List::size).sum());
            for (int p : ra.keySet()) {
                List<String> x = ra.get(p);
                List<String> y = rb.getOrDefault(p, List.of());
                assertEquals(
                        x.size(), y.size(), "records on partition " + p + ": " + a.features() + " vs " + b.features());
                for (int i = 0; i < x.size(); i++) {
                    assertEquals(x.get(i), y.get(i), "partition " + p + ", record " + i);
                }
            }
            assertEquals(ra, rb, "standardised records per partition, in order");
            assertEquals(RunPaths.scalerStats(parted), b.stats());

            Thread.sleep(2000); // a second hand-over, if there were one, would be on the topic by now
            assertEquals(1, trainerJobs(parted).size(), "trainer job handed over once");
            assertEquals(1, trainerJobs(whole).size());
            assertTrue(
                    second.stream().anyMatch(u -> u.startsWith(parted + "/")),
                    "the second instance took part: " + second);
        }
    }

    /** Runs a job on this thread as the job worker would: again after a failed attempt (the injected fault). */
    void handleRetrying(StageJob job, int parts) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                stage.handle(job, parts);
                return;
            } catch (IllegalStateException e) {
                if (attempt >= 3 || !String.valueOf(e.getMessage()).contains("injected fault")) {
                    throw e;
                }
            }
        }
    }

    Map<Integer, List<String>> records(StageJob trainerJob) throws Exception {
        Map<Integer, List<String>> out = new TreeMap<>();
        String run = "\"" + trainerJob.runId() + "\"";
        // the run's records, as the trainer reads them: another run scaled at the same time may interleave its own
        RangeReader.read(infra.bootstrap(), trainerJob.features(), r -> {
            String json = new String(r.value(), StandardCharsets.UTF_8);
            if (json.contains(run)) {
                out.computeIfAbsent(r.partition(), p -> new ArrayList<>())
                        .add(r.key() + " " + json.replace(run, "\"RUN\""));
            }
        });
        return out;
    }

    List<StageJob> trainerJobs(String run) throws Exception {
        return TopicScan.readAll(infra.bootstrap(), Topics.jobs(Topics.STAGE_TRAINER), StageJob.class).stream()
                .filter(j -> j.runId().equals(run))
                .toList();
    }

    StageJob awaitTrainerJob(String run) throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            List<StageJob> jobs = trainerJobs(run);
            if (!jobs.isEmpty()) {
                return jobs.get(0);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no trainer job for " + run + " within 180 s");
    }
}
