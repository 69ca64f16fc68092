package io.genrestack.scaler;

import io.genrestack.common.kafka.KafkaClients;
import io.genrestack.common.kafka.TopicAdmin;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.serde.Json;
import io.genrestack.testkit.ForkedHeap;
import io.genrestack.testkit.LocalInfra;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The scaler's two passes ({@link ScalerHeapProbe}) over 2 500 and 10 000 real-width records (2669 features) in the
 * local Kafka, under a fixed {@value #HEAP} heap in a forked JVM: it must not run out of memory, and its heap after GC
 * must not grow with the records (docs/capacity.md: the scaler keeps nothing per track). A negative control keeps one
 * standardised vector in eight in heap and must fail the same check.
 */
class ScalerHeapTest {
    static final String HEAP = "128m";
    static final int SMALL = 2_500;
    static final int LARGE = 10_000;
    static final int FEATURES = 2669;
    /** Documented heap per track of the scaler: none (statistics are per partition and feature). */
    static final long BYTES_PER_TRACK = 0;

    static final long SLACK = 4_000_000;

    @TempDir
    Path dir;

    /** Writes {@code n} records of a fresh run into a fresh 3-partition topic; returns the range file. */
    private Path produce(String bootstrap, String run, int n) throws Exception {
        String topic = "scaler-heap-" + run;
        try (Admin admin = Admin.create(KafkaClients.base(bootstrap, "scaler-heap-admin"))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        TopicAdmin.awaitLeaders(bootstrap, List.of(topic)); // before the idempotent producer's first batches
        Map<Integer, long[]> offsets = new TreeMap<>();
        Random rnd = new Random(n);
        try (KafkaProducer<String, byte[]> p = KafkaClients.producer(bootstrap, "scaler-heap-producer")) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                float[] x = new float[FEATURES];
                for (int j = 0; j < FEATURES; j++) {
                    x[j] = (float) (rnd.nextGaussian() * (1 + j % 7) + j % 13);
                }
                String mbid = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
                TrackFeatures t = new TrackFeatures(
                        run,
                        mbid,
                        i % 5 == 0 ? Split.VALIDATION : Split.TRAIN,
                        mbid,
                        "lowlevel/" + mbid + ".json",
                        Map.of("allmusic", List.of(i % 766)),
                        x);
                sent.add(p.send(new ProducerRecord<>(topic, mbid, Json.bytes(t))));
            }
            for (Future<RecordMetadata> f : sent) {
                RecordMetadata m = f.get();
                long[] r = offsets.computeIfAbsent(m.partition(), k -> new long[] {Long.MAX_VALUE, 0});
                r[0] = Math.min(r[0], m.offset());
                r[1] = Math.max(r[1], m.offset() + 1);
            }
        }
        Map<Integer, TopicRange.OffsetRange> parts = new TreeMap<>();
        offsets.forEach((k, r) -> parts.put(k, new TopicRange.OffsetRange(r[0], r[1])));
        Path file = dir.resolve(run + "-range.json");
        Files.write(file, Json.bytes(new TopicRange(topic, parts, n)));
        return file;
    }

    private ForkedHeap.Result probe(String bootstrap, String run, Path range, int tracks, String... extra)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(bootstrap, run, range.toString()));
        args.addAll(List.of(extra));
        ForkedHeap.Result r =
                ForkedHeap.run(ScalerHeapProbe.class, HEAP, Duration.ofMinutes(4), args.toArray(String[]::new));
        System.out.printf(
                "scaler probe %d tracks %s: peak heap after GC %.1f MB, checkpoints %s, %.0f s%n",
                tracks, String.join(" ", extra), r.peakAfterGc() / 1e6, r.checkpoints(), r.seconds());
        return r.requireSuccess();
    }

    @Test
    void heapDoesNotGrowWithTheRecords() throws Exception {
        String bootstrap = LocalInfra.ensureStarted().kafkaBootstrap();
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String smallRun = "heap-" + SMALL + "-" + tag;
        String largeRun = "heap-" + LARGE + "-" + tag;
        ForkedHeap.Result small = probe(bootstrap, smallRun, produce(bootstrap, smallRun, SMALL), SMALL);
        Path largeRange = produce(bootstrap, largeRun, LARGE);
        ForkedHeap.Result large = probe(bootstrap, largeRun, largeRange, LARGE);
        ForkedHeap.assertBounded(small, SMALL, large, LARGE, BYTES_PER_TRACK, SLACK);

        // negative control: standardised vectors kept in heap must fail the same check
        ForkedHeap.Result holding = probe(bootstrap, largeRun, largeRange, LARGE, "hold");
        assertThrows(
                AssertionError.class,
                () -> ForkedHeap.assertBounded(small, SMALL, holding, LARGE, BYTES_PER_TRACK, SLACK));
    }
}
