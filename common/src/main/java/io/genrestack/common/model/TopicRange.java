package io.genrestack.common.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * The records of one run in one topic: per partition the half-open offset range [from, to) that holds them
 * (other runs' records may be interleaved; readers filter by run id) and how many records of the run it holds.
 * A stage reads exactly this range with {@code isolation.level=read_committed} and checks the count, so it never
 * works on a partial set.
 */
public record TopicRange(String topic, Map<Integer, OffsetRange> partitions, long expectedRecords) {

    public TopicRange {
        partitions = partitions == null ? Map.of() : new TreeMap<>(partitions);
    }

    /** Half-open offset range [from, to). */
    public record OffsetRange(long from, long to) {}
}
