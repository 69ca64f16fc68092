package io.genrestack.common.kafka;

import io.genrestack.common.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Creates GenreStack's topics when they are missing (every service does this at start-up, so start order does not
 * matter). Data topics and dead letters get {@code partitions} partitions (12 by default: up to 12 instances of a
 * stage share the work); {@code run-events} and {@code stage-progress} one (total order; the latter compacted);
 * job topics {@link JobRouting#partitions} ({@link JobRouting#RUN_SLOTS} run slots; {@code trainer-jobs} one per source
 * and slot). A job topic created with fewer partitions by an older version is grown to that count.
 */
public final class TopicAdmin {
    private static final Logger LOG = Logger.getLogger(TopicAdmin.class);

    private TopicAdmin() {}

    public static List<NewTopic> plan(int partitions, short replication) {
        List<NewTopic> topics = new ArrayList<>();
        for (String t : Topics.DATA_TOPICS) {
            topics.add(new NewTopic(t, partitions, replication));
        }
        topics.add(new NewTopic(Topics.DEAD_LETTERS, partitions, replication));
        topics.add(new NewTopic(Topics.RUN_EVENTS, 1, replication));
        topics.add(new NewTopic(Topics.STAGE_PROGRESS, 1, replication).configs(Map.of("cleanup.policy", "compact")));
        for (String stage : Topics.STAGES) {
            topics.add(new NewTopic(Topics.jobs(stage), JobRouting.partitions(stage), replication));
        }
        return topics;
    }

    public static void ensureTopics(String bootstrap, int partitions, short replication) {
        Properties p = KafkaClients.base(bootstrap, "genrestack-admin");
        p.put("request.timeout.ms", "15000");
        p.put("default.api.timeout.ms", "30000");
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            growJobTopics(admin, existing);
            List<NewTopic> missing = plan(partitions, replication).stream()
                    .filter(t -> !existing.contains(t.name()))
                    .toList();
            growJobTopics(admin, existing);
            if (missing.isEmpty()) {
                return;
            }
            for (var e : admin.createTopics(missing).values().entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                    LOG.infof("created topic %s", e.getKey());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw ex;
                    }
                }
            }
            awaitLeaders(bootstrap, missing.stream().map(NewTopic::name).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create GenreStack topics on Kafka at " + bootstrap + ": " + e, e);
        }
    }

    /**
     * Adds partitions to job topics an older version created with fewer (partitions are never removed). Only job
     * topics: a data topic's partition count fixes where each MBID's records go and is never changed.
     */
    private static void growJobTopics(Admin admin, Set<String> existing) throws Exception {
        Map<String, Integer> want = new java.util.TreeMap<>();
        for (String stage : Topics.STAGES) {
            if (existing.contains(Topics.jobs(stage))) {
                want.put(Topics.jobs(stage), JobRouting.partitions(stage));
            }
        }
        grow(admin, want);
    }

    /** Grows each existing topic of {@code want} to at least its partition count. */
    static void grow(Admin admin, Map<String, Integer> want) throws Exception {
        if (want.isEmpty()) {
            return;
        }
        Map<String, NewPartitions> grow = new java.util.TreeMap<>();
        for (var d : admin.describeTopics(want.keySet())
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .values()) {
            int have = d.partitions().size();
            if (have < want.get(d.name())) {
                grow.put(d.name(), NewPartitions.increaseTo(want.get(d.name())));
                LOG.infof("growing topic %s from %d to %d partitions", d.name(), have, want.get(d.name()));
            }
        }
        for (var e : admin.createPartitions(grow).values().entrySet()) {
            try {
                e.getValue().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof org.apache.kafka.common.errors.InvalidPartitionsException)) {
                    throw ex; // InvalidPartitions: another instance grew it first, fine
                }
            }
        }
    }

    /**
     * Waits until the broker leads every partition of {@code topics} (a list-offsets request to each partition's
     * leader answers): right after a topic is created its metadata can name a leader that is not leading yet, and
     * an idempotent producer writing at once may then get NOT_LEADER_OR_FOLLOWER and, retrying its first batches out
     * of order, never recover (OutOfOrderSequenceException until its delivery timeout).
     */
    public static void awaitLeaders(String bootstrap, java.util.Collection<String> topics) {
        try (var c = KafkaClients.reader(bootstrap, "genrestack-await-leaders")) {
            List<org.apache.kafka.common.TopicPartition> tps = new ArrayList<>();
            for (String t : topics) {
                c.partitionsFor(t, java.time.Duration.ofSeconds(30))
                        .forEach(i -> tps.add(new org.apache.kafka.common.TopicPartition(t, i.partition())));
            }
            c.endOffsets(tps, java.time.Duration.ofSeconds(60)); // retried until each partition's leader answers
        }
    }

    /** Number of partitions of a topic. */
    public static int partitions(String bootstrap, String topic) {
        try (var c = KafkaClients.reader(bootstrap, "genrestack-partitions")) {
            return c.partitionsFor(topic).size();
        }
    }
}
