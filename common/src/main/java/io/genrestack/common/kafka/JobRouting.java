package io.genrestack.common.kafka;

import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.model.StageJob;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Which partition of {@code <stage>-jobs} a job goes to, so that several runs are served at once.
 *
 * <p>
 * Every job topic has {@link #RUN_SLOTS} slots. A run's jobs for a stage go to its <em>home slot</em>
 * ({@link #homeSlot}, a hash of the run id), so the stacker's four per-source jobs of one run meet on one partition
 * (one instance records them in turn and the last one stacks) and jobs of different runs usually land on different
 * partitions, hence on different instances of the stage's consumer group. The parts of a scaler job split over
 * instances ({@code <step>-<g>-of-<n>}, {@code genrestack.scaler.parts}) and the extraction units of a run split over
 * extractor instances ({@code extract-<g>-of-<n>}, {@code genrestack.extractor.units}) are spread over all partitions
 * instead, and so are the stacker's model jobs ({@code model-<source>}, {@link StageJob#stackModelUnit}): the i-th
 * of a run's n sources goes to partition {@code (homeSlot + i·RUN_SLOTS/n) mod RUN_SLOTS}, so with four stacker
 * instances each trains one of a run's four stacked models, with two each trains two, and with one it trains them in
 * turn.
 *
 * <p>
 * {@code trainer-jobs} has one partition per source and slot, laid out source-major
 * ({@code partition = sourceIndex × RUN_SLOTS + slot}). Job consumers use the range assignor
 * ({@link KafkaClients#groupConsumer}), which hands each member a contiguous block of partitions: with four trainers
 * each holds one source's slots (a run's four models train in parallel, as before), with eight each holds half of a
 * source's slots, and with sixteen one each. A trainer job goes to the slot of its source with the fewest unfinished
 * jobs, choosing halves of the slots first ({@link #route}; the home slot on a tie), so two runs submitted together
 * train on different trainers whenever eight or more run. Where a job goes changes only who trains, never what is
 * trained.
 */
public final class JobRouting {
    private static final Logger LOG = Logger.getLogger(JobRouting.class);

    /** A unit {@code <step>-<part>-of-<parts>}: one part of a scaler job split over instances. */
    private static final java.util.regex.Pattern PART_UNIT = java.util.regex.Pattern.compile(".*-(\\d+)-of-(\\d+)");

    /** Runs one stage serves at once without sharing an instance (given enough instances). */
    public static final int RUN_SLOTS = 4;

    private JobRouting() {}

    /** Partitions of a stage's job topic ({@link TopicAdmin} creates it so). */
    public static int partitions(String stage) {
        return Topics.STAGE_TRAINER.equals(stage) ? Sources.ALL.size() * RUN_SLOTS : RUN_SLOTS;
    }

    /** The run's home slot in {@code [0, RUN_SLOTS)}: stable for a run id, spread over run ids. */
    public static int homeSlot(String runId) {
        int h = runId.hashCode();
        return Math.floorMod(h ^ (h >>> 16), RUN_SLOTS);
    }

    /** The partition of a job in its home slot: the source's block for the trainer. */
    public static int homePartition(StageJob job) {
        return partition(job, homeSlot(job.runId()));
    }

    private static int partition(StageJob job, int slot) {
        if (Topics.STAGE_TRAINER.equals(job.stage())) {
            return Math.max(0, Sources.ALL.indexOf(job.unit())) * RUN_SLOTS + slot;
        }
        if (Topics.STAGE_STACKER.equals(job.stage())) {
            String source = StageJob.stackModelSource(job.unit());
            if (source != null) {
                return stackModelSlot(job, source, slot);
            }
        }
        if (Topics.STAGE_SCALER.equals(job.stage()) || Topics.STAGE_EXTRACTOR.equals(job.stage())) {
            java.util.regex.Matcher m = PART_UNIT.matcher(job.unit());
            if (m.matches()) {
                // part g of n on partition g·slots/n, whatever the run's slot: the range assignor gives those to
                // different members (2 parts: partitions 0 and 2), so as many scalers (or extractors: units
                // extract-<g>-of-<n>) work on one run
                long part = Long.parseLong(m.group(1));
                long parts = Math.max(1, Long.parseLong(m.group(2)));
                return (int) ((part * RUN_SLOTS / parts) % RUN_SLOTS);
            }
        }
        return slot;
    }

    /**
     * The slot of a stacker model job: the run's sources (its {@code labels.<source>} objects) in {@link Sources#ALL}
     * order spread evenly over the slots from the home slot on, so the range assignor hands them to different members.
     */
    private static int stackModelSlot(StageJob job, String source, int home) {
        List<String> sources = new ArrayList<>();
        for (String s : Sources.ALL) {
            if (job.labels(s) != null) {
                sources.add(s);
            }
        }
        int i = sources.indexOf(source);
        if (i < 0) {
            i = Math.max(0, Sources.ALL.indexOf(source));
            sources = Sources.ALL;
        }
        return (home + i * RUN_SLOTS / sources.size()) % RUN_SLOTS;
    }

    /**
     * The partitions of {@code jobs}, in order: trainer jobs to the least loaded slot of their source
     * ({@link #leastLoadedSlot}; unfinished jobs counted from the group's committed offsets, none when the count
     * cannot be taken),
     * stacker model jobs spread over the slots ({@link #stackModelSlot}), every other job to its home partition.
     */
    public static List<Integer> route(String bootstrap, List<StageJob> jobs) {
        boolean trainer = jobs.stream().anyMatch(j -> Topics.STAGE_TRAINER.equals(j.stage()));
        Map<Integer, Long> pending = trainer
                ? pendingJobs(bootstrap, Topics.jobs(Topics.STAGE_TRAINER), "genrestack-" + Topics.STAGE_TRAINER)
                : Map.of();
        return route(jobs, pending);
    }

    /** As {@link #route(String, List)} given the unfinished jobs per trainer-jobs partition. */
    static List<Integer> route(List<StageJob> jobs, Map<Integer, Long> pending) {
        List<Integer> out = new ArrayList<>(jobs.size());
        for (StageJob job : jobs) {
            if (!Topics.STAGE_TRAINER.equals(job.stage())) {
                out.add(homePartition(job));
                continue;
            }
            int best = leastLoadedSlot(job, homeSlot(job.runId()), pending);
            out.add(partition(job, best));
        }
        return out;
    }

    /**
     * Halves the job's slots until one is left, each time into the half with fewer unfinished jobs (the home slot's
     * half on a tie). The range assignor gives a group of {@code 4·2^k} members aligned blocks of a source's slots, so
     * this puts a job on a different member than the unfinished ones whenever the group has one to spare.
     */
    private static int leastLoadedSlot(StageJob job, int home, Map<Integer, Long> pending) {
        int lo = 0;
        int hi = RUN_SLOTS;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            long left = 0;
            long right = 0;
            for (int slot = lo; slot < hi; slot++) {
                long load = pending.getOrDefault(partition(job, slot), 0L);
                if (slot < mid) {
                    left += load;
                } else {
                    right += load;
                }
            }
            boolean goLeft = left != right ? left < right : home < mid;
            if (goLeft) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return lo;
    }

    /**
     * Unfinished jobs per partition of a job topic: committed job records after the consumer group's committed
     * offset (a job's offset is committed only once it is done, so this counts waiting and running jobs). Empty when
     * the broker cannot tell within a few seconds.
     */
    public static Map<Integer, Long> pendingJobs(String bootstrap, String topic, String group) {
        Map<Integer, Long> pending = new HashMap<>();
        try (Admin admin = Admin.create(KafkaClients.base(bootstrap, "genrestack-job-routing"));
                KafkaConsumer<String, byte[]> reader = KafkaClients.reader(bootstrap, "genrestack-job-routing")) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS);
            List<TopicPartition> tps = reader.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            reader.assign(tps);
            Map<TopicPartition, Long> end = reader.endOffsets(tps, Duration.ofSeconds(5)); // read_committed: the LSO
            List<TopicPartition> open = new ArrayList<>();
            for (TopicPartition tp : tps) {
                OffsetAndMetadata c = committed.get(tp);
                long from = c == null ? 0 : c.offset();
                if (from < end.getOrDefault(tp, 0L)) {
                    reader.seek(tp, from);
                    open.add(tp);
                } else {
                    reader.pause(List.of(tp));
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    pending.merge(r.partition(), 1L, Long::sum);
                }
                open.removeIf(tp -> reader.position(tp) >= end.get(tp));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        } catch (Exception e) {
            LOG.warnf(
                    "could not count the unfinished jobs on %s (%s); jobs go to their home slots", topic, e.toString());
            return Map.of();
        }
        return pending;
    }
}
