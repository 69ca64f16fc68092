package io.genrestack.common.kafka;

import io.genrestack.common.Topics;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.serde.Json;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads what a topic holds right now: the committed records between each partition's beginning and its end offset at
 * call time. For inspection and tests (dead letters, job queues, a run's events), not for stage input, which always
 * comes as an exact {@link TopicRange} from the upstream stage.
 */
public final class TopicScan {
    private TopicScan() {}

    /** The range from each partition's beginning to its current (last stable) end. */
    public static TopicRange snapshot(String bootstrap, String topic) {
        try (KafkaConsumer<String, byte[]> c = KafkaClients.reader(bootstrap, "topic-scan")) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            Map<TopicPartition, Long> begin = c.beginningOffsets(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            Map<Integer, TopicRange.OffsetRange> ranges = new TreeMap<>();
            for (TopicPartition tp : parts) {
                ranges.put(tp.partition(), new TopicRange.OffsetRange(begin.get(tp), end.get(tp)));
            }
            return new TopicRange(topic, ranges, -1);
        }
    }

    /** Every record currently in the topic, decoded as {@code type}. */
    public static <T> List<T> readAll(String bootstrap, String topic, Class<T> type) throws Exception {
        List<T> out = new ArrayList<>();
        RangeReader.read(bootstrap, snapshot(bootstrap, topic), r -> out.add(Json.read(r.value(), type)));
        return out;
    }

    /** The events of one run so far, in order. */
    public static List<RunEvent> runEvents(String bootstrap, String runId) throws Exception {
        return readAll(bootstrap, Topics.RUN_EVENTS, RunEvent.class).stream()
                .filter(e -> runId.equals(e.runId()))
                .toList();
    }
}
