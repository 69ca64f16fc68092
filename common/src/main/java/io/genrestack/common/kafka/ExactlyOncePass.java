package io.genrestack.common.kafka;

import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.TopicRange;

import java.util.HashMap;
import java.util.Map;

/**
 * One exactly-once pass over an input range (read-process-write with Kafka transactions, the pattern of Kafka's
 * exactly-once examples; the name says what it guarantees, {@link ExactlyOnceWriter} is the writing half): reads the
 * range from where the writer's last committed chunk left off,
 * hands each record to the sink (which sends output through the writer) and commits a chunk with the input positions
 * every {@code checkpointEvery} records. The caller then sends any final records and calls
 * {@link ExactlyOnceWriter#finish} with {@link #end(TopicRange)}.
 */
public final class ExactlyOncePass {
    private ExactlyOncePass() {}

    /** @return records read in this incarnation */
    public static long run(
            String bootstrap, ExactlyOnceWriter writer, TopicRange input, int checkpointEvery, RangeReader.Sink sink)
            throws Exception {
        return run(bootstrap, writer, input, checkpointEvery, sink, null);
    }

    /**
     * As {@link #run(String, ExactlyOnceWriter, TopicRange, int, RangeReader.Sink)}, for sinks that buffer records
     * (e.g. to run a model on a batch): {@code beforeCheckpoint} must send everything buffered; it runs before each
     * chunk commit and once at the end of the range.
     */
    public static long run(
            String bootstrap,
            ExactlyOnceWriter writer,
            TopicRange input,
            int checkpointEvery,
            RangeReader.Sink sink,
            ThrowingRunnable beforeCheckpoint)
            throws Exception {
        ProgressMark resume = writer.resumePoint();
        Map<Integer, Long> from = resume == null ? null : resume.position();
        Map<Integer, Long> positions = new HashMap<>();
        input.partitions()
                .forEach((p, r) -> positions.put(p, from != null && from.containsKey(p) ? from.get(p) : r.from()));
        long[] since = {0};
        long n = RangeReader.read(
                bootstrap,
                input,
                from,
                r -> {
                    sink.accept(r);
                    positions.put(r.partition(), r.offset() + 1);
                    if (++since[0] >= checkpointEvery) {
                        if (beforeCheckpoint != null) {
                            beforeCheckpoint.run();
                        }
                        writer.checkpoint(new HashMap<>(positions));
                        since[0] = 0;
                    }
                },
                null);
        if (beforeCheckpoint != null) {
            beforeCheckpoint.run();
        }
        return n;
    }

    /** A runnable that may throw. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** The end positions of a range (where a finished pass stands). */
    public static Map<Integer, Long> end(TopicRange range) {
        Map<Integer, Long> end = new HashMap<>();
        range.partitions().forEach((p, r) -> end.put(p, r.to()));
        return end;
    }
}
