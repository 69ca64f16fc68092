package io.genrestack.scaler;

import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.ExactlyOncePass;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.ScaledFeatures;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.serde.Json;
import io.genrestack.common.stats.FeatureStats;
import io.genrestack.common.stats.Standardiser;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.StageRun;
import io.genrestack.platform.StageTemplate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scaler's job for a run: pass 1 reads the run's {@code track-features} range and computes per-feature
 * statistics over TRAIN records only (one mergeable {@link FeatureStats} per input partition, merged in partition
 * order); they go to object storage ({@code scaler/stats.bin} + {@code stats.md}). Pass 2 reads the range again and
 * publishes a standardised vector for every record, train and validation, exactly once (chunked Kafka transactions
 * with progress marks), then, in the last transaction, one trainer job per source. Nothing is held in memory but
 * the statistics: the input is re-read from Kafka's log.
 *
 * <p>With {@code genrestack.scaler.parts} above 1 the run's job fans out over the scaler instances
 * ({@link ScalerUnit}):
 * per-part statistics of disjoint partition groups to object storage, one merge once all are in (in partition order:
 * {@code stats.bin} is byte for byte the one-instance file), per-part standardisation (each part writes the same
 * records, in the same order per partition, as one instance: records keep their MBID partition), and the trainer jobs
 * handed over once by the finish step when every part's progress mark is done. Each step is its own exactly-once
 * {@link StageRun}, so a repeated or late job is a no-op.
 */
@ApplicationScoped
public class ScalerStage extends StageTemplate {
    private static final Logger LOG = Logger.getLogger(ScalerStage.class);
    public static final String STEP = "standardise";
    static final String STEP_FAN_OUT = "fan-out";
    static final String STEP_STATS = "statistics";
    static final String STEP_MERGE = "merge";
    static final String STEP_FINISH = "hand-over";

    @Inject
    ScalerSettings settings;

    private final Map<String, Boolean> faultInjected = new ConcurrentHashMap<>();

    @Override
    public String stage() {
        return Topics.STAGE_SCALER;
    }

    @Override
    public void handle(StageJob job) throws Exception {
        handle(job, settings.parts());
    }

    /** As {@link #handle(StageJob)}, with {@code parts} deciding how a run's {@code all} job is split. */
    void handle(StageJob job, int parts) throws Exception {
        ScalerUnit unit = ScalerUnit.parse(job.unit());
        switch (unit.kind()) {
            case ScalerUnit.ALL -> {
                if (parts <= 1) {
                    scaleWhole(job);
                } else {
                    fanOut(job, parts);
                }
            }
            case ScalerUnit.STATS -> partStatistics(job, unit);
            case ScalerUnit.MERGE -> merge(job, unit);
            case ScalerUnit.SCALE -> scalePart(job, unit);
            case ScalerUnit.FINISH -> finish(job, unit);
            default -> throw new IllegalArgumentException("not a scaler unit: " + job.unit());
        }
    }

    /** One instance: statistics, then every record standardised, then the trainer jobs (the whole run in one job). */
    private void scaleWhole(StageJob job) throws Exception {
        String run = job.runId();
        TopicRange input = job.features();
        try (StageRun out = open(job, STEP)) {
            if (out.alreadyDone()) {
                return;
            }
            out.started("scaling " + input.expectedRecords() + " records");
            ExactlyOnceWriter writer = out.writer();
            FeatureStats stats = TrainStatistics.compute(infra().bootstrap(), run, input, () -> count("read", 1));
            String statsKey = storeStatistics(job, stats, out);
            long t0 = System.nanoTime();
            standardise(job, out, input, stats);
            writer.flush();
            TopicRange output = writer.outputRange(Topics.SCALED_FEATURES);
            out.handOver(trainerJobs(job.withObject(StageJob.STATS, statsKey), output), ExactlyOncePass.end(input));
            finished(out, output, writer.counts(), statsKey, t0);
        }
    }

    /**
     * Several parts: the run's job becomes one statistics job per partition group, spread over the job topic's
     * partitions (so over the scaler instances), in one transaction.
     */
    private void fanOut(StageJob job, int parts) {
        TopicRange input = job.features();
        try (StageRun out = open(job, STEP_FAN_OUT)) {
            if (out.alreadyDone()) {
                return;
            }
            List<Set<Integer>> groups = PartitionStatistics.groups(input, parts);
            out.started("scaling " + input.expectedRecords() + " records in " + groups.size() + " parts");
            List<StageJob> jobs = new ArrayList<>();
            for (int g = 0; g < groups.size(); g++) {
                jobs.add(job.next(
                        Topics.STAGE_SCALER, ScalerUnit.stats(g, groups.size()).name(), StageJob.FEATURES, input));
            }
            out.handOver(jobs, ExactlyOncePass.end(input));
        }
    }

