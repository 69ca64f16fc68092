package io.genrestack.extractor;

import io.genrestack.common.Topics;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.kafka.JobWorker;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.HostileCorpus;
import io.genrestack.testkit.InfraTestResource;
import io.genrestack.testkit.SharedData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several extractor instances on one run ({@code genrestack.extractor.units}), against the real broker and object
 * storage: the service's own job worker and a second {@link JobWorker} of the extractor's consumer group in this test
 * (its own consumer and thread) take the units of one run (real AcousticBrainz folders and archives, the hostile
 * corpus, a folder of real documents under generated MBIDs cut into file ranges); the second instance is stopped in
 * the middle of a unit (its job not committed, its writer's transaction left open) and the service's worker resumes
 * that unit after the last committed chunk, fencing the stopped one. The test profile injects a fault
 * into the first attempt of every publishing step after {@value #FAIL_AFTER} items with chunks of
 * {@value #CHECKPOINT_EVERY}, so every unit larger than that fails mid-unit and resumes from its last chunk. The same
 * run extracted by one instance in one job (units=1) publishes the same set of records on every partition, the same
 * dead letters and the same summary, and the scaler job is sent exactly once with the same record count, which the
 * merged range holds.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
@QuarkusTestResource(InputRootsTestResource.class)
@TestProfile(SharedRunExtractionTest.Faults.class)
class SharedRunExtractionTest {
    static final int CHECKPOINT_EVERY = 3;
    static final int FAIL_AFTER = 5;
    static final int UNITS = 4;
    static final int GENERATED = 60;

    /** Chunks of three items; the first attempt of every publishing step fails after five. */
    public static class Faults implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "genrestack.extractor.checkpoint-every", Integer.toString(CHECKPOINT_EVERY),
                    "genrestack.extractor.fail-after-items", Integer.toString(FAIL_AFTER));
        }
    }

    @Inject
    Infrastructure infra;

    @Inject
    ExtractorStage stage;

    @TempDir
    Path tmp;

    @Test
    void twoInstancesOnOneRunPublishWhatOneInstancePublishes() throws Exception {
        ExtractorStageTest.awaitReady();
        RunConfig cfg = inputs();
        Set<String> second = ConcurrentHashMap.newKeySet();
        Set<String> failed = ConcurrentHashMap.newKeySet();
        AtomicReference<String> working = new AtomicReference<>();
        JobWorker other = new JobWorker(
                        infra.bootstrap(),
                        Topics.STAGE_EXTRACTOR,
                        j -> {
                            second.add(j.runId() + "/" + j.unit());
                            working.set(j.runId() + "/" + j.unit());
                            try {
                                stage.handle(j);
                            } catch (IllegalStateException e) {
                                failed.add(j.runId() + "/" + j.unit() + ": " + e.getMessage());
                                throw e;
                            } finally {
                                working.set(null);
                            }
                        },
                        5,
                        infra.events())
                .start();
        boolean otherOpen = true;
        try {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!other.isConnected() && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(other.isConnected(), "second instance joined the group");
            Thread.sleep(3000); // let the group settle: both members hold job partitions

            String whole = "one-" + UUID.randomUUID().toString().substring(0, 8);
            String shared = "units-" + UUID.randomUUID().toString().substring(0, 8);
            ExtractorStage.Tuning tuning = new ExtractorStage.Tuning(2, 4, CHECKPOINT_EVERY);
            assertTrue(handleRetrying(job(whole, cfg), tuning, 1) > 0, "the one-instance run failed once mid-way");
            // stretch every chunk so that the second instance can be stopped in the middle of a unit
            ExactlyOnceWriter.chunkPause(Duration.ofMillis(400));
            handleRetrying(job(shared, cfg), tuning, UNITS); // plans: the units run on the two job workers

            // the second instance goes away in the middle of a unit (a committed chunk, not done): its job is not
            // committed, the group hands its partitions to the service's worker, which resumes the unit
            String stopped = null;
            deadline = System.currentTimeMillis() + 120_000;
            while (stopped == null && System.currentTimeMillis() < deadline) {
                String w = working.get();
                if (w != null && w.startsWith(shared + "/extract-")) {
                    String unit = w.substring(shared.length() + 1);
                    ProgressMark m = ExactlyOnceWriter.latestMark(
                            infra.bootstrap(),
                            ProgressMark.key(shared, Topics.STAGE_EXTRACTOR, unit, ExtractorStage.STEP));
                    if (m != null && !m.done() && w.equals(working.get())) {
                        other.close();
                        otherOpen = false;
                        stopped = unit;
                    }
                }
                Thread.sleep(100);
            }
            assertNotNull(stopped, "the second instance was stopped mid-unit (units it took: " + second + ")");
            ExactlyOnceWriter.chunkPause(null);

            StageJob a = awaitScalerJob(whole);
            StageJob b = awaitScalerJob(shared);
            ProgressMark resumed = ExactlyOnceWriter.latestMark(
                    infra.bootstrap(), ProgressMark.key(shared, Topics.STAGE_EXTRACTOR, stopped, ExtractorStage.STEP));
            assertTrue(resumed != null && resumed.done(), "the stopped unit " + stopped + " was finished elsewhere");
            ExtractionUnits plan = infra.store().getJson(RunPaths.extractorUnits(shared), ExtractionUnits.class);
            assertEquals(UNITS, plan.size(), "units: " + plan);
            assertTrue(
                    plan.units().stream()
                            .flatMap(u -> u.segments().stream())
                            .anyMatch(s -> s.from() > 0 || s.to() >= 0),
                    "a folder cut into file ranges: " + plan);

            Map<Integer, List<String>> ra = records(a);
            Map<Integer, List<String>> rb = records(b);
            long published = ra.values().stream().mapToLong(List::size).sum();
            assertTrue(published > GENERATED / 2, "published " + published);
            assertEquals(published, a.features().expectedRecords());
            assertEquals(
                    a.features().expectedRecords(),
                    b.features().expectedRecords(),
                    "scaler job record count: " + a.features() + " vs " + b.features());
            assertEquals(
                    b.features().expectedRecords(),
                    rb.values().stream().mapToLong(List::size).sum(),
                    "the merged range holds exactly the announced records");
            assertEquals(ra, rb, "the run's records per partition (sorted)");
            assertEquals(deadLetters(whole), deadLetters(shared), "dead letters (sorted)");
            assertEquals(summary(whole), summary(shared), "summary");

            // the run's job redelivered to an instance with units=1 keeps the run's units: nothing is extracted again
            handleRetrying(job(shared, cfg), tuning, 1);
            assertNull(
                    ExactlyOnceWriter.latestMark(
                            infra.bootstrap(),
                            ProgressMark.key(shared, Topics.STAGE_EXTRACTOR, StageJob.ALL, ExtractorStage.STEP)),
                    "no whole-run extraction of a run planned in units");

            Thread.sleep(3000); // a second hand-over, if there were one, would be on the topic by now
            assertEquals(1, scalerJobs(shared).size(), "scaler job sent once");
            assertEquals(1, scalerJobs(whole).size());
            assertTrue(
                    second.stream().anyMatch(u -> u.startsWith(shared + "/extract-")),
                    "the second instance extracted a unit: " + second);
            assertTrue(
                    second.stream().noneMatch(u -> u.startsWith(whole + "/")),
                    "the one-instance run stayed in one job");
            System.out.printf(
                    "second instance: units %s, stopped in %s, injected faults %s%n", second, stopped, failed);
        } finally {
            ExactlyOnceWriter.chunkPause(null);
            if (otherOpen) {
                other.close();
            }
        }
    }

    RunConfig inputs() throws Exception {
        Path data = SharedData.dir().resolve("acousticbrainz");
        List<Path> real;
        try (Stream<Path> files = Files.list(data.resolve("lowlevel"))) {
            real = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        List<String> mbids = new ArrayList<>();
        for (Path f : real) {
            mbids.add(f.getFileName().toString().substring(0, 36));
        }
        HostileCorpus.Corpus hostile = HostileCorpus.write(
                Files.createDirectories(tmp.resolve("h")), Files.readAllBytes(real.get(0)), mbids.get(0), 5);
        mbids.addAll(hostile.mbids());
        // real documents under new MBIDs; every 7th a second submission of an earlier one, every 11th no ground truth
        Path many = Files.createDirectories(tmp.resolve("many"));
        Random rnd = new Random(4);
        List<String> generated = new ArrayList<>();
        for (int i = 0; i < GENERATED; i++) {
            boolean repeat = i % 7 == 6;
            String mbid = repeat ? generated.get(rnd.nextInt(generated.size())) : new UUID(8, i).toString();
            Files.copy(
                    real.get(rnd.nextInt(real.size())),
                    many.resolve(repeat ? mbid + "-" + i + ".json" : mbid + ".json"));
            if (!repeat) {
                generated.add(mbid);
                if (i % 11 != 10) {
                    mbids.add(mbid);
                }
            }
        }
        Path gt = Files.createDirectories(tmp.resolve("gt"));
        StringBuilder tsv = new StringBuilder("recordingmbid\treleasegroupmbid\tgenre1\tgenre2\n");
        for (int i = 0; i < mbids.size(); i++) {
            tsv.append(mbids.get(i))
                    .append('\t')
                    .append(new UUID(66, i / 2))
                    .append('\t')
                    .append(i % 2 == 0 ? "rock\trock---indie" : "pop\tpop---dance")
                    .append('\n');
        }
        tsv.append("not-an-mbid\tx\trock\n"); // a ground-truth row that is a dead letter
        Files.writeString(gt.resolve("acousticbrainz-mediaeval-lastfm-all.tsv"), tsv.toString());
        List<String> inputs = List.of(
                data.resolve("lowlevel").toString(),
                data.resolve("lowlevel-edge").toString(),
                data.resolve("archives").toString(),
                hostile.folder().toString(),
                hostile.archive().toString(),
                many.toString());
        return new RunConfig(inputs, List.of(gt.toString()), false, "paper", List.of(), 0.8, 42, null, null);
    }

    static StageJob job(String run, RunConfig cfg) {
        return StageJob.of(run, Topics.STAGE_EXTRACTOR, StageJob.ALL, cfg, Map.of(), Map.of());
    }

    /** Runs a job on this thread as the job worker would, again after an injected fault; returns the faults. */
    int handleRetrying(StageJob job, ExtractorStage.Tuning tuning, int units) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                stage.handle(job, tuning, units);
                return attempt - 1;
            } catch (IllegalStateException e) {
                if (attempt >= 3 || !String.valueOf(e.getMessage()).contains("injected fault")) {
                    throw e;
                }
            }
        }
    }

    /** The run's records in the scaler job's range, per partition, sorted, with the run id replaced. */
    Map<Integer, List<String>> records(StageJob scaler) throws Exception {
        Map<Integer, List<String>> out = new TreeMap<>();
        String run = "\"" + scaler.runId() + "\"";
        RangeReader.read(infra.bootstrap(), scaler.features(), r -> {
            String json = new String(r.value(), StandardCharsets.UTF_8);
            if (json.contains(run)) {
                out.computeIfAbsent(r.partition(), p -> new ArrayList<>())
                        .add(r.key() + " " + json.replace(run, "\"RUN\""));
            }
        });
        out.values().forEach(l -> l.sort(null));
        return out;
    }

    List<String> deadLetters(String run) throws Exception {
        List<String> letters = new ArrayList<>();
        RangeReader.read(infra.bootstrap(), TopicScan.snapshot(infra.bootstrap(), Topics.DEAD_LETTERS), r -> {
            DeadLetter d = Json.read(r.value(), DeadLetter.class);
            if (run.equals(d.runId())) {
                var node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(r.value());
                node.remove("time");
                letters.add(r.partition() + " "
                        + new String(Json.MAPPER.writeValueAsBytes(node), StandardCharsets.UTF_8)
                                .replace("\"" + run + "\"", "\"RUN\""));
            }
        });
        letters.sort(null);
        return letters;
    }

    @SuppressWarnings("unchecked")
    Map<String, Long> summary(String run) throws Exception {
        return new TreeMap<String, Long>(
                Json.MAPPER.readValue(infra.store().get(RunPaths.extractorSummary(run)), Map.class));
    }

    List<StageJob> scalerJobs(String run) throws Exception {
        return TopicScan.readAll(infra.bootstrap(), Topics.jobs(Topics.STAGE_SCALER), StageJob.class).stream()
                .filter(j -> j.runId().equals(run))
                .toList();
    }

    StageJob awaitScalerJob(String run) throws Exception {
        long deadline = System.currentTimeMillis() + 240_000;
        while (System.currentTimeMillis() < deadline) {
            List<StageJob> jobs = scalerJobs(run);
            if (!jobs.isEmpty()) {
                return jobs.get(0);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no scaler job for " + run + " within 240 s");
    }
}
