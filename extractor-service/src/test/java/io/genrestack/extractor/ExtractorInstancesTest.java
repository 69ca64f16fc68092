package io.genrestack.extractor;

import io.genrestack.common.Topics;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.kafka.KafkaClients;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.Instances;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.common.storage.StorageConfig;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.InfraTestResource;
import io.genrestack.testkit.ProbeProcesses;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.genrestack.extractor.SharedRunFixture.job;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two extractor instances on one run ({@code genrestack.extractor.units}) as two OS processes, against the real
 * broker and object storage: this test's service (its job worker) and a second instance in its own JVM
 * ({@link ExtractorInstanceProbe}: the same {@link ExtractorStage} behind a
 * {@link io.genrestack.common.kafka.JobWorker} of the extractor's group, another instance id, chunks of
 * {@value #CHECKPOINT_EVERY} items and a pause after each). The {@link SharedRunFixture} run (real folders and
 * archives, the hostile corpus, generated documents cut into file ranges) is extracted by one instance in one job,
 * then as another run in {@value #UNITS} units spread over both instances; the second instance is killed with
 * {@code SIGKILL} ({@link Process#destroyForcibly()}) in the middle of one of its units (a committed chunk, the unit
 * not done), its job uncommitted and its writer's transaction left open. The group hands its partitions to the
 * service's worker after the probe's session timeout, which resumes that unit after its last committed chunk (fencing
 * the dead writer) and finishes the run: every track is published exactly once, the same records per partition, dead
 * letters, summary and record count as the one-instance run, and the scaler job is sent exactly once.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
@QuarkusTestResource(InputRootsTestResource.class)
@TestProfile(ExtractorInstancesTest.SmallChunks.class)
class ExtractorInstancesTest {
    static final int CHECKPOINT_EVERY = 3;
    static final int UNITS = 4;
    /** The probe's pause after each committed chunk: a window for the kill. */
    static final long PROBE_PAUSE_MS = 600;
    /** The probe's job group session timeout: how long its partitions stay with it after the kill. */
    static final int PROBE_SESSION_MS = 6000;

    /** Chunks of three items, no injected fault: the only failure is the kill. */
    public static class SmallChunks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("genrestack.extractor.checkpoint-every", Integer.toString(CHECKPOINT_EVERY));
        }
    }

    @Inject
    Infrastructure infra;

    @Inject
    ExtractorStage stage;

    @Inject
    ExtractorSettings settings;

    @TempDir
    Path tmp;

    @Test
    void anInstanceKilledMidUnitLeavesTheRunToTheOtherWhichPublishesWhatOneInstancePublishes() throws Exception {
        ExtractorStageTest.awaitReady();
        SharedRunFixture fixture = new SharedRunFixture(infra, stage);
        RunConfig cfg = SharedRunFixture.inputs(tmp);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String whole = "one-" + tag;
        String shared = "kill-" + tag;
        String other = "extractor-probe-" + tag;
        Path log = Path.of("target", "extractor-instance-" + tag + ".log");
        Process probe = startProbe(other, log);
        try {
            // the reference while the second JVM starts: one instance, one job
            ExtractorStage.Tuning tuning = new ExtractorStage.Tuning(2, 4, CHECKPOINT_EVERY);
            assertEquals(0, fixture.handleRetrying(job(whole, cfg), tuning, 1), "no fault injected");
            ProbeProcesses.awaitLine(probe, log, "extractor-instance ready");
            ProbeProcesses.awaitMembers(
                    KafkaClients.base(infra.bootstrap(), "extractor-instances-test"),
                    "genrestack-" + Topics.STAGE_EXTRACTOR,
                    2);

            fixture.handleRetrying(job(shared, cfg), tuning, UNITS); // plans: the units run on the two instances
            ExtractionUnits plan = infra.store().getJson(RunPaths.extractorUnits(shared), ExtractionUnits.class);
            assertEquals(UNITS, plan.size(), "units: " + plan);

            // kill the probe once a unit it works on has a committed chunk and is not done
            String killed = null;
            long deadline = System.currentTimeMillis() + 120_000;
            while (killed == null) {
                if (!probe.isAlive()) {
                    throw new AssertionError(
                            "second instance exited " + probe.exitValue() + ":\n" + ProbeProcesses.tail(log));
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError(
                            "the second instance was never seen mid-unit:\n" + ProbeProcesses.tail(log));
                }
                String unit = workingOn(log, shared);
                if (unit != null) {
                    ProgressMark m = mark(shared, unit);
                    if (m != null && !m.done() && m.itemsConsumed() > 0 && unit.equals(workingOn(log, shared))) {
                        probe.destroyForcibly(); // SIGKILL: no shutdown hook, no abort, no offset commit
                        assertTrue(probe.waitFor(30, TimeUnit.SECONDS), "the probe is gone");
                        killed = unit;
                    }
                }
                Thread.sleep(100);
            }
            assertEquals(137, probe.exitValue(), "killed by SIGKILL");
            ProgressMark atKill = mark(shared, killed);
            assertNotNull(atKill);
            assertFalse(atKill.done(), "the killed instance left " + killed + " mid-unit: " + atKill);
            assertTrue(atKill.itemsConsumed() > 0, "with a committed chunk: " + atKill);

            StageJob a = fixture.awaitScalerJob(whole);
            StageJob b = fixture.awaitScalerJob(shared);
            ProgressMark end = mark(shared, killed);
            assertTrue(end != null && end.done(), "the killed unit " + killed + " was finished: " + end);
            assertTrue(end.itemsConsumed() >= atKill.itemsConsumed(), atKill + " -> " + end);

            // the probe started the unit, this service's instance took it over and finished it
            List<RunEvent> events = TopicScan.runEvents(infra.bootstrap(), shared);
            Set<String> startedBy = new LinkedHashSet<>();
            for (RunEvent e : events) {
                if (RunEvent.STAGE_STARTED.equals(e.type()) && killed.equals(e.unit())) {
                    startedBy.add(e.instance());
                }
            }
            assertEquals(
                    List.of(other, Instances.id()),
                    List.copyOf(startedBy),
                    killed + " started by the probe, then by the survivor");
            String held = killed;
            assertTrue(
                    events.stream()
                            .filter(e -> RunEvent.STAGE_STARTED.equals(e.type())
                                    && e.unit().startsWith("extract-"))
                            .anyMatch(e ->
                                    !e.unit().equals(held) && Instances.id().equals(e.instance())),
                    "the survivor extracted a unit of its own too");

            fixture.assertSameAsOneInstance(whole, a, shared, b);

            // once the group has taken every job of the run, a second hand-over would be on the topic
            awaitJobsTaken(shared);
            assertEquals(1, fixture.scalerJobs(shared).size(), "scaler job sent once");
            assertEquals(1, fixture.scalerJobs(whole).size());
            System.out.printf(
                    "killed the second instance in %s at %s; finished by %s at %s%n",
                    killed, atKill.itemsConsumed(), Instances.id(), end.itemsConsumed());
        } finally {
            if (probe.isAlive()) {
                probe.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    ProgressMark mark(String run, String unit) {
        return ExactlyOnceWriter.latestMark(
                infra.bootstrap(), ProgressMark.key(run, Topics.STAGE_EXTRACTOR, unit, ExtractorStage.STEP));
    }

    /** The unit of {@code run} the probe's last job attempt is on, from its log; null when it is on none. */
    static String workingOn(Path log, String run) throws Exception {
        if (!Files.exists(log)) {
            return null;
        }
        String current = null;
        String unitLine = "extractor-instance unit " + run + "/";
        String doneLine = "extractor-instance done " + run + "/";
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.startsWith(unitLine)) {
                current = line.substring(unitLine.length());
            } else if (line.startsWith(doneLine)
                    && line.substring(doneLine.length()).equals(current)) {
                current = null;
            }
        }
        return current != null && current.startsWith("extract-") ? current : null;
    }

    Process startProbe(String instance, Path log) throws Exception {
        StorageConfig s3 = infra.store().config();
        Path work = Files.createTempDirectory("extractor-instance-");
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp",
                System.getProperty("java.class.path"),
                ExtractorInstanceProbe.class.getName(),
                infra.bootstrap(),
                s3.endpoint(),
                s3.accessKey(),
                s3.secretKey(),
                s3.bucket(),
                work.toString(),
                String.join(",", settings.inputRoots()),
                Integer.toString(CHECKPOINT_EVERY),
                Long.toString(PROBE_PAUSE_MS),
                Integer.toString(PROBE_SESSION_MS));
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("GENRESTACK_INSTANCE", instance);
        return pb.start();
    }

    /** Waits until the extractor group has committed past every job of {@code run} on {@code extractor-jobs}. */
    void awaitJobsTaken(String run) throws Exception {
        String topic = Topics.jobs(Topics.STAGE_EXTRACTOR);
        Map<Integer, Long> last = new TreeMap<>();
        String quoted = "\"" + run + "\"";
        RangeReader.read(infra.bootstrap(), TopicScan.snapshot(infra.bootstrap(), topic), r -> {
            if (new String(r.value(), StandardCharsets.UTF_8).contains(quoted)
                    && run.equals(Json.read(r.value(), StageJob.class).runId())) {
                last.merge(r.partition(), r.offset(), Math::max);
            }
        });
        assertFalse(last.isEmpty(), "jobs of " + run + " on " + topic);
        String group = "genrestack-" + Topics.STAGE_EXTRACTOR;
        long deadline = System.currentTimeMillis() + 120_000;
        try (Admin admin = Admin.create(KafkaClients.base(infra.bootstrap(), "extractor-instances-test"))) {
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(10, TimeUnit.SECONDS);
                boolean all = last.entrySet().stream().allMatch(e -> {
                    OffsetAndMetadata o = committed.get(new TopicPartition(topic, e.getKey()));
                    return o != null && o.offset() > e.getValue();
                });
                if (all) {
                    return;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("jobs of " + run + " not all taken: last " + last + ", " + committed);
                }
                Thread.sleep(300);
            }
        }
    }
}
