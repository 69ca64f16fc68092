package io.genrestack.scaler;

import io.genrestack.common.Topics;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.serde.Json;
import io.genrestack.common.stats.FeatureStats;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.InfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scaler's first pass split over instances, against the real broker and object storage: a run's
 * {@code track-features} (real width, missing values, validation records and another run interleaved) read by two
 * instances at once, each over its own partitions ({@link PartitionStatistics#groups}), their partials written to
 * and read back from object storage and merged: the statistics are byte for byte those of one instance reading the
 * whole range ({@link TrainStatistics}, what {@code stats.bin} holds). A missing or doubled part is refused.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class PartitionStatisticsTest {
    static final int COLS = 2669;
    static final int TRACKS = 600;

    @Inject
    Infrastructure infra;

    TopicRange publish(String run, String other) {
        Random r = new Random(17);
        try (ExactlyOnceWriter w = ExactlyOnceWriter.open(infra.bootstrap(), run, "extractor", "all", "publish");
                ExactlyOnceWriter o = ExactlyOnceWriter.open(infra.bootstrap(), other, "extractor", "all", "publish")) {
            for (int i = 0; i < TRACKS; i++) {
                float[] v = new float[COLS];
                for (int j = 0; j < COLS; j++) {
                    v[j] = j % 97 == 0 ? 3f : (float) (Math.exp(r.nextGaussian() * 3) * (j % 13 + 1));
                    if ((i + j) % 31 == 0) {
                        v[j] = Float.NaN;
                    }
                }
                String mbid = new UUID(31, i).toString();
                Split split = i % 5 == 0 ? Split.VALIDATION : Split.TRAIN;
                w.send(
                        Topics.TRACK_FEATURES,
                        mbid,
                        Json.bytes(new TrackFeatures(run, mbid, split, "rg", "x", Map.of("lastfm", List.of(0)), v)));
                if (i % 7 == 0) {
                    o.send(
                            Topics.TRACK_FEATURES,
                            mbid,
                            Json.bytes(new TrackFeatures(
                                    other, mbid, Split.TRAIN, "rg", "x", Map.of("lastfm", List.of(0)), v)));
                }
            }
            o.finish(ProgressMark.items((long) TRACKS));
            w.finish(ProgressMark.items((long) TRACKS));
            return w.outputRange(Topics.TRACK_FEATURES);
        }
    }

    @Test
    void twoInstancesMergeToTheBytesOfOne() throws Exception {
        String run = "parts-" + UUID.randomUUID().toString().substring(0, 8);
        TopicRange input = publish(run, run + "-other");
        assertTrue(
                input.partitions().size() > 1,
                "the run spans " + input.partitions().keySet());

        byte[] one =
                TrainStatistics.compute(infra.bootstrap(), run, input, () -> {}).toBytes();

        List<Set<Integer>> groups = PartitionStatistics.groups(input, 2);
        assertEquals(2, groups.size());
        Set<Integer> union = new TreeSet<>();
        groups.forEach(union::addAll);
        assertEquals(input.partitions().keySet(), union);
        assertFalse(groups.get(0).stream().anyMatch(groups.get(1)::contains));

        // two instances at once, each its own group, partials through object storage
        ExecutorService instances = Executors.newFixedThreadPool(2);
        List<Future<String>> written = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            int group = g;
            written.add(instances.submit(() -> {
                PartitionStatistics part =
                        PartitionStatistics.compute(infra.bootstrap(), run, input, groups.get(group), () -> {});
                String key = RunPaths.scalerPartial(run, group);
                infra.store().put(key, part.toBytes(), "application/octet-stream");
                return key;
            }));
        }
        List<PartitionStatistics> parts = new ArrayList<>();
        for (Future<String> f : written) {
            parts.add(PartitionStatistics.fromBytes(infra.store().get(f.get())));
        }
        instances.shutdown();
        FeatureStats merged = PartitionStatistics.merge(run, input, parts);
        assertEquals(TRACKS - TRACKS / 5, merged.vectors());
        assertArrayEquals(one, merged.toBytes(), "merged partials differ from one pass");
        // in the other order of parts too
        assertArrayEquals(
                one,
                PartitionStatistics.merge(run, input, List.of(parts.get(1), parts.get(0)))
                        .toBytes());

        // a missing part, a part read twice: refused
        assertThrows(IllegalStateException.class, () -> PartitionStatistics.merge(run, input, List.of(parts.get(0))));
        assertThrows(
                IllegalStateException.class,
                () -> PartitionStatistics.merge(run, input, List.of(parts.get(0), parts.get(1), parts.get(1))));
    }
}
