package io.genrestack.scaler;

import io.genrestack.common.model.TopicRange;
import io.genrestack.common.stats.FeatureStats;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * The scaler's first pass: train-only feature statistics of a run, one partial per partition, merged in partition
 * order (exact and independent of the order partitions are read in). Streams the range: nothing per record is kept.
 * One instance reading every partition; {@link PartitionStatistics} is the same pass split over instances.
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
        long t0 = System.nanoTime();
        PartitionStatistics all = PartitionStatistics.compute(
                bootstrap, run, input, input.partitions().keySet(), onRecord);
        FeatureStats merged = PartitionStatistics.merge(run, input, List.of(all));
        LOG.infof(
                "[%s] statistics over %d train vectors (%d partitions) in %.1f s",
                run, merged.vectors(), all.byPartition().size(), (System.nanoTime() - t0) / 1e9);
        return merged;
    }
}
