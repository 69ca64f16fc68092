package io.genrestack.common.serde;

import io.genrestack.common.Topics;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.ScaledFeatures;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TrackActivations;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.model.TrackPredictions;

import java.io.IOException;

/** Which record type each topic carries, and the decoder that turns any record value into readable JSON. */
public final class RecordTypes {
    private RecordTypes() {}

    public static Class<?> forTopic(String topic) {
        return switch (topic) {
            case Topics.TRACK_FEATURES -> TrackFeatures.class;
            case Topics.SCALED_FEATURES -> ScaledFeatures.class;
            case Topics.ACTIVATIONS -> TrackActivations.class;
            case Topics.PREDICTIONS -> TrackPredictions.class;
            case Topics.RUN_EVENTS -> RunEvent.class;
            case Topics.DEAD_LETTERS -> DeadLetter.class;
            case Topics.STAGE_PROGRESS -> ProgressMark.class;
            default -> {
                if (topic.endsWith("-jobs")) {
                    yield StageJob.class;
                }
                throw new IllegalArgumentException("unknown topic '" + topic + "'; known: " + Topics.all());
            }
        };
    }

    /**
     * Decodes a record value of {@code topic} into pretty JSON with vectors as plain arrays (NaN as "NaN").
     *
     * @throws IllegalArgumentException when the bytes are not a valid record of that topic
     */
    public static String toReadableJson(String topic, byte[] value) {
        Object record = Json.read(value, forTopic(topic));
        try {
            return Json.READABLE.writeValueAsString(record);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