    /**
     * A part's statistics: the TRAIN statistics of its partitions, per partition, to object storage; then, in the
     * step's last transaction, a merge job (every part sends one; the first that finds all parts in merges).
     */
    private void partStatistics(StageJob job, ScalerUnit unit) throws Exception {
        String run = job.runId();
        TopicRange input = job.features();
        try (StageRun out = open(job, STEP_STATS)) {
            if (out.alreadyDone()) {
                return;
            }
            Set<Integer> group = PartitionStatistics.groups(input, unit.parts()).get(unit.part());
            out.started("statistics of partitions " + group);
            PartitionStatistics part =
                    PartitionStatistics.compute(infra().bootstrap(), run, input, group, () -> count("read", 1));
            infra().store().put(RunPaths.scalerPartial(run, unit.part()), part.toBytes(), "application/octet-stream");
            out.handOver(
                    job.next(Topics.STAGE_SCALER, ScalerUnit.merge(unit.parts()).name(), StageJob.FEATURES, input),
                    ExactlyOncePass.end(input.only(group)));
        }
    }

    /**
     * The merge, once every part's statistics are in object storage: merged in partition order (byte for byte what
     * one instance computes), stored as {@code stats.bin}, and one standardisation job per part handed over in the
     * step's last transaction. Merge jobs that come earlier (not all parts in) or later (already done) do nothing;
     * they all queue on one partition, so one instance takes them one after the other.
     */
    private void merge(StageJob job, ScalerUnit unit) throws Exception {
        String run = job.runId();
        TopicRange input = job.features();
        try (StageRun out = open(job, STEP_MERGE)) {
            if (out.alreadyDone()) {
                return;
            }
            List<PartitionStatistics> parts = new ArrayList<>();
            for (int g = 0; g < unit.parts(); g++) {
                Optional<byte[]> bytes = infra().store().getIfExists(RunPaths.scalerPartial(run, g));
                if (bytes.isEmpty()) {
                    LOG.infof(
                            "[%s] statistics of part %d of %d not in yet; a later merge job merges",
                            run, g, unit.parts());
                    return;
                }
                parts.add(PartitionStatistics.fromBytes(bytes.get()));
            }
            FeatureStats stats = PartitionStatistics.merge(run, input, parts);
            String statsKey = storeStatistics(job, stats, out);
            StageJob withStats = job.withObject(StageJob.STATS, statsKey);
            List<StageJob> jobs = new ArrayList<>();
            for (int g = 0; g < unit.parts(); g++) {
                jobs.add(withStats.next(
                        Topics.STAGE_SCALER, ScalerUnit.scale(g, unit.parts()).name(), StageJob.FEATURES, input));
            }
            out.handOver(jobs, ExactlyOncePass.end(input));
        }
    }

    /** A part's standardisation: its partitions' records, exactly once; then a finish job in the last transaction. */
    private void scalePart(StageJob job, ScalerUnit unit) throws Exception {
        TopicRange input = job.features();
        Set<Integer> group = PartitionStatistics.groups(input, unit.parts()).get(unit.part());
        TopicRange mine = input.only(group);
        try (StageRun out = open(job, STEP)) {
            if (out.alreadyDone()) {
                return;
            }
            out.started("standardising partitions " + group);
            FeatureStats stats = FeatureStats.fromBytes(infra().store().get(job.stats()));
            standardise(job, out, mine, stats);
            out.writer().flush();
            out.handOver(
                    job.next(
                            Topics.STAGE_SCALER, ScalerUnit.finish(unit.parts()).name(), StageJob.FEATURES, input),
                    ExactlyOncePass.end(mine));
        }
    }

    /**
     * The trainer jobs, once every part is standardised (their done progress marks say so, with the offsets each
     * wrote): one output range over all parts, handed over in this step's last transaction, exactly once.
     */
    private void finish(StageJob job, ScalerUnit unit) {
        String run = job.runId();
        TopicRange input = job.features();
        try (StageRun out = open(job, STEP_FINISH)) {
            if (out.alreadyDone()) {
                return;
            }
            Set<String> keys = new TreeSet<>();
            for (int g = 0; g < unit.parts(); g++) {
                keys.add(ProgressMark.key(
                        run, stage(), ScalerUnit.scale(g, unit.parts()).name(), STEP));
            }
            Map<String, ProgressMark> marks = ExactlyOnceWriter.readMarks(infra().bootstrap(), keys::contains);
            for (String k : keys) {
                ProgressMark m = marks.get(k);
                if (m == null || !m.done()) {
                    LOG.infof("[%s] %s not done yet; a later finish job hands over", run, k);
                    return;
                }
            }
            Map<Integer, TopicRange.OffsetRange> ranges = new TreeMap<>();
            Map<String, Long> counts = new TreeMap<>();
            String prefix = "range:" + Topics.SCALED_FEATURES + ":";
            for (ProgressMark m : marks.values()) {
                m.counts().forEach((k, v) -> {
                    if (k.startsWith(prefix) && k.endsWith(":from")) {
                        int p = Integer.parseInt(k.substring(prefix.length(), k.length() - ":from".length()));
                        long last = m.counts().get(prefix + p + ":last");
                        ranges.put(p, new TopicRange.OffsetRange(v, last + 1));
                    } else if (!k.startsWith("range:")) {
                        counts.merge(k, v, Long::sum);
                    }
                });
            }
            TopicRange output = new TopicRange(
                    Topics.SCALED_FEATURES, ranges, counts.getOrDefault("out:" + Topics.SCALED_FEATURES, 0L));
            out.handOver(trainerJobs(job, output), ExactlyOncePass.end(input));
            finished(out, output, counts, job.stats(), System.nanoTime());
        }
    }

