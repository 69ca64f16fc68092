package io.genrestack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.cli.synth.Shape;
import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.RunEvent;
import io.genrestack.testkit.LocalInfra;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two runs submitted together on four trainer instances (real processes, the real local Kafka and S3, real DJL):
 * both end with the same metrics and predictions as the same run alone, each run's four base models are trained by
 * four different trainers (trainer-jobs is laid out source-major, JobRouting), and the runs were in flight at once.
 */
class ConcurrentRunsTest {
    static final int TRACKS = 600;
    static final long SEED = 11;
    static final int TRAINERS = 4;

    @Test
    void twoRunsTogetherOnFourTrainersEndAsTheRunAlone(@TempDir Path work) throws Exception {
        LocalInfra.Endpoints infra = LocalInfra.ensureStarted();
        String bootstrap = infra.kafkaBootstrap();
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String alone = "alone-" + tag;
        String first = "together-a-" + tag;
        String second = "together-b-" + tag;
        LocalRun.Options opts = new LocalRun.Options(
                TRACKS, SEED, List.of(), List.of(), 4, 4, work, 30, false, false, null, 400, Shape.SYNTHETIC);
        LocalRun run = new LocalRun(
                opts,
                LocalRun.repoRoot(),
                Map.of(
                        "GENRESTACK_KAFKA_BOOTSTRAP", bootstrap,
                        "GENRESTACK_S3_ENDPOINT", infra.s3Endpoint(),
                        "GENRESTACK_S3_ACCESS_KEY", infra.s3AccessKey(),
                        "GENRESTACK_S3_SECRET_KEY", infra.s3SecretKey()));
        ReliabilityDrillTest.Figures fig = new ReliabilityDrillTest.Figures();
        JsonNode aloneReport;
        JsonNode firstReport;
        JsonNode secondReport;
        try {
            Path synth = run.syntheticData();
            List<String> inputs = List.of(synth.resolve("lowlevel").toString());
            List<String> gt = List.of(synth.resolve("groundtruth").toString());
            run.startServices();
            List<String> replicas = new java.util.ArrayList<>();
            for (int n = 2; n <= TRAINERS; n++) {
                replicas.add("trainer-" + n);
                run.startService("trainer-" + n);
            }
            run.awaitReady(replicas, 240);

            long off = run.submit(alone, inputs, gt);
            run.follow(alone, off, e -> {});
            aloneReport = run.report(alone);

            long offFirst = run.submit(first, inputs, gt);
            long offSecond = run.submit(second, inputs, gt);
            run.follow(first, offFirst, e -> {});
            run.follow(second, offSecond, e -> {});
            firstReport = run.report(first);
            secondReport = run.report(second);
        } finally {
            run.stopAll();
        }
        sameMetrics(aloneReport, firstReport, first);
        sameMetrics(aloneReport, secondReport, second);
        ReliabilityDrillTest.comparePredictions(bootstrap, alone, first, fig);
        ReliabilityDrillTest.comparePredictions(bootstrap, alone, second, fig);

        Map<String, Instant> finished = new TreeMap<>();
        Map<String, Instant> started = new TreeMap<>();
        for (String r : List.of(first, second)) {
            List<RunEvent> events = TopicScan.runEvents(bootstrap, r);
            Map<String, String> trainerOf = new TreeMap<>();
            for (RunEvent e : events) {
                if (RunEvent.BASE_MODEL_FINISHED.equals(e.type()) && Topics.STAGE_TRAINER.equals(e.stage())) {
                    trainerOf.put(e.unit(), e.instance());
                }
            }
            assertEquals(Set.copyOf(Sources.ALL), trainerOf.keySet(), r + ": a base model per source");
            assertEquals(
                    TRAINERS,
                    new HashSet<>(trainerOf.values()).size(),
                    r + ": the four sources trained on four trainers " + trainerOf);
            fig.add("%s: base models trained by %s", r, trainerOf);
            started.put(r, events.get(0).time());
            finished.put(
                    r,
                    events.stream()
                            .filter(e -> RunEvent.REPORT_READY.equals(e.type()))
                            .findFirst()
                            .orElseThrow()
                            .time());
        }
        assertTrue(
                started.get(second).isBefore(finished.get(first)),
                "the runs overlapped: " + second + " started " + started.get(second) + ", " + first + " finished "
                        + finished.get(first));
        System.out.println(fig.text());
    }

    /** Every source's base and stacked macro ROC-AUC equal the run alone's (a few epochs: quality is not the point). */
    static void sameMetrics(JsonNode alone, JsonNode together, String run) {
        for (String s : Sources.ALL) {
            for (String model : List.of("base", "stacked")) {
                JsonNode a = alone.path("sources").path(s).path(model).path("macroAuc");
                JsonNode b = together.path("sources").path(s).path(model).path("macroAuc");
                assertTrue(a.isNumber() && b.isNumber(), run + " " + s + " " + model + ": " + a + " / " + b);
                assertEquals(a.asDouble(), b.asDouble(), 1e-9, run + " " + s + " " + model + " macro AUC");
            }
        }
    }
}
