package io.genrestack.common.kafka;

import io.genrestack.common.Topics;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.TopicRange;
import io.genrestack.testkit.LocalInfra;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A step that "crashes" after committing some chunks and while a chunk is open is resumed by a new writer: the
 * committed output holds every record exactly once and the output range covers exactly the run's records.
 */
class ExactlyOnceWriterTest {
    static String bootstrap;

    @BeforeAll
    static void infra() {
        bootstrap = LocalInfra.ensureStarted().kafkaBootstrap();
        TopicAdmin.ensureTopics(bootstrap, 3, (short) 1);
    }

    @Test
    void crashMidChunkThenResumeGivesEveryRecordExactlyOnce() throws Exception {
        String run = "eos-" + UUID.randomUUID();
        int total = 1000;
        int chunk = 100;
        // first incarnation: commits 3 chunks, then sends half a chunk and "dies" (never commits, never closes)
        ExactlyOnceWriter first = ExactlyOnceWriter.open(bootstrap, run, "test", "all", "copy");
        assertNull(first.resumePoint());
        int i = 0;
        for (; i < 3 * chunk; i++) {
            first.send(Topics.SCALED_FEATURES, "k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8));
            if ((i + 1) % chunk == 0) {
                first.count("items", chunk);
                first.checkpoint(ProgressMark.items((long) i + 1));
            }
        }
        for (; i < 3 * chunk + 50; i++) {
            first.send(Topics.SCALED_FEATURES, "k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        first.count("items", 50);
        // second incarnation: fences the first, sees 300 done
        try (ExactlyOnceWriter second = ExactlyOnceWriter.open(bootstrap, run, "test", "all", "copy")) {
            ProgressMark mark = second.resumePoint();
            assertNotNull(mark);
            assertEquals(300L, mark.itemsConsumed());
            assertEquals(300L, second.count("items"));
            for (int j = (int) mark.itemsConsumed(); j < total; j++) {
                second.send(Topics.SCALED_FEATURES, "k" + j, ("v" + j).getBytes(StandardCharsets.UTF_8));
                if ((j + 1) % chunk == 0) {
                    second.count("items", chunk);
                    if (j + 1 == total) {
                        second.finish(ProgressMark.items((long) total));
                    } else {
                        second.checkpoint(ProgressMark.items((long) j + 1));
                    }
                }
            }
            TopicRange range = second.outputRange(Topics.SCALED_FEATURES);
            assertEquals(total, range.expectedRecords());
            Map<String, Integer> seen = new HashMap<>();
            List<String> order = new ArrayList<>();
            long n = RangeReader.read(bootstrap, range, r -> {
                seen.merge(r.key(), 1, Integer::sum);
                order.add(r.key());
            });
            assertEquals(total, n, "committed records in range");
            assertEquals(total, seen.size());
            assertTrue(seen.values().stream().allMatch(c -> c == 1), "no duplicates");
            assertTrue(ExactlyOnceWriter.latestMark(bootstrap, ProgressMark.key(run, "test", "all", "copy"))
                    .done());
            assertExcludedOffsetsAreSkipped(range, total);
        }
        try {
            first.close();
        } catch (Exception fenced) {
            // the first producer was fenced: expected
        }
        // a third open sees the step as done and would do nothing
        try (ExactlyOnceWriter third = ExactlyOnceWriter.open(bootstrap, run, "test", "all", "copy")) {
            assertTrue(third.resumePoint().done());
            assertEquals(total, third.outputRange(Topics.SCALED_FEATURES).expectedRecords());
        }
    }

    /**
     * The range with two offsets of its first partition {@linkplain TopicRange#excluded excluded}, through JSON (as a
     * job carries it) and {@link TopicRange#only}: the reader skips exactly those two records.
     */
    private static void assertExcludedOffsetsAreSkipped(TopicRange range, int total) throws Exception {
        int p = range.partitions().keySet().iterator().next();
        long from = range.partitions().get(p).from();
        TopicRange less = io.genrestack.common.serde.Json.read(
                io.genrestack.common.serde.Json.bytes(new TopicRange(
                        range.topic(), range.partitions(), total - 2, Map.of(p, List.of(from, from + 2)))),
                TopicRange.class);
        assertEquals(
                Map.of(p, List.of(from, from + 2)),
                less.only(range.partitions().keySet()).excluded());
        List<String> skipped = new ArrayList<>();
        RangeReader.read(bootstrap, range, r -> {
            if (r.partition() == p && (r.offset() == from || r.offset() == from + 2)) {
                skipped.add(r.key());
            }
        });
        assertEquals(2, skipped.size());
        List<String> read = new ArrayList<>();
        assertEquals(total - 2, RangeReader.read(bootstrap, less, r -> read.add(r.key())));
        assertEquals(total - 2, read.size());
        assertTrue(read.stream().noneMatch(skipped::contains), "excluded records skipped: " + skipped);
    }

    /**
     * A mark committed while another writer's transaction on {@code stage-progress} is open (its record before the
     * mark) is still read: the read waits for that transaction instead of stopping at the last stable offset and
     * returning the older mark (which a resuming writer would have resumed from, publishing a chunk twice).
     */
    @Test
    void aMarkCommittedBehindAnOpenTransactionIsRead() throws Exception {
        String run = "eos-lso-" + UUID.randomUUID();
        String key = ProgressMark.key(run, "test", "all", "copy");
        try (ExactlyOnceWriter w = ExactlyOnceWriter.open(bootstrap, run, "test", "all", "copy");
                KafkaProducer<String, byte[]> other =
                        KafkaClients.transactionalProducer(bootstrap, "genrestack-test-open-" + run)) {
            w.count("items", 10);
            w.checkpoint(ProgressMark.items(10L));
            other.initTransactions();
            other.beginTransaction();
            other.send(new ProducerRecord<>(Topics.STAGE_PROGRESS, 0, "unrelated-" + run, new byte[] {'{', '}'}));
            other.flush(); // its record is in the log, its transaction open
            w.count("items", 10);
            w.checkpoint(ProgressMark.items(20L)); // committed after the open transaction's record
            ExecutorService reader = Executors.newSingleThreadExecutor();
            try {
                Future<ProgressMark> read = reader.submit(() -> ExactlyOnceWriter.latestMark(bootstrap, key));
                Thread.sleep(1500);
                assertFalse(read.isDone(), "the read must wait for the open transaction, not stop before it");
                other.commitTransaction();
                ProgressMark mark = read.get(60, TimeUnit.SECONDS);
                assertEquals(20L, mark.itemsConsumed(), "the mark committed behind the open transaction");
            } finally {
                reader.shutdownNow();
            }
        }
    }
}
