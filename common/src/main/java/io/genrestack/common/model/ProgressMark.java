package io.genrestack.common.model;

import java.util.Map;

/**
 * Topic {@code stage-progress} (compacted), key = {@code <run>/<stage>/<unit>/<step>}. Written in the same Kafka
 * transaction as the output records of a chunk, so after a crash a stage resumes exactly after the last committed
 * chunk: no output record is lost or duplicated.
 *
 * @param position where to resume: per input partition the next offset to read, or {@code {-1: n}} for a non-Kafka
 *        input (items consumed so far)
 * @param counts running counts (records in, out, dead letters, ...)
 * @param done true when the step has finished
 */
public record ProgressMark(String runId, String stage, String unit, String step, Map<Integer, Long> position,
        Map<String, Long> counts, boolean done) {

    public String key() {
        return key(runId, stage, unit, step);
    }

    public static String key(String runId, String stage, String unit, String step) {
        return runId + "/" + stage + "/" + unit + "/" + step;
    }
}
