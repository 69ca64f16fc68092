package io.genrestack.stacker;

import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.KafkaClients;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.Instances;
import io.genrestack.common.model.ModelKind;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TrackPredictions;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.InfraTestResource;
import io.genrestack.testkit.LocalInfra;
import io.genrestack.testkit.ProbeProcesses;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A run's four stacked models on two stacker instances at once, against the real broker, object storage and DJL:
 * this test's service (its job worker) and a second instance in its own JVM ({@link StackerInstanceProbe}: the same
 * {@link StackerStage} behind a {@link io.genrestack.common.kafka.JobWorker} of the group, another instance id). The
 * {@link StackerStageTest} data is stacked first by the service alone, then, as another run, by both: the model jobs
 * ({@code model-<source>}) spread over {@code stacker-jobs} so that each instance trains two of the models (their
 * provenance names two instances), one publish job publishes, and the predictions (same records, same base and
 * stacked scores, bit for bit) and the stacked models' parameters equal the single instance's. The evaluator job is
 * handed over once per run, and each model is trained once.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class StackerInstancesTest {
    static final int TRACKS = 300;
    static final long SEED = 21;

    @Inject
    Infrastructure infra;

    @Test
    void twoInstancesShareARunsModelsAndPublishWhatOneInstancePublishes() throws Exception {
        StackerStageTest helper = new StackerStageTest();
        helper.infra = infra;
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String alone = "stack-one-" + tag;
        String shared = "stack-two-" + tag;

        // one instance: only this test's service is in the group
        helper.submit(alone, helper.publish(StackerStageTest.generate(alone, TRACKS, SEED)));
        StageJob aloneJob = helper.findEvaluatorJob(alone, 300_000);
        assertNotNull(aloneJob, "run " + alone + " not stacked within 300 s");
        for (String s : Sources.ALL) {
            assertEquals(Instances.id(), provenance(alone, s).instance(), "one instance trains every model");
        }

        Path log = Path.of("target", "stacker-instance-" + tag + ".log");
        String other = "stacker-probe-" + tag;
        Process probe = startProbe(other, log);
        try {
            ProbeProcesses.awaitLine(probe, log, "stacker-instance ready");
            ProbeProcesses.awaitMembers(
                    KafkaClients.base(infra.bootstrap(), "stacker-instances-test"),
                    "genrestack-" + Topics.STAGE_STACKER,
                    2);

            helper.submit(shared, helper.publish(StackerStageTest.generate(shared, TRACKS, SEED)));
            StageJob sharedJob = helper.findEvaluatorJob(shared, 300_000);
            assertNotNull(
                    sharedJob,
                    "run " + shared + " not stacked within 300 s; second instance:\n" + ProbeProcesses.tail(log));

            Map<String, String> trainedBy = new TreeMap<>();
            for (String s : Sources.ALL) {
                StackedProvenance prov = provenance(shared, s);
                trainedBy.put(s, prov.instance());
                StackedModelDone done = infra.store()
                        .getJson(RunPaths.stageState(shared, "stacker", s, StackerStage.MODEL), StackedModelDone.class);
                assertEquals(prov.instance(), done.instance(), "the model job that trained " + s + " recorded it");
                assertArrayEquals(
                        infra.store().get(RunPaths.modelParams(alone, s, ModelKind.STACKED)),
                        infra.store().get(RunPaths.modelParams(shared, s, ModelKind.STACKED)),
                        s + ": the same parameters on either instance");
            }
            System.out.println("stacked models of " + shared + " trained by " + trainedBy);
            assertEquals(
                    Set.of(Instances.id(), other),
                    new TreeSet<>(trainedBy.values()),
                    "each instance trained some of the run's models: " + trainedBy);

            Map<String, String> one = predictions(aloneJob);
            Map<String, String> two = predictions(sharedJob);
            assertEquals(aloneJob.predictions().expectedRecords(), one.size());
            assertEquals(sharedJob.predictions().expectedRecords(), two.size());
            assertEquals(one.keySet(), two.keySet(), "the same (source, track) predictions");
            for (String k : one.keySet()) {
                assertEquals(one.get(k), two.get(k), k);
            }

            Thread.sleep(3000); // a second hand-over, if there were one, would be on the topic by now
            for (String run : List.of(alone, shared)) {
                assertEquals(1, evaluatorJobs(run), run + ": evaluator job handed over once");
                List<RunEvent> ev = TopicScan.runEvents(infra.bootstrap(), run);
                for (String s : Sources.ALL) {
                    assertEquals(
                            1,
                            ev.stream()
                                    .filter(e -> e.type().equals(RunEvent.STACKED_MODEL_FINISHED)
                                            && e.unit().equals(s))
                                    .count(),
                            run + ": " + s + " trained once");
                }
                assertEquals(
                        1,
                        ev.stream()
                                .filter(e -> e.type().equals(RunEvent.PREDICTIONS_FINISHED))
                                .count(),
                        run + ": published once");
            }
        } finally {
            probe.getOutputStream().close(); // the probe stops when its standard input closes
            if (!probe.waitFor(30, TimeUnit.SECONDS)) {
                probe.destroyForcibly().waitFor();
            }
        }
    }

    StackedProvenance provenance(String run, String source) {
        return infra.store().getJson(RunPaths.provenance(run, source, ModelKind.STACKED), StackedProvenance.class);
    }

    /** Each (source, MBID) prediction of the run's range: labels, split and both score vectors, run id left out. */
    Map<String, String> predictions(StageJob evaluatorJob) throws Exception {
        String run = evaluatorJob.runId();
        Map<String, String> out = new TreeMap<>();
        List<String> dups = new ArrayList<>();
        RangeReader.read(infra.bootstrap(), evaluatorJob.predictions(), r -> {
            TrackPredictions p = Json.read(r.value(), TrackPredictions.class);
            if (p.runId().equals(run)) {
                String v = p.labels() + " " + p.split() + " " + Arrays.toString(p.baseScores()) + " "
                        + Arrays.toString(p.stackedScores());
                if (out.put(p.source() + "/" + p.mbid(), v) != null) {
                    dups.add(p.source() + "/" + p.mbid());
                }
            }
        });
        assertEquals(List.of(), dups, run + ": one prediction per (source, track)");
        return out;
    }

    long evaluatorJobs(String run) throws Exception {
        return TopicScan.readAll(infra.bootstrap(), Topics.jobs(Topics.STAGE_EVALUATOR), StageJob.class).stream()
                .filter(j -> j.runId().equals(run))
                .count();
    }

    Process startProbe(String instance, Path log) throws Exception {
        LocalInfra.Endpoints e = LocalInfra.ensureStarted();
        Path work = Files.createTempDirectory("stacker-instance-");
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dai.djl.offline=true",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp",
                System.getProperty("java.class.path"),
                StackerInstanceProbe.class.getName(),
                e.kafkaBootstrap(),
                e.s3Endpoint(),
                e.s3AccessKey(),
                e.s3SecretKey(),
                InfraTestResource.DEFAULT_BUCKET,
                work.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("GENRESTACK_INSTANCE", instance);
        return pb.start();
    }
}
