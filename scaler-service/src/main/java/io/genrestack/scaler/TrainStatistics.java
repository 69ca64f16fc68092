package io.genrestack.scaler;

import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.serde.Json;
import io.genrestack.common.stats.FeatureStats;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.TreeMap;

/**
 * The scaler's first pass: train-only feature statistics of a run, one partial per partition, merged in partition
 * order (exact and independent of the order partitions are read in). Streams the range: nothing per record is kept.
 */
final class TrainStatistics {
    private static final Logger LOG = Logger.getLogger(TrainStatistics.class);

    private TrainStatistics() {}

    /**
     * Statistics of the TRAIN vectors of {@code run} in {@code input}; {@code onRecord} is called for every record of
     * the run. Fails when the range holds fewer or more of the run's records than the extractor announced, or none of
     * them is TRAIN.
     */
    static FeatureStats compute(String bootstrap, String run, TopicRange input, Runnable onRecord) throws Exception {
        Map<Integer, FeatureStats> partials = new TreeMap<>();
        long[] counts = new long[3]; // run records, train, undecodable
        int[] size = {-1};
        long t0 = System.nanoTime();
        RangeReader.read(bootstrap, input, r -> {
            TrackFeatures t;
            try {
                t = Json.read(r.value(), TrackFeatures.class);
            } catch (IllegalArgumentException e) {
                counts[2]++;
                return;
            }
            if (!run.equals(t.runId())) {
                return;
            }
            counts[0]++;
            onRecord.run();
            if (t.split() != Split.TRAIN || t.features() == null) {
                return;
            }
            if (size[0] < 0) {
                size[0] = t.features().length;
            }
            if (t.features().length != size[0]) {
                return; // dead-lettered in pass 2
            }
            partials.computeIfAbsent(r.partition(), p -> new FeatureStats(size[0]))
                    .add(t.features());
            counts[1]++;
        });
        if (counts[0] + counts[2] < input.expectedRecords() || counts[0] > input.expectedRecords()) {
            throw new IllegalStateException("run " + run + ": the extractor announced " + input.expectedRecords()
                    + " records in " + input.topic() + " but the range holds " + counts[0] + " (+" + counts[2]
                    + " undecodable); refusing to scale a partial set");
        }
        if (partials.isEmpty()) {
            throw new IllegalStateException("run " + run + " has no TRAIN records to compute statistics from");
        }
        FeatureStats merged = new FeatureStats(size[0]);
        partials.values().forEach(merged::merge);
        LOG.infof(
                "[%s] statistics over %d train vectors (%d partitions) in %.1f s",
                run, merged.vectors(), partials.size(), (System.nanoTime() - t0) / 1e9);
        return merged;
    }
}
