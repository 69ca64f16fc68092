package io.genrestack.scaler;

import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.model.ScaledFeatures;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.serde.Json;
import io.genrestack.common.stats.FeatureStats;
import io.genrestack.common.stats.Standardiser;
import io.genrestack.testkit.ForkedHeap;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The scaler's two passes over a run's {@code track-features} range in a real Kafka, for {@link ScalerHeapTest} in a
 * forked JVM with a small heap: the train statistics ({@link TrainStatistics}, as the stage computes them), then every
 * record decoded, standardised and serialised as the stage publishes it (the exactly-once producer is left out: its
 * buffer is a fixed size).
 *
 * <p>Arguments: Kafka bootstrap, run id, a file with the range as JSON, and optionally {@code hold} (a negative
 * control that keeps every eighth standardised vector in heap, so the test can see its check fail).
 */
public final class ScalerHeapProbe {
    private ScalerHeapProbe() {}

    public static void main(String[] args) throws Exception {
        ForkedHeap.start();
        String bootstrap = args[0];
        String run = args[1];
        TopicRange range = Json.read(Files.readAllBytes(Path.of(args[2])), TopicRange.class);
        boolean hold = args.length > 3 && args[3].equals("hold");
        java.util.List<float[]> held = new java.util.ArrayList<>();
        long[] read = {0};
        FeatureStats stats = TrainStatistics.compute(bootstrap, run, range, () -> read[0]++);
        ForkedHeap.checkpoint("stats");
        Standardiser standardiser = new Standardiser(stats);
        long[] out = {0, 0};
        RangeReader.read(bootstrap, range, r -> {
            TrackFeatures t = Json.read(r.value(), TrackFeatures.class);
            ScaledFeatures s =
                    new ScaledFeatures(run, t.mbid(), t.split(), t.labels(), standardiser.apply(t.features()));
            out[1] += Json.bytes(s).length;
            if (hold && out[0] % 8 == 0) {
                held.add(s.features());
            }
            if (++out[0] == range.expectedRecords() / 2) {
                ForkedHeap.checkpoint("half");
            }
        });
        System.out.printf(
                "scaled %d of %d records (%d train vectors, %d held), %.1f MB out%n",
                out[0], read[0], stats.vectors(), held.size(), out[1] / 1e6);
        if (out[0] != range.expectedRecords()) {
            throw new IllegalStateException("read " + out[0] + " records, expected " + range.expectedRecords());
        }
        ForkedHeap.done();
    }
}
