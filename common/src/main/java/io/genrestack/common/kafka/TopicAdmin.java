package io.genrestack.common.kafka;

import io.genrestack.common.Topics;
import org.apache.kafka.clients.admin.Admin;
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
 * {@code trainer-jobs} {@link JobWorker#TRAINER_JOB_PARTITIONS} (one per source, so four trainers train in
 * parallel); other job topics one.
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
            topics.add(new NewTopic(Topics.jobs(stage), JobWorker.jobPartitions(stage), replication));
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create GenreStack topics on Kafka at " + bootstrap + ": " + e, e);
        }
    }

    /**
     * Grows an existing job topic that has fewer partitions than {@link JobWorker#jobPartitions} (a topic created by an
     * older version: {@code scaler-jobs} had one). Only job topics: a data topic's partition count fixes where each
     * MBID's records go and is never changed.
     */
    private static void growJobTopics(Admin admin, Set<String> existing) throws Exception {
        Map<String, String> jobTopics = new java.util.TreeMap<>();
        for (String stage : Topics.STAGES) {
            if (existing.contains(Topics.jobs(stage)) && JobWorker.jobPartitions(stage) > 1) {
                jobTopics.put(Topics.jobs(stage), stage);
            }
        }
        if (jobTopics.isEmpty()) {
            return;
        }
        Map<String, org.apache.kafka.clients.admin.NewPartitions> grow = new java.util.TreeMap<>();
        admin.describeTopics(jobTopics.keySet())
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .forEach((name, d) -> {
                    int want = JobWorker.jobPartitions(jobTopics.get(name));
                    if (d.partitions().size() < want) {
                        grow.put(name, org.apache.kafka.clients.admin.NewPartitions.increaseTo(want));
                    }
                });
        for (var e : admin.createPartitions(grow).values().entrySet()) {
            try {
                e.getValue().get(30, TimeUnit.SECONDS);
                LOG.infof(
                        "grew job topic %s to %d partitions",
                        e.getKey(), grow.get(e.getKey()).totalCount());
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof org.apache.kafka.common.errors.InvalidPartitionsException)) {
                    throw ex; // another instance grew it first: fine
                }
            }
        }
    }

    /** Number of partitions of a topic. */
    public static int partitions(String bootstrap, String topic) {
        try (var c = KafkaClients.reader(bootstrap, "genrestack-partitions")) {
            return c.partitionsFor(topic).size();
        }
    }
}
