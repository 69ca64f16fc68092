package io.genrestack.scaler;

import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.ExactlyOncePass;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.model.DeadLetter;
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
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scaler's job for a run: pass 1 reads the run's {@code track-features} range and computes per-feature
 * statistics over TRAIN records only (one mergeable {@link FeatureStats} per input partition, merged in partition
 * order); they go to object storage ({@code scaler/stats.bin} + {@code stats.md}). Pass 2 reads the range again and
 * publishes a standardised vector for every record, train and validation, exactly once (chunked Kafka transactions
 * with progress marks), then, in the last transaction, one trainer job per source. Nothing is held in memory but
 * the statistics: the input is re-read from Kafka's log.
 */
@ApplicationScoped
public class ScalerStage extends StageTemplate {
    private static final Logger LOG = Logger.getLogger(ScalerStage.class);
    public static final String STEP = "standardise";

    @Inject
    ScalerSettings settings;

    private final Map<String, Boolean> faultInjected = new ConcurrentHashMap<>();

    @Override
    public String stage() {
        return Topics.STAGE_SCALER;
    }

    @Override
    public void handle(StageJob job) throws Exception {
        String run = job.runId();
        TopicRange input = job.features();
        try (StageRun out = open(job, STEP)) {
            if (out.alreadyDone()) {
                return;
            }
            out.started("scaling " + input.expectedRecords() + " records");
            ExactlyOnceWriter writer = out.writer();
            FeatureStats stats = TrainStatistics.compute(infra().bootstrap(), run, input, () -> count("read", 1));
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

            long failAfter = settings.failAfterRecords().orElse(-1);
            boolean inject = failAfter >= 0 && faultInjected.putIfAbsent(run, true) == null;
            long[] seen = {0};
            long t0 = System.nanoTime();
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
            writer.flush();
            TopicRange output = writer.outputRange(Topics.SCALED_FEATURES);
            StageJob withStats = job.withObject(StageJob.STATS, statsKey);
            List<StageJob> trainerJobs = new ArrayList<>();
            for (String source : Sources.ALL) {
                if (job.labels(source) != null) {
                    trainerJobs.add(withStats.next(Topics.STAGE_TRAINER, source, StageJob.FEATURES, output));
                }
            }
            out.handOver(trainerJobs, ExactlyOncePass.end(input));
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("train", writer.count("train"));
            counts.put("validation", writer.count("validation"));
            counts.put("scaled", output.expectedRecords());
            counts.put("deadLetters", writer.count("deadLetters"));
            count("published", output.expectedRecords());
            count("dead-lettered", writer.count("deadLetters"));
            out.event(
                    RunEvent.SCALING_FINISHED,
                    String.format(
                            "standardised %d records in %.1f s",
                            output.expectedRecords(), (System.nanoTime() - t0) / 1e9),
                    counts,
                    Map.of(StageJob.STATS, statsKey));
        }
    }
}
