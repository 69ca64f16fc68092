package io.genrestack.common.model;

import java.util.Map;

/**
 * Topic {@code stage-progress} (compacted), key = {@code <run>/<stage>/<unit>/<step>}. Written in the same Kafka
 * transaction as the output records of a chunk, so after a crash a stage resumes exactly after the last committed
 * chunk: no output record is lost or duplicated.
 *
 * @param position where to resume: per input partition the next offset to read, or, for a non-Kafka input,
 *        {@code {-1: n}} with n = items consumed so far ({@link #items(long)}, {@link #itemsConsumed()})
 * @param counts running counts (records in, out, dead letters, ...)
 * @param done true when the step has finished
 */
public record ProgressMark(
        String runId,
        String stage,
        String unit,
        String step,
        Map<Integer, Long> position,
        Map<String, Long> counts,
        boolean done) {

    /** The position entry of a non-Kafka input (files, or a stage's own sequence): items consumed so far. */
    public static final int ITEMS = -1;

    /** The position of a non-Kafka input after {@code n} consumed items. */
    public static Map<Integer, Long> items(long n) {
        return Map.of(ITEMS, n);
    }

    /** Items consumed so far of a non-Kafka input (0 when the mark has no such entry). */
    public long itemsConsumed() {
        return position == null ? 0 : position.getOrDefault(ITEMS, 0L);
    }

    /** Items consumed so far by the step whose last mark is {@code mark} (0 when it never committed). */
    public static long itemsConsumed(ProgressMark mark) {
        return mark == null ? 0 : mark.itemsConsumed();
    }

    public String key() {
        return key(runId, stage, unit, step);
    }

    public static String key(String runId, String stage, String unit, String step) {
        return runId + "/" + stage + "/" + unit + "/" + step;
    }
}
