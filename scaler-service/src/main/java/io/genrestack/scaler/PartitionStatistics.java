package io.genrestack.scaler;

import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.serde.Json;
import io.genrestack.common.stats.FeatureStats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The scaler's first pass over some partitions of a run's {@code track-features} range: one {@link FeatureStats} of
 * the TRAIN vectors per partition (each added in offset order, so the same whichever instance reads it), the run's
 * record count and the undecodable records. Written losslessly ({@link #toBytes}) so that partials computed by several
 * instances and merged by {@link #merge} in partition order give exactly the statistics (byte for byte) of one
 * instance reading the whole range. Nothing per record is kept.
 */
final class PartitionStatistics {
    private static final int MAGIC = 0x47535050; // "GSPP"

    private final SortedMap<Integer, FeatureStats> byPartition;
    private final Set<Integer> partitions;
    private final long runRecords;
    private final long undecodable;

    PartitionStatistics(
            Set<Integer> partitions, Map<Integer, FeatureStats> byPartition, long runRecords, long undecodable) {
        this.partitions = Collections.unmodifiableSortedSet(new TreeSet<>(partitions));
        this.byPartition = Collections.unmodifiableSortedMap(new TreeMap<>(byPartition));
        this.runRecords = runRecords;
        this.undecodable = undecodable;
        if (!this.partitions.containsAll(this.byPartition.keySet())) {
            throw new IllegalArgumentException(
                    "statistics of partitions " + byPartition.keySet() + " outside the partitions read " + partitions);
        }
    }

    /** The input partitions this part read (some may hold no TRAIN vector). */
    Set<Integer> partitions() {
        return partitions;
    }

    /** The TRAIN statistics per partition that holds any. */
    SortedMap<Integer, FeatureStats> byPartition() {
        return byPartition;
    }

    long runRecords() {
        return runRecords;
    }

    long undecodable() {
        return undecodable;
    }

    /**
     * Reads the {@code partitions} of {@code input} and keeps, per partition, the statistics of the run's TRAIN
     * vectors; {@code onRecord} is called for every record of the run. A vector whose length differs from the first
     * TRAIN vector of its partition is left out (pass 2 dead-letters it).
     */
    static PartitionStatistics compute(
            String bootstrap, String run, TopicRange input, Set<Integer> partitions, Runnable onRecord)
            throws Exception {
        Map<Integer, FeatureStats> partials = new TreeMap<>();
        long[] counts = new long[2]; // run records, undecodable
        RangeReader.read(bootstrap, input.only(partitions), r -> {
            TrackFeatures t;
            try {
                t = Json.read(r.value(), TrackFeatures.class);
            } catch (IllegalArgumentException e) {
                counts[1]++;
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
            FeatureStats s = partials.computeIfAbsent(r.partition(), p -> new FeatureStats(t.features().length));
            if (t.features().length == s.size()) {
                s.add(t.features());
            }
        });
        return new PartitionStatistics(partitions, partials, counts[0], counts[1]);
    }

    /**
     * Splits the partitions of {@code input} into {@code groups} disjoint groups (round robin over the sorted
     * partitions; fewer groups when there are fewer partitions): every instance computes the same split.
     */
    static List<Set<Integer>> groups(TopicRange input, int groups) {
        List<Integer> sorted = new ArrayList<>(new TreeSet<>(input.partitions().keySet()));
        int n = Math.max(1, Math.min(groups, sorted.size()));
        List<Set<Integer>> out = new ArrayList<>();
        for (int g = 0; g < n; g++) {
            out.add(new TreeSet<>());
        }
        for (int i = 0; i < sorted.size(); i++) {
            out.get(i % n).add(sorted.get(i));
        }
        return out;
    }

    /**
     * The run's statistics from parts that together read every partition of {@code input} exactly once: the
     * per-partition statistics merged in partition order, as one instance merges them. Fails when the parts overlap
     * or miss a partition, when the range holds fewer or more of the run's records than the extractor announced, when
     * there is no TRAIN vector, or when partitions disagree on the vector length.
     */
    static FeatureStats merge(String run, TopicRange input, Collection<PartitionStatistics> parts) {
        Set<Integer> seen = new TreeSet<>();
        SortedMap<Integer, FeatureStats> all = new TreeMap<>();
        long records = 0;
        long undecodable = 0;
        for (PartitionStatistics part : parts) {
            for (int p : part.partitions()) {
                if (!seen.add(p)) {
                    throw new IllegalStateException("run " + run + ": partition " + p + " read by two parts");
                }
            }
            all.putAll(part.byPartition());
            records += part.runRecords();
            undecodable += part.undecodable();
        }
        if (!seen.equals(input.partitions().keySet())) {
            throw new IllegalStateException("run " + run + ": the parts read partitions " + seen + " of "
                    + input.partitions().keySet());
        }
        if (records + undecodable < input.expectedRecords() || records > input.expectedRecords()) {
            throw new IllegalStateException("run " + run + ": the extractor announced " + input.expectedRecords()
                    + " records in " + input.topic() + " but the range holds " + records + " (+" + undecodable
                    + " undecodable); refusing to scale a partial set");
        }
        if (all.isEmpty()) {
            throw new IllegalStateException("run " + run + " has no TRAIN records to compute statistics from");
        }
        int size = all.values().iterator().next().size();
        FeatureStats merged = new FeatureStats(size);
        for (var e : all.entrySet()) {
            if (e.getValue().size() != size) {
                throw new IllegalStateException("run " + run + ": partition " + e.getKey() + " holds vectors of "
                        + e.getValue().size() + " values, another of " + size);
            }
            merged.merge(e.getValue());
        }
        return merged;
    }

    /** Lossless bytes: the partitions read, the counts and every partition's {@link FeatureStats#toBytes}. */
    byte[] toBytes() {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bos);
            out.writeInt(MAGIC);
            out.writeLong(runRecords);
            out.writeLong(undecodable);
            out.writeInt(partitions.size());
            for (int p : partitions) {
                out.writeInt(p);
            }
            out.writeInt(byPartition.size());
            for (var e : byPartition.entrySet()) {
                byte[] b = e.getValue().toBytes();
                out.writeInt(e.getKey());
                out.writeInt(b.length);
                out.write(b);
            }
            out.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static PartitionStatistics fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a GenreStack partial statistics file (magic GSPP)");
            }
            long records = in.readLong();
            long undecodable = in.readLong();
            Set<Integer> partitions = new TreeSet<>();
            for (int i = in.readInt(); i > 0; i--) {
                partitions.add(in.readInt());
            }
            Map<Integer, FeatureStats> stats = new TreeMap<>();
            for (int i = in.readInt(); i > 0; i--) {
                int p = in.readInt();
                stats.put(p, FeatureStats.fromBytes(in.readNBytes(in.readInt())));
            }
            return new PartitionStatistics(partitions, stats, records, undecodable);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated partial statistics: " + e.getMessage(), e);
        }
    }
}
