package io.genrestack.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.kafka.JobRouting;
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
import io.genrestack.common.model.TrackActivations;
import io.genrestack.common.model.TrainParams;
import io.genrestack.common.serde.Json;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer service with real DJL training against the real broker and object storage: two sources, learnable
 * synthetic standardised vectors; each base model learns (validation AUC well above chance), stores params and
 * provenance, and publishes the activations of EVERY track of the run exactly once, then the stacker's job.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class TrainerStageTest {
    static final int DIM = 60;
    static final int N = 900;

    @Inject
    Infrastructure infra;

    @Test
    void baseModelsLearnAndPublishActivationsOfEveryTrack() throws Exception {
        String run = "trainer-" + UUID.randomUUID().toString().substring(0, 8);
        Random r = new Random(5);
        float[][] w = new float[4][DIM];
        for (float[] row : w) {
            for (int j = 0; j < DIM; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        TopicRange range;
        try (ExactlyOnceWriter out = ExactlyOnceWriter.open(infra.bootstrap(), run, "scaler", "all", "standardise")) {
            for (int i = 0; i < N; i++) {
                float[] x = new float[DIM];
                for (int j = 0; j < DIM; j++) {
                    x[j] = (float) r.nextGaussian();
                }
                List<Integer> a = new ArrayList<>();
                for (int k = 0; k < 4; k++) {
                    double z = 0;
                    for (int j = 0; j < DIM; j++) {
                        z += w[k][j] * x[j];
                    }
                    if (z > 0.5) {
                        a.add(k);
                    }
                }
                Map<String, List<Integer>> labels = new HashMap<>();
                if (i % 3 != 0) {
                    labels.put("lastfm", a);
                }
                labels.put("tagtraum", a.isEmpty() ? List.of(0) : List.of(a.get(0)));
                Split split = i % 5 == 0 ? Split.VALIDATION : Split.TRAIN;
                String mbid = new UUID(9, i).toString();
                out.send(Topics.SCALED_FEATURES, mbid, Json.bytes(new ScaledFeatures(run, mbid, split, labels, x)));
            }
            out.finish(ProgressMark.items((long) N));
            range = out.outputRange(Topics.SCALED_FEATURES);
        }
        for (String s : List.of("lastfm", "tagtraum")) {
            infra.store().putJson(RunPaths.labels(run, s), Map.of("source", s, "labels", List.of("a", "b", "c", "d")));
        }
        TrainParams p = new TrainParams(256, 0.5, 1e-3, 32, 12, 4);
        RunConfig cfg = new RunConfig(List.of(), List.of(), false, "paper", List.of(), 0.8, 7, p, p);
        Map<String, String> objects = Map.of(
                StageJob.labelsName("lastfm"),
                RunPaths.labels(run, "lastfm"),
                StageJob.labelsName("tagtraum"),
                RunPaths.labels(run, "tagtraum"));
        for (String s : List.of("lastfm", "tagtraum")) {
            JobWorker.submit(
                    infra.events(),
                    StageJob.of(run, Topics.STAGE_TRAINER, s, cfg, Map.of(StageJob.FEATURES, range), objects));
        }
        Map<String, StageJob> stackerJobs = awaitStackerJobs(run, 2);
        for (String s : List.of("lastfm", "tagtraum")) {
            StageJob j = stackerJobs.get(s);
            TopicRange acts = j.activations();
            assertEquals(N, acts.expectedRecords(), "activations of every track of the run, tagged or not");
            Map<String, TrackActivations> seen = new HashMap<>();
            RangeReader.read(infra.bootstrap(), acts, rec -> {
                TrackActivations t = Json.read(rec.value(), TrackActivations.class);
                if (t.runId().equals(run)) {
                    assertEquals(null, seen.put(t.mbid(), t), "duplicate activation");
                }
            });
            assertEquals(N, seen.size());
            for (TrackActivations t : seen.values()) {
                assertEquals(s, t.source());
                assertEquals(256, t.hidden().length);
                assertEquals(4, t.scores().length);
                for (float v : t.hidden()) {
                    assertTrue(v >= 0f, "ReLU output");
                }
            }
            JsonNode prov = Json.MAPPER.readTree(infra.store().get(RunPaths.provenance(run, s, "base")));
            assertEquals(
                    (long) DIM * 256 + 256 + 256 * 4 + 4,
                    prov.get("parameterCount").asLong());
            double auc = prov.get("bestValidationMacroAuc").asDouble();
            assertTrue(auc > 0.75, s + " validation macro AUC " + auc);
            assertTrue(prov.get("history").size() >= 1);
            // the epoch-finished events carry the epochs' numbers as typed metrics, as the provenance records them
            List<RunEvent> epochs = TopicScan.runEvents(infra.bootstrap(), run).stream()
                    .filter(e ->
                            e.type().equals(RunEvent.EPOCH_FINISHED) && e.unit().equals(s))
                    .toList();
            JsonNode history = prov.get("history");
            assertEquals(history.size(), epochs.size(), "one epoch-finished event per epoch of " + s);
            for (int i = 0; i < epochs.size(); i++) {
                RunEvent e = epochs.get(i);
                JsonNode h = history.get(i);
                assertEquals(h.get("epoch").asLong(), e.counts().get(RunEvent.EPOCH));
                assertEquals((long) p.maxEpochs(), e.counts().get(RunEvent.EPOCHS));
                assertEquals(h.get("trainLoss").asDouble(), e.metrics().get(RunEvent.TRAIN_LOSS), 0, "train loss");
                assertEquals(h.get("validationLoss").asDouble(), e.metrics().get(RunEvent.VAL_LOSS), 0, "val loss");
                assertEquals(
                        h.get("validationMacroAuc").asDouble(),
                        e.metrics().get(RunEvent.VAL_MACRO_AUC),
                        0,
                        "validation macro AUC");
            }
            int expectedTrain = 0;
            for (int i = 0; i < N; i++) {
                boolean inSource = s.equals("tagtraum") || i % 3 != 0;
                if (inSource && i % 5 != 0) {
                    expectedTrain++;
                }
            }
            assertEquals(expectedTrain, prov.get("trainTracks").asInt());
            assertTrue(infra.store().exists(RunPaths.modelParams(run, s, "base")));
            assertTrue(!infra.store().list(RunPaths.checkpoints(run, s, "base")).isEmpty(), "epoch checkpoints");
        }
    }

    Map<String, StageJob> awaitStackerJobs(String run, int n) throws Exception {
        Map<String, StageJob> jobs = new HashMap<>();
        long deadline = System.currentTimeMillis() + 600_000;
        try (var c = KafkaClients.reader(infra.bootstrap(), "trainer-test")) {
            // every partition: a job that went elsewhere than the run's home slot fails below, not by a timeout
            List<TopicPartition> tps = c.partitionsFor(Topics.jobs(Topics.STAGE_STACKER)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            while (jobs.size() < n && System.currentTimeMillis() < deadline) {
                for (var rec : c.poll(Duration.ofMillis(500))) {
                    StageJob j = Json.read(rec.value(), StageJob.class);
                    if (j.runId().equals(run)) {
                        // the four sources' stacker jobs meet on one partition (the last one stacks)
                        assertEquals(JobRouting.homePartition(j), rec.partition(), "stacker job of " + j.unit());
                        jobs.put(j.unit(), j);
                    }
                }
            }
        }
        assertEquals(n, jobs.size(), "stacker jobs " + jobs.keySet());
        return jobs;
    }
}
