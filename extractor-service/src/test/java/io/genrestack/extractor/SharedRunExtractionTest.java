package io.genrestack.extractor;

import io.genrestack.common.Topics;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.kafka.JobWorker;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.InfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import static io.genrestack.extractor.SharedRunFixture.job;
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
 * merged range holds. The run and the comparison are {@link SharedRunFixture}'s; {@link ExtractorInstancesTest} does
 * the same with the second instance in its own OS process, killed with {@code SIGKILL}.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
@QuarkusTestResource(InputRootsTestResource.class)
@TestProfile(SharedRunExtractionTest.Faults.class)
class SharedRunExtractionTest {
    static final int CHECKPOINT_EVERY = 3;
    static final int FAIL_AFTER = 5;
    static final int UNITS = 4;

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
        SharedRunFixture fixture = new SharedRunFixture(infra, stage);
        RunConfig cfg = SharedRunFixture.inputs(tmp);
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
            assertTrue(
                    fixture.handleRetrying(job(whole, cfg), tuning, 1) > 0, "the one-instance run failed once mid-way");
            // stretch every chunk so that the second instance can be stopped in the middle of a unit
            ExactlyOnceWriter.chunkPause(Duration.ofMillis(400));
            fixture.handleRetrying(job(shared, cfg), tuning, UNITS); // plans: the units run on the two job workers

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

            StageJob a = fixture.awaitScalerJob(whole);
            StageJob b = fixture.awaitScalerJob(shared);
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

            fixture.assertSameAsOneInstance(whole, a, shared, b);

            // the run's job redelivered to an instance with units=1 keeps the run's units: nothing is extracted again
            fixture.handleRetrying(job(shared, cfg), tuning, 1);
            assertNull(
                    ExactlyOnceWriter.latestMark(
                            infra.bootstrap(),
                            ProgressMark.key(shared, Topics.STAGE_EXTRACTOR, StageJob.ALL, ExtractorStage.STEP)),
                    "no whole-run extraction of a run planned in units");

            Thread.sleep(3000); // a second hand-over, if there were one, would be on the topic by now
            assertEquals(1, fixture.scalerJobs(shared).size(), "scaler job sent once");
            assertEquals(1, fixture.scalerJobs(whole).size());
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
}
