package io.genrestack.common.kafka;

import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.serde.Json;
import io.genrestack.testkit.LocalInfra;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Job routing on a real broker: trainer jobs of two runs submitted together land on partitions that a consumer group
 * of eight (range assignor, as the job workers use) hands to different members; one run's four jobs are held by four
 * different members of a group of four; a run's four stacker model jobs are held by four members of a group of four
 * and two by each of a group of two; the unfinished-job count follows commits; old job topics are grown.
 */
class JobRoutingTest {
    static String bootstrap;

    @BeforeAll
    static void infra() {
        bootstrap = LocalInfra.ensureStarted().kafkaBootstrap();
    }

    @Test
    void everyJobTopicHasTheRunSlotsAndTheTrainerOnePerSourceAndSlot() {
        Map<String, Integer> plan = TopicAdmin.plan(12, (short) 1).stream()
                .collect(Collectors.toMap(NewTopic::name, NewTopic::numPartitions));
        for (String stage : Topics.STAGES) {
            int want = stage.equals(Topics.STAGE_TRAINER)
                    ? Sources.ALL.size() * JobRouting.RUN_SLOTS
                    : JobRouting.RUN_SLOTS;
            assertEquals(want, plan.get(Topics.jobs(stage)), stage);
        }
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 64; i++) {
            int slot = JobRouting.homeSlot("run-" + i);
            assertEquals(slot, JobRouting.homeSlot("run-" + i), "stable");
            slots.add(slot);
        }
        assertEquals(JobRouting.RUN_SLOTS, slots.size(), "64 run ids use every slot");
    }

    @Test
    void twoRunsSubmittedTogetherTrainOnDifferentMembers() throws Exception {
        String topic = "routing-test-" + UUID.randomUUID();
        String group = "routing-test-" + UUID.randomUUID();
        create(topic, JobRouting.partitions(Topics.STAGE_TRAINER));
        List<KafkaConsumer<String, byte[]>> members = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap, "routing-test")) {
            for (int i = 0; i < 8; i++) {
                members.add(KafkaClients.groupConsumer(bootstrap, group, "routing-" + i));
            }
            Map<Integer, Integer> owner = join(members, topic);
            List<Integer> a = submit(producer, topic, group, trainerJobs("concurrent-a"));
            List<Integer> b = submit(producer, topic, group, trainerJobs("concurrent-b"));
            for (int s = 0; s < Sources.ALL.size(); s++) {
                assertEquals(s, a.get(s) / JobRouting.RUN_SLOTS, "source block of run a");
                assertEquals(s, b.get(s) / JobRouting.RUN_SLOTS, "source block of run b");
                assertNotEquals(a.get(s), b.get(s), "the second run avoids the first run's unfinished job");
                assertNotEquals(
                        owner.get(a.get(s)),
                        owner.get(b.get(s)),
                        Sources.ALL.get(s) + ": both runs' jobs are held by one of eight members " + owner);
            }
            Map<Integer, Long> pending = JobRouting.pendingJobs(bootstrap, topic, group);
            assertEquals(8, pending.values().stream().mapToLong(Long::longValue).sum(), pending.toString());
            // a member finishes run a's first job: that partition holds no unfinished job any more
            KafkaConsumer<String, byte[]> done = members.get(owner.get(a.get(0)));
            TopicPartition tp = new TopicPartition(topic, a.get(0));
            done.commitSync(Map.of(tp, new OffsetAndMetadata(1)));
            assertEquals(0L, JobRouting.pendingJobs(bootstrap, topic, group).getOrDefault(a.get(0), 0L));
        } finally {
            members.forEach(KafkaConsumer::close);
        }
    }

    @Test
    void oneRunOnFourTrainersTrainsItsFourSourcesInParallel() throws Exception {
        String topic = "routing-test-" + UUID.randomUUID();
        String group = "routing-test-" + UUID.randomUUID();
        create(topic, JobRouting.partitions(Topics.STAGE_TRAINER));
        List<KafkaConsumer<String, byte[]>> members = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap, "routing-test")) {
            for (int i = 0; i < 4; i++) {
                members.add(KafkaClients.groupConsumer(bootstrap, group, "routing-" + i));
            }
            Map<Integer, Integer> owner = join(members, topic);
            List<Integer> parts = submit(producer, topic, group, trainerJobs("alone"));
            Set<Integer> holders = parts.stream().map(owner::get).collect(Collectors.toSet());
            assertEquals(4, holders.size(), "partitions " + parts + " owners " + owner);
        } finally {
            members.forEach(KafkaConsumer::close);
        }
    }

    @Test
    void theUnitsOfOneRunsExtractionGoToAllPartitionsItsHandOverToItsHomeSlot() {
        RunConfig cfg = RunConfig.defaults(List.of(), List.of());
        for (String run : List.of("units-a", "units-b", "units-c")) {
            List<StageJob> jobs = new ArrayList<>();
            for (int g = 0; g < JobRouting.RUN_SLOTS; g++) {
                jobs.add(StageJob.of(
                        run,
                        Topics.STAGE_EXTRACTOR,
                        "extract-" + g + "-of-" + JobRouting.RUN_SLOTS,
                        cfg,
                        Map.of(),
                        Map.of()));
            }
            assertEquals(List.of(0, 1, 2, 3), JobRouting.route(jobs, Map.of()), run);
            List<StageJob> two = List.of(
                    StageJob.of(run, Topics.STAGE_EXTRACTOR, "extract-0-of-2", cfg, Map.of(), Map.of()),
                    StageJob.of(run, Topics.STAGE_EXTRACTOR, "extract-1-of-2", cfg, Map.of(), Map.of()));
            assertEquals(List.of(0, 2), JobRouting.route(two, Map.of()), "two units: two halves of the members");
            StageJob finish = StageJob.of(run, Topics.STAGE_EXTRACTOR, "finish-of-4", cfg, Map.of(), Map.of());
            StageJob all = StageJob.of(run, Topics.STAGE_EXTRACTOR, StageJob.ALL, cfg, Map.of(), Map.of());
            assertEquals(JobRouting.homeSlot(run), JobRouting.homePartition(finish));
            assertEquals(JobRouting.homeSlot(run), JobRouting.homePartition(all));
        }
    }

    @Test
    void aRunsStackerModelJobsGoToDifferentMembers() throws Exception {
        for (int size : new int[] {4, 2}) {
            String topic = "routing-test-" + UUID.randomUUID();
            String group = "routing-test-" + UUID.randomUUID();
            create(topic, JobRouting.partitions(Topics.STAGE_STACKER));
            List<KafkaConsumer<String, byte[]>> members = new ArrayList<>();
            try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap, "routing-test")) {
                for (int i = 0; i < size; i++) {
                    members.add(KafkaClients.groupConsumer(bootstrap, group, "routing-" + i));
                }
                Map<Integer, Integer> owner = join(members, topic);
                for (int run = 0; run < 8; run++) {
                    List<StageJob> four = stackerModelJobs("stack-" + run, Sources.ALL);
                    List<Integer> parts = submit(producer, topic, group, four);
                    Map<Integer, Long> perMember =
                            parts.stream().collect(Collectors.groupingBy(owner::get, Collectors.counting()));
                    assertEquals(size, perMember.size(), size + " members: partitions " + parts + " owners " + owner);
                    perMember.values().forEach(n -> assertEquals(4 / size, n, "models per member: " + perMember));
                    String id = four.get(0).runId();
                    assertEquals(
                            JobRouting.homeSlot(id), (int) parts.get(0), "the first source on the run's home slot");
                    List<Integer> two = JobRouting.route(
                            stackerModelJobs("stack-two-" + run, List.of("discogs", "tagtraum")), Map.of());
                    assertNotEquals(owner.get(two.get(0)), owner.get(two.get(1)), "two sources, " + two);
                    // the run's other stacker jobs (input, publish) stay on its home slot
                    StageJob publish = StageJob.of(
                            id, Topics.STAGE_STACKER, StageJob.ALL, four.get(0).config(), Map.of(), Map.of());
                    StageJob input = StageJob.of(
                            id,
                            Topics.STAGE_STACKER,
                            "lastfm",
                            four.get(0).config(),
                            Map.of(),
                            four.get(0).objects());
                    assertEquals(
                            List.of(JobRouting.homeSlot(id), JobRouting.homeSlot(id)),
                            JobRouting.route(List.of(publish, input), Map.of()));
                }
            } finally {
                members.forEach(KafkaConsumer::close);
            }
        }
    }

    @Test
    void aJobTopicCreatedWithFewerPartitionsIsGrown() throws Exception {
        String topic = "routing-test-" + UUID.randomUUID();
        create(topic, 1);
        try (Admin admin = Admin.create(KafkaClients.base(bootstrap, "routing-test"))) {
            TopicAdmin.grow(admin, Map.of(topic, JobRouting.RUN_SLOTS));
            TopicAdmin.grow(admin, Map.of(topic, 2)); // never shrinks
        }
        assertEquals(JobRouting.RUN_SLOTS, TopicAdmin.partitions(bootstrap, topic));
    }

    private static List<StageJob> trainerJobs(String run) {
        RunConfig cfg = RunConfig.defaults(List.of(), List.of());
        String id = run + "-" + UUID.randomUUID();
        return Sources.ALL.stream()
                .map(s -> StageJob.of(id, Topics.STAGE_TRAINER, s, cfg, Map.of(), Map.of()))
                .toList();
    }

    /** A run's stacker model jobs for {@code sources} (each job names the run's label vocabularies). */
    private static List<StageJob> stackerModelJobs(String run, List<String> sources) {
        RunConfig cfg = RunConfig.defaults(List.of(), List.of());
        String id = run + "-" + UUID.randomUUID();
        Map<String, String> labels = new HashMap<>();
        sources.forEach(s -> labels.put(StageJob.labelsName(s), "runs/" + id + "/labels/" + s + ".json"));
        return sources.stream()
                .map(s -> StageJob.of(id, Topics.STAGE_STACKER, StageJob.stackModelUnit(s), cfg, Map.of(), labels))
                .toList();
    }

    /** Sends the jobs where {@link JobRouting#route} says, as a stage's hand-over does; returns the partitions. */
    private static List<Integer> submit(
            KafkaProducer<String, byte[]> producer, String topic, String group, List<StageJob> jobs) throws Exception {
        List<Integer> parts = JobRouting.route(jobs, JobRouting.pendingJobs(bootstrap, topic, group));
        for (int i = 0; i < jobs.size(); i++) {
            producer.send(new ProducerRecord<>(topic, parts.get(i), jobs.get(i).key(), Json.bytes(jobs.get(i))))
                    .get(10, TimeUnit.SECONDS);
        }
        return parts;
    }

    /** Polls every member until the group has assigned all partitions; returns partition → member index. */
    private static Map<Integer, Integer> join(List<KafkaConsumer<String, byte[]>> members, String topic) {
        members.forEach(m -> m.subscribe(List.of(topic)));
        int partitions = TopicAdmin.partitions(bootstrap, topic);
        long deadline = System.currentTimeMillis() + 60_000;
        Map<Integer, Integer> owner = new HashMap<>();
        while (System.currentTimeMillis() < deadline) {
            owner.clear();
            for (int i = 0; i < members.size(); i++) {
                members.get(i).poll(Duration.ofMillis(100));
                for (TopicPartition tp : members.get(i).assignment()) {
                    owner.put(tp.partition(), i);
                }
            }
            boolean everyone = members.stream().allMatch(m -> !m.assignment().isEmpty());
            if (owner.size() == partitions && everyone) {
                return owner;
            }
        }
        throw new AssertionError("the group never assigned all " + partitions + " partitions: " + owner);
    }

    private static void create(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(KafkaClients.base(bootstrap, "routing-test"))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        assertTrue(TopicAdmin.partitions(bootstrap, topic) == partitions);
    }
}
