package io.genrestack.common.kafka;

import io.genrestack.common.model.TopicRange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads exactly the committed records of a {@link TopicRange}, partition by partition range [from, to), without a
 * consumer group (assign + seek), so any stage can re-read its input as often as it needs (two passes for the scaler,
 * materialise + infer for the trainer) and a restarted stage reads the same records again. The caller filters by
 * run id (records of other runs may be interleaved in the range); offsets the range {@linkplain TopicRange#excluded
 * excludes} are skipped.
 */
public final class RangeReader {
    /** Receives records; {@link #next} gives the position to resume from after this record. */
    @FunctionalInterface
    public interface Sink {
        void accept(ConsumerRecord<String, byte[]> record) throws Exception;
    }

    private RangeReader() {}

    /**
     * Reads the range, starting at {@code resume} positions where given (else the range's {@code from}).
     *
     * @param afterBatch called after each polled batch with the positions reached so far (for checkpoints); may be
     *        null
     * @return records delivered
     */
    public static long read(
            String bootstrap,
            TopicRange range,
            Map<Integer, Long> resume,
            Sink sink,
            java.util.function.Consumer<Map<Integer, Long>> afterBatch)
            throws Exception {
        long delivered = 0;
        try (KafkaConsumer<String, byte[]> c = KafkaClients.reader(bootstrap, "range-reader-" + range.topic())) {
            List<TopicPartition> parts = new ArrayList<>();
            Map<TopicPartition, Long> end = new HashMap<>();
            for (var e : range.partitions().entrySet()) {
                TopicPartition tp = new TopicPartition(range.topic(), e.getKey());
                long from = resume != null && resume.containsKey(e.getKey())
                        ? resume.get(e.getKey())
                        : e.getValue().from();
                if (from < e.getValue().to()) {
                    parts.add(tp);
                    end.put(tp, e.getValue().to());
                }
            }
            if (parts.isEmpty()) {
                return 0;
            }
            c.assign(parts);
            for (TopicPartition tp : parts) {
                long from = resume != null && resume.containsKey(tp.partition())
                        ? resume.get(tp.partition())
                        : range.partitions().get(tp.partition()).from();
                c.seek(tp, from);
            }
            List<TopicPartition> open = new ArrayList<>(parts);
            long idleSince = System.nanoTime();
            while (!open.isEmpty()) {
                ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> r : records) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < end.get(tp) && !range.isExcluded(r.partition(), r.offset())) {
                        sink.accept(r);
                        delivered++;
                    }
                }
                Map<Integer, Long> positions = new HashMap<>();
                for (TopicPartition tp : parts) {
                    positions.put(tp.partition(), Math.min(c.position(tp), end.get(tp)));
                }
                open.removeIf(tp -> c.position(tp) >= end.get(tp));
                for (TopicPartition tp : parts) {
                    if (!open.contains(tp) && !c.paused().contains(tp)) {
                        c.pause(List.of(tp));
                    }
                }
                if (!records.isEmpty()) {
                    idleSince = System.nanoTime();
                    if (afterBatch != null) {
                        afterBatch.accept(positions);
                    }
                } else if (System.nanoTime() - idleSince
                        > Duration.ofMinutes(10).toNanos()) {
                    throw new IllegalStateException(
                            "no progress reading " + range.topic() + " for 10 minutes; still open: " + open
                                    + " (positions " + positions + ", range " + range.partitions() + ")");
                }
            }
        }
        return delivered;
    }

    /** Reads the whole range from its start. */
    public static long read(String bootstrap, TopicRange range, Sink sink) throws Exception {
        return read(bootstrap, range, null, sink, null);
    }
}
