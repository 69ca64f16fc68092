package io.genrestack.common.model;

import java.time.Instant;
import java.util.Map;

/**
 * Topic {@code run-events}, key = run id (one partition, so a run's events are totally ordered). Progress and
 * completion of every stage; what the local run command and {@code GET /runs} follow.
 *
 * @param type one of the constants below
 * @param stage the emitting stage
 * @param unit the unit of work (a source for trainer/stacker, {@code all} otherwise)
 * @param counts named counts, e.g. {@code train=16000, validation=4000, dead-letters=3}
 * @param objects object-storage keys this event announces, e.g. {@code stats=runs/r1/scaler/stats.bin}
 * @param message a human-readable line
 */
public record RunEvent(
        String runId,
        String type,
        String stage,
        String unit,
        String instance,
        Instant time,
        Map<String, Long> counts,
        Map<String, String> objects,
        String message) {

    public static final String RUN_STARTED = "run-started";
    public static final String STAGE_STARTED = "stage-started";
    public static final String PROGRESS = "progress";
    public static final String EXTRACTION_FINISHED = "extraction-finished";
    public static final String STATS_READY = "stats-ready";
    public static final String SCALING_FINISHED = "scaling-finished";
    public static final String EPOCH_FINISHED = "epoch-finished";
    public static final String BASE_MODEL_FINISHED = "base-model-finished";
    public static final String ACTIVATIONS_FINISHED = "activations-finished";
    public static final String STACKED_MODEL_FINISHED = "stacked-model-finished";
    public static final String PREDICTIONS_FINISHED = "predictions-finished";
    public static final String REPORT_READY = "report-ready";
    /** A prediction run's submission files and scores are in object storage (stacker; objects name them). */
    public static final String PREDICTIONS_READY = "predictions-ready";

    public static final String STAGE_FAILED = "stage-failed";

    public static RunEvent of(
            String runId,
            String type,
            String stage,
            String unit,
            String message,
            Map<String, Long> counts,
            Map<String, String> objects) {
        return new RunEvent(
                runId,
                type,
                stage,
                unit,
                Instances.id(),
                Instant.now(),
                counts == null ? Map.of() : counts,
                objects == null ? Map.of() : objects,
                message);
    }
}