    /** Writes {@code stats.bin} and {@code stats.md} and announces them; returns the statistics' key. */
    private String storeStatistics(StageJob job, FeatureStats stats, StageRun out) {
        String run = job.runId();
        Standardiser standardiser = new Standardiser(stats);
        String statsKey = RunPaths.scalerStats(run);
        infra().store().put(statsKey, stats.toBytes(), "application/octet-stream");
        infra().store()
                .putText(
                        RunPaths.scalerSummary(run),
                        StatsSummary.markdown(run, stats, standardiser, job),
                        "text/markdown");
        out.event(
                RunEvent.STATS_READY,
                "statistics of " + stats.vectors() + " train vectors, " + standardiser.zeroVarianceCount()
                        + " zero-variance features",
                Map.of("train", stats.vectors(), "zeroVariance", (long) standardiser.zeroVarianceCount()),
                Map.of(StageJob.STATS, statsKey, "summary", RunPaths.scalerSummary(run)));
        return statsKey;
    }

    /** Pass 2 over {@code input}: every record of the run standardised (or dead-lettered), exactly once. */
    private void standardise(StageJob job, StageRun out, TopicRange input, FeatureStats stats) throws Exception {
        String run = job.runId();
        ExactlyOnceWriter writer = out.writer();
        Standardiser standardiser = new Standardiser(stats);
        long failAfter = settings.failAfterRecords().orElse(-1);
        boolean inject = failAfter >= 0 && faultInjected.putIfAbsent(job.key(), true) == null;
        long[] seen = {0};
        out.pass(input, settings.checkpointEvery(), r -> {
            if (inject && seen[0]++ >= failAfter) {
                throw new IllegalStateException(
                        "injected fault after " + failAfter + " records (genrestack.scaler.fail-after-records)");
            }
            TrackFeatures t;
            try {
                t = Json.read(r.value(), TrackFeatures.class);
            } catch (IllegalArgumentException e) {
                writer.send(
                        Topics.DEAD_LETTERS,
                        r.key(),
                        Json.bytes(DeadLetter.of(
                                run,
                                stage(),
                                r.key(),
                                null,
                                "undecodable track-features record: " + e.getMessage(),
                                r.value())));
                writer.count("deadLetters", 1);
                return;
            }
            if (!run.equals(t.runId())) {
                return;
            }
            if (t.features() == null || t.features().length != stats.size()) {
                writer.send(
                        Topics.DEAD_LETTERS,
                        t.mbid(),
                        Json.bytes(DeadLetter.of(
                                run,
                                stage(),
                                t.mbid(),
                                t.sourceFile(),
                                "feature vector has " + (t.features() == null ? 0 : t.features().length)
                                        + " values, the run's statistics have " + stats.size(),
                                null)));
                writer.count("deadLetters", 1);
                return;
            }
            ScaledFeatures s =
                    new ScaledFeatures(run, t.mbid(), t.split(), t.labels(), standardiser.apply(t.features()));
            writer.send(Topics.SCALED_FEATURES, t.mbid(), Json.bytes(s));
            writer.count(t.split() == Split.TRAIN ? "train" : "validation", 1);
        });
    }

    /** One trainer job per source the run has labels for, reading {@code output}. */
    private static List<StageJob> trainerJobs(StageJob withStats, TopicRange output) {
        List<StageJob> trainerJobs = new ArrayList<>();
        for (String source : Sources.ALL) {
            if (withStats.labels(source) != null) {
                trainerJobs.add(withStats.next(Topics.STAGE_TRAINER, source, StageJob.FEATURES, output));
            }
        }
        return trainerJobs;
    }

    private void finished(StageRun out, TopicRange output, Map<String, Long> writerCounts, String statsKey, long t0) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("train", writerCounts.getOrDefault("train", 0L));
        counts.put("validation", writerCounts.getOrDefault("validation", 0L));
        counts.put("scaled", output.expectedRecords());
        counts.put("deadLetters", writerCounts.getOrDefault("deadLetters", 0L));
        count("published", output.expectedRecords());
        count("dead-lettered", counts.get("deadLetters"));
        out.event(
                RunEvent.SCALING_FINISHED,
                String.format(
                        "standardised %d records in %.1f s", output.expectedRecords(), (System.nanoTime() - t0) / 1e9),
                counts,
                Map.of(StageJob.STATS, statsKey));
    }
}
