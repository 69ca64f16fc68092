package io.genrestack.common;

import java.util.List;

/**
 * Every Kafka topic GenreStack uses, in lower kebab-case. Channel names in the services' configuration use the
 * same strings. See docs/architecture.md for who produces and consumes each topic.
 */
public final class Topics {
    private Topics() {}

    /** One {@link io.genrestack.common.model.TrackFeatures} per track and run, keyed by recording MBID. */
    public static final String TRACK_FEATURES = "track-features";
    /** One {@link io.genrestack.common.model.ScaledFeatures} per track and run, keyed by recording MBID. */
    public static final String SCALED_FEATURES = "scaled-features";
    /** One {@link io.genrestack.common.model.TrackActivations} per base model (source) × track, keyed by MBID. */
    public static final String ACTIVATIONS = "activations";
    /** One {@link io.genrestack.common.model.TrackPredictions} per source × track, keyed by MBID. */
    public static final String PREDICTIONS = "predictions";
    /** Progress and completion events of every run ({@link io.genrestack.common.model.RunEvent}), keyed by run id. */
    public static final String RUN_EVENTS = "run-events";
    /** Bad input and failed records with the reason ({@link io.genrestack.common.model.DeadLetter}). */
    public static final String DEAD_LETTERS = "dead-letters";
    /** Exactly-once progress marks of long stage work ({@link io.genrestack.common.model.ProgressMark}); compacted. */
    public static final String STAGE_PROGRESS = "stage-progress";

    /** Work queue of a stage: {@link io.genrestack.common.model.StageJob} records, consumed by the stage's group. */
    public static String jobs(String stage) {
        return stage + "-jobs";
    }

    public static final String STAGE_EXTRACTOR = "extractor";
    public static final String STAGE_SCALER = "scaler";
    public static final String STAGE_TRAINER = "trainer";
    public static final String STAGE_STACKER = "stacker";
    public static final String STAGE_EVALUATOR = "evaluator";

    public static final List<String> STAGES =
            List.of(STAGE_EXTRACTOR, STAGE_SCALER, STAGE_TRAINER, STAGE_STACKER, STAGE_EVALUATOR);

    /** Data topics (partitioned by MBID). */
    public static final List<String> DATA_TOPICS = List.of(TRACK_FEATURES, SCALED_FEATURES, ACTIVATIONS, PREDICTIONS);

    /** All topics, data and control. */
    public static List<String> all() {
        var all = new java.util.ArrayList<String>(DATA_TOPICS);
        all.addAll(List.of(RUN_EVENTS, DEAD_LETTERS, STAGE_PROGRESS));
        STAGES.forEach(s -> all.add(jobs(s)));
        return List.copyOf(all);
    }
}
