package io.genrestack.stacker;

import io.genrestack.common.model.TopicRange;

import java.time.Instant;
import java.util.Map;

/**
 * {@code runs/<run>/state/stacker/<source>/model.json}: a model job finished its source's stacked model (parameters,
 * provenance and thresholds saved) for these inputs. Written last in the model job, before its publish job is handed
 * over; the publish job publishes once every source of the run has one naming the run's recorded inputs.
 *
 * @param inputs the activations range of each base model the model was trained on
 * @param paramsKey the model's parameters
 * @param instance the instance that ran the model job
 */
public record StackedModelDone(
        String runId,
        String source,
        Map<String, TopicRange> inputs,
        String paramsKey,
        String instance,
        Instant finished) {}
