package io.genrestack.common.model;

import java.time.Instant;
import java.util.LinkedHashMap;
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
 * @param metrics named measurements, e.g. an epoch's {@code trainLoss}, {@code valLoss}, {@code valMacroAuc}
 *        ({@link #epoch}); never null (an event written before the field existed reads back with an empty map)
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
        String message,
        Map<String, Double> metrics) {

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

    /** {@code counts} of an {@link #EPOCH_FINISHED} event: the epoch (1-based) and the most epochs of the model. */
    public static final String EPOCH = "epoch";

    public static final String EPOCHS = "epochs";
    /** {@code metrics} of an {@link #EPOCH_FINISHED} event: mean training and validation loss, validation macro AUC. */
    public static final String TRAIN_LOSS = "trainLoss";

    public static final String VAL_LOSS = "valLoss";
    public static final String VAL_MACRO_AUC = "valMacroAuc";

    public RunEvent {
        counts = counts == null ? Map.of() : counts;
        objects = objects == null ? Map.of() : objects;
        metrics = metrics == null ? Map.of() : metrics;
    }

    /** An event without metrics (the canonical constructor with {@code metrics} empty). */
    public RunEvent(
            String runId,
            String type,
            String stage,
            String unit,
            String instance,
            Instant time,
            Map<String, Long> counts,
            Map<String, String> objects,
            String message) {
        this(runId, type, stage, unit, instance, time, counts, objects, message, Map.of());
    }

    public static RunEvent of(
            String runId,
            String type,
            String stage,
            String unit,
            String message,
            Map<String, Long> counts,
            Map<String, String> objects) {
        return new RunEvent(
                runId, type, stage, unit, Instances.id(), Instant.now(), counts, objects, message, Map.of());
    }

    /**
     * The {@code epoch-finished} event of a model's epoch: counts {@code epoch} and {@code epochs} (the most epochs,
     * early stopping may end sooner), metrics {@code trainLoss}, {@code valLoss}, {@code valMacroAuc} (a NaN value is
     * left out: JSON has no NaN).
     */
    public static RunEvent epoch(
            String runId,
            String stage,
            String unit,
            int epoch,
            int epochs,
            double trainLoss,
            double valLoss,
            double valMacroAuc,
            String message) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        putFinite(metrics, TRAIN_LOSS, trainLoss);
        putFinite(metrics, VAL_LOSS, valLoss);
        putFinite(metrics, VAL_MACRO_AUC, valMacroAuc);
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(EPOCH, (long) epoch);
        counts.put(EPOCHS, (long) epochs);
        return new RunEvent(
                runId, EPOCH_FINISHED, stage, unit, Instances.id(), Instant.now(), counts, Map.of(), message, metrics);
    }

    private static void putFinite(Map<String, Double> m, String key, double v) {
        if (Double.isFinite(v)) {
            m.put(key, v);
        }
    }
}
