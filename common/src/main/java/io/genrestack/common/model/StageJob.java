package io.genrestack.common.model;

import java.time.Instant;
import java.util.Map;

/**
 * Topic {@code <stage>-jobs}. One unit of work for a stage: run the stage for {@code runId} on {@code unit} (a source
 * for the trainer, {@code all} otherwise). Jobs are consumed by the stage's consumer group, so several instances of a
 * stage share the units; a job's offset is committed only after the work has finished, so a killed instance's job is
 * taken over.
 *
 * @param inputs input ranges by name (e.g. {@code features} → the run's range of {@code track-features})
 * @param objects object-storage keys by name (e.g. {@code stats}, {@code manifest})
 */
public record StageJob(String runId, String stage, String unit, RunConfig config, Map<String, TopicRange> inputs,
        Map<String, String> objects, Instant created) {

    public static final String ALL = "all";

    public StageJob {
        inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
        objects = objects == null ? Map.of() : Map.copyOf(objects);
    }

    public String key() {
        return runId + "/" + stage + "/" + unit;
    }
}
