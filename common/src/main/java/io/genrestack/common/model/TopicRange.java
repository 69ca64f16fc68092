package io.genrestack.common.model;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The records of one run in one topic: per partition the half-open offset range [from, to) that holds them
 * (other runs' records may be interleaved; readers filter by run id) and how many records of the run it holds.
 * A stage reads exactly this range with {@code isolation.level=read_committed} and checks the count, so it never
 * works on a partial set.
 *
 * @param excluded per partition, offsets inside the range that are not part of the run's records although they
 *        carry its run id (the extractor's later copies of a recording that several units published: the hand-over
 *        sets them, {@code RangeReader} skips them); empty for almost every range
 */
public record TopicRange(
        String topic, Map<Integer, OffsetRange> partitions, long expectedRecords, Map<Integer, List<Long>> excluded) {

    public TopicRange {
        partitions = partitions == null ? Map.of() : new TreeMap<>(partitions);
        excluded = excluded == null ? Map.of() : new TreeMap<>(excluded);
    }

    /** A range without excluded offsets. */
    public TopicRange(String topic, Map<Integer, OffsetRange> partitions, long expectedRecords) {
        this(topic, partitions, expectedRecords, Map.of());
    }

    /** Whether {@code offset} of {@code partition} is one of the {@link #excluded} ones. */
    public boolean isExcluded(int partition, long offset) {
        List<Long> offsets = excluded.get(partition);
        return offsets != null && offsets.contains(offset);
    }

    /**
     * The sub-range on {@code wanted} partitions, with their excluded offsets (its expected count is not known per
     * partition: 0).
     */
    public TopicRange only(Set<Integer> wanted) {
        Map<Integer, OffsetRange> parts = new TreeMap<>();
        Map<Integer, List<Long>> skip = new TreeMap<>();
        partitions.forEach((p, r) -> {
            if (wanted.contains(p)) {
                parts.put(p, r);
                if (excluded.containsKey(p)) {
                    skip.put(p, excluded.get(p));
                }
            }
        });
        return new TopicRange(topic, parts, 0, skip);
    }

    /** Half-open offset range [from, to). */
    public record OffsetRange(long from, long to) {}
}
