package io.genrestack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.cli.synth.Shape;
import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.common.storage.StorageConfig;
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
 * Two runs together on four trainer instances (real processes, the real local Kafka and S3, real DJL), started as a
 * two-seed study by {@code POST /studies} ({@code vary=model}: split seed 11 held, model seeds 11 and 12): the seed-11
 * run ends with the same metrics and predictions as the same run alone, the seed-12 run with other models on the same
 * split; each run's four base models are trained by four different trainers (trainer-jobs is laid out source-major,
 * JobRouting), and the runs were in flight at once. {@code GET /studies/{id}} then gives the mean, sample standard
 * deviation, min and max of the two runs' macro AUCs and their bootstrap intervals, and stores the study report.
 */
class ConcurrentRunsTest {
    static final int TRACKS = 600;
    static final long SEED = 11;
    static final long OTHER_SEED = 12;
    static final int TRAINERS = 4;

    @Test
    void twoRunsTogetherOnFourTrainersEndAsTheRunAlone(@TempDir Path work) throws Exception {
        LocalInfra.Endpoints infra = LocalInfra.ensureStarted();
        String bootstrap = infra.kafkaBootstrap();
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String alone = "alone-" + tag;
        String study = "study-" + tag;
        String first = study + "-s" + SEED;
        String second = study + "-s" + OTHER_SEED;
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
        JsonNode studyReport;
        JsonNode storedStudyReport;
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

            LocalRun.StudySubmitted submitted = run.submitStudy(study, inputs, gt, List.of(SEED, OTHER_SEED), "model");
            assertEquals(List.of(first, second), submitted.runIds());
            run.follow(first, submitted.offset(), e -> {});
            run.follow(second, submitted.offset(), e -> {});
            firstReport = run.report(first);
            secondReport = run.report(second);
            java.net.http.HttpResponse<String> r = run.evaluatorGet("/studies/" + study);
            assertEquals(200, r.statusCode(), r.body());
            studyReport = Json.MAPPER.readTree(r.body());
            assertEquals(404, run.evaluatorGet("/studies/no-such-" + tag).statusCode());
            try (ObjectStore store = new ObjectStore(
                    StorageConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(), "genrestack"))) {
                storedStudyReport = Json.MAPPER.readTree(store.get(RunPaths.studyReport(study)));
                JsonNode def = Json.MAPPER.readTree(store.get(RunPaths.studyJson(study)));
                assertEquals(
                        List.of(first, second),
                        List.of(
                                def.at("/runIds/0").asText(),
                                def.at("/runIds/1").asText()));
            }
        } finally {
            run.stopAll();
        }
        sameMetrics(aloneReport, firstReport, first);
        ReliabilityDrillTest.comparePredictions(bootstrap, alone, first, fig);
        assertEquals(SEED, secondReport.at("/config/seed").asLong(), "vary=model holds the split seed");
        assertEquals(OTHER_SEED, secondReport.at("/config/modelSeed").asLong(), second + ": its model seed");
        assertTrue(differs(aloneReport, secondReport), "model seed 12 trains other models than seed 11");
        checkStudy(studyReport, List.of(firstReport, secondReport), List.of(first, second));
        assertEquals(studyReport, storedStudyReport, "GET /studies/{id} = studies/<id>/report.json");
        fig.add(
                "study %s: %s",
                study, studyReport.path("sources").path("lastfm").path("base"));

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

    /** True when some source's base or stacked macro ROC-AUC differs between the two reports. */
    static boolean differs(JsonNode a, JsonNode b) {
        for (String s : Sources.ALL) {
            for (String model : List.of("base", "stacked")) {
                double x =
                        a.path("sources").path(s).path(model).path("macroAuc").asDouble();
                double y =
                        b.path("sources").path(s).path(model).path("macroAuc").asDouble();
                if (Math.abs(x - y) > 1e-9) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The study report against its runs' reports: per source and model n = 2, the mean of the two macro AUCs, the
     * sample standard deviation |a − b| / sqrt(2), min and max; per run the AUCs, bootstrap intervals and paired
     * difference of its report.
     */
    static void checkStudy(JsonNode study, List<JsonNode> reports, List<String> runs) {
        for (String s : Sources.ALL) {
            JsonNode src = study.path("sources").path(s);
            for (String model : List.of("base", "stacked")) {
                double a = reports.get(0)
                        .path("sources")
                        .path(s)
                        .path(model)
                        .path("macroAuc")
                        .asDouble();
                double b = reports.get(1)
                        .path("sources")
                        .path(s)
                        .path(model)
                        .path("macroAuc")
                        .asDouble();
                JsonNode sum = src.path(model);
                String what = s + " " + model + " " + sum;
                assertEquals(2, sum.path("n").asInt(), what);
                assertEquals((a + b) / 2, sum.path("mean").asDouble(), 1e-12, what);
                assertEquals(Math.abs(a - b) / Math.sqrt(2), sum.path("sd").asDouble(), 1e-12, what);
                assertEquals(Math.min(a, b), sum.path("min").asDouble(), 0.0, what);
                assertEquals(Math.max(a, b), sum.path("max").asDouble(), 0.0, what);
            }
            for (int i = 0; i < 2; i++) {
                JsonNode row = src.path("runs").path(i);
                JsonNode rep = reports.get(i).path("sources").path(s);
                assertEquals(runs.get(i), row.path("runId").asText());
                assertEquals(rep.at("/base/macroAuc"), row.path("base"), s + " " + runs.get(i));
                assertEquals(rep.at("/stacked/macroAuc"), row.path("stacked"), s + " " + runs.get(i));
                assertEquals(rep.at("/bootstrap/base"), row.path("baseInterval"), s + " " + runs.get(i));
                assertEquals(rep.at("/bootstrap/stacked"), row.path("stackedInterval"), s + " " + runs.get(i));
                assertEquals(rep.at("/bootstrap/difference"), row.path("difference"), s + " " + runs.get(i));
                assertTrue(row.path("difference").path("stackedWins").isNumber(), s + " " + row);
            }
        }
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
