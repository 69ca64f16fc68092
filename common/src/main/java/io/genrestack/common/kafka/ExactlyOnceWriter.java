package io.genrestack.common.kafka;

import io.genrestack.common.Topics;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.serde.Json;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * Exactly-once output of one step of a stage's job ({@code <run>/<stage>/<unit>/<step>}), in chunks.
 *
 * <p>
 * Each chunk is one Kafka transaction holding the chunk's output records AND a {@link ProgressMark} on
 * {@code stage-progress} that says where the input stands and which offsets the outputs occupy so far. The
 * transactional id is derived from the step, so a restarted (or duplicate, zombie) instance fences the old producer
 * and aborts its open transaction; {@link #resumePoint()} then returns the last committed mark and the caller
 * continues from its position. Readers use {@code read_committed}, so aborted output is never seen: no record is
 * lost or duplicated across crashes.
 */
public final class ExactlyOnceWriter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ExactlyOnceWriter.class);

    private final String bootstrap;
    private final String runId;
    private final String stage;
    private final String unit;
    private final String step;
    private final KafkaProducer<String, byte[]> producer;
    private final ProgressMark resume;
    private final Map<String, Map<Integer, long[]>> ranges = new ConcurrentHashMap<>();
    private final Map<String, Long> counts = new TreeMap<>();
    private final List<Future<RecordMetadata>> pending = new ArrayList<>();
    private boolean inTransaction;
    private static volatile long chunkPauseMillis;

    /**
     * Sets a pause after every committed chunk of every writer in this process (0: none, the default). Fault drills
     * use it to stretch a stage's output so that a kill lands in its middle.
     */
    public static void chunkPause(Duration pause) {
        chunkPauseMillis = pause == null ? 0 : Math.max(0, pause.toMillis());
    }

    private ExactlyOnceWriter(String bootstrap, String runId, String stage, String unit, String step) {
        this.bootstrap = bootstrap;
        this.runId = runId;
        this.stage = stage;
        this.unit = unit;
        this.step = step;
        this.producer = KafkaClients.transactionalProducer(
                bootstrap, "genrestack-" + stage + "-" + runId + "-" + unit + "-" + step);
        this.producer.initTransactions(); // fences older incarnations, aborts their open transaction
        this.resume = latestMark(bootstrap, ProgressMark.key(runId, stage, unit, step));
        if (resume != null) {
            counts.putAll(resume.counts());
            restoreRanges(resume.counts());
            LOG.infof(
                    "%s: resuming after committed progress %s (done=%s)",
                    resume.key(), resume.position(), resume.done());
        }
    }

    public static ExactlyOnceWriter open(String bootstrap, String runId, String stage, String unit, String step) {
        return new ExactlyOnceWriter(bootstrap, runId, stage, unit, step);
    }

    /** The last committed progress of this step, or null when it never committed a chunk. */
    public ProgressMark resumePoint() {
        return resume;
    }

    /** Sends a record in the current chunk's transaction (started on first use). */
    public void send(String topic, String key, byte[] value) {
        beginIfNeeded();
        pending.add(producer.send(new ProducerRecord<>(topic, key, value), (md, ex) -> {
            if (md != null) {
                ranges.computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
                        .merge(md.partition(), new long[] {md.offset(), md.offset()}, (a, b) ->
                                new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
            }
        }));
        counts.merge("out:" + topic, 1L, Long::sum);
    }

    /** Sends to an explicit partition (job topics). */
    public void send(String topic, int partition, String key, byte[] value) {
        beginIfNeeded();
        pending.add(producer.send(new ProducerRecord<>(topic, partition, key, value)));
    }

    /** Adds to a named count carried in the progress marks. */
    public void count(String name, long delta) {
        counts.merge(name, delta, Long::sum);
    }

    public long count(String name) {
        return counts.getOrDefault(name, 0L);
    }

    public Map<String, Long> counts() {
        return Collections.unmodifiableMap(counts);
    }

    /** Waits until every record sent so far is acknowledged, so {@link #outputRange} covers them. */
    public void flush() {
        try {
            producer.flush();
            for (Future<RecordMetadata> f : pending) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(
                    "sending output of " + ProgressMark.key(runId, stage, unit, step) + " failed: " + e, e);
        }
        pending.clear();
    }

    /** Commits the current chunk with its progress mark. */
    public void checkpoint(Map<Integer, Long> position) {
        commit(position, false);
    }

    /** Commits the last chunk and marks the step done. */
    public void finish(Map<Integer, Long> position) {
        commit(position, true);
    }

    /**
     * The run's records this step wrote to {@code topic} (all chunks, including those of earlier incarnations), as a
     * range for the next stage. Call after {@link #flush} or {@link #finish}.
     */
    public TopicRange outputRange(String topic) {
        Map<Integer, TopicRange.OffsetRange> parts = new TreeMap<>();
        ranges.getOrDefault(topic, Map.of())
                .forEach((p, r) -> parts.put(p, new TopicRange.OffsetRange(r[0], r[1] + 1)));
        return new TopicRange(topic, parts, counts.getOrDefault("out:" + topic, 0L));
    }

    private void beginIfNeeded() {
        if (!inTransaction) {
            producer.beginTransaction();
            inTransaction = true;
        }
    }

    private void commit(Map<Integer, Long> position, boolean done) {
        beginIfNeeded();
        flush(); // surface send errors before committing
        Map<String, Long> withRanges = new TreeMap<>(counts);
        ranges.forEach((topic, parts) -> parts.forEach((p, r) -> {
            withRanges.put("range:" + topic + ":" + p + ":from", r[0]);
            withRanges.put("range:" + topic + ":" + p + ":last", r[1]);
        }));
        ProgressMark mark =
                new ProgressMark(runId, stage, unit, step, position == null ? Map.of() : position, withRanges, done);
        producer.send(new ProducerRecord<>(Topics.STAGE_PROGRESS, 0, mark.key(), Json.bytes(mark)));
        producer.commitTransaction();
        inTransaction = false;
        long pause = chunkPauseMillis;
        if (pause > 0 && !done) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted after a chunk of " + mark.key(), e);
            }
        }
    }

    private void restoreRanges(Map<String, Long> saved) {
        saved.forEach((k, v) -> {
            if (k.startsWith("range:")) {
                String[] parts = k.split(":");
                // range:<topic>:<partition>:<from|last>
                String topic = parts[1];
                int partition = Integer.parseInt(parts[2]);
                long[] r = ranges.computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
                        .computeIfAbsent(partition, p -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
                if ("from".equals(parts[3])) {
                    r[0] = Math.min(r[0], v);
                } else {
                    r[1] = Math.max(r[1], v);
                }
            }
        });
        counts.keySet().removeIf(k -> k.startsWith("range:"));
    }

    /** Latest committed mark for a key (scans the single-partition, compacted progress topic). */
    public static ProgressMark latestMark(String bootstrap, String key) {
        Map<String, ProgressMark> all = readMarks(bootstrap, key::equals);
        return all.get(key);
    }

    /**
     * Latest committed marks whose key matches: every mark committed before this call is seen. A read_committed
     * reader's end offset is the last stable offset, which an open transaction of any other writer on
     * {@code stage-progress} holds back, hiding marks committed after that transaction began; so the read goes on to
     * the partition's high watermark as it is when the call starts, waiting for such a transaction to commit or abort
     * (a mark is sent just before its commit, so that is normally milliseconds; a writer that died between the two is
     * aborted by the broker after its transaction timeout, or at once when its step is reopened).
     */
    public static Map<String, ProgressMark> readMarks(String bootstrap, java.util.function.Predicate<String> keys) {
        Map<String, ProgressMark> latest = new HashMap<>();
        TopicPartition tp = new TopicPartition(Topics.STAGE_PROGRESS, 0);
        long end = KafkaClients.highWatermark(bootstrap, tp);
        long waitingSince = System.nanoTime();
        long warnedAt = 0;
        try (KafkaConsumer<String, byte[]> c = KafkaClients.reader(bootstrap, "progress-reader")) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            while (c.position(tp) < end) {
                long waited = (System.nanoTime() - waitingSince) / 1_000_000_000L;
                if (waited >= warnedAt + 30) {
                    warnedAt = waited;
                    LOG.warnf(
                            "reading progress marks: at offset %d of %d after %d s; an open transaction on %s holds"
                                    + " the rest back (waiting for it to commit or abort)",
                            c.position(tp), end, waited, Topics.STAGE_PROGRESS);
                }
                ConsumerRecords<String, byte[]> rs = c.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> r : rs) {
                    if (r.key() != null && keys.test(r.key())) {
                        latest.put(r.key(), r.value() == null ? null : Json.read(r.value(), ProgressMark.class));
                    }
                }
            }
        }
        latest.values().removeIf(java.util.Objects::isNull);
        return latest;
    }

    @Override
    public void close() {
        try {
            if (inTransaction) {
                producer.abortTransaction();
            }
        } catch (Exception e) {
            LOG.debugf("abort on close: %s", e);
        }
        producer.close(Duration.ofSeconds(10));
    }
}
