package io.genrestack.common.serde;

import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.ScaledFeatures;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TrackActivations;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.model.TrackPredictions;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializers/deserializers for every GenreStack record, all built on {@link Json#MAPPER}. Values are UTF-8
 * JSON with vectors as Base64 {@link VectorCodec} strings, so {@code kcat} shows them as text and
 * {@code genrestack decode} expands the vectors. Use the nested classes in client or SmallRye configuration, e.g.
 * {@code value.deserializer=io.genrestack.common.serde.KafkaSerdes$RunEventDeserializer}.
 */
public final class KafkaSerdes {
    private KafkaSerdes() {}

    /** Serializes any record with {@link Json#MAPPER}. */
    public static class JsonSerializer<T> implements Serializer<T> {
        @Override
        public byte[] serialize(String topic, T data) {
            return data == null ? null : Json.bytes(data);
        }
    }

    /** Deserializes one record type with {@link Json#MAPPER}; throws IllegalArgumentException on a bad record. */
    public static class JsonDeserializer<T> implements Deserializer<T> {
        private final Class<T> type;

        public JsonDeserializer(Class<T> type) {
            this.type = type;
        }

        @Override
        public T deserialize(String topic, byte[] data) {
            return data == null ? null : Json.read(data, type);
        }
    }

    public static final class TrackFeaturesDeserializer extends JsonDeserializer<TrackFeatures> {
        public TrackFeaturesDeserializer() {
            super(TrackFeatures.class);
        }
    }

    public static final class ScaledFeaturesDeserializer extends JsonDeserializer<ScaledFeatures> {
        public ScaledFeaturesDeserializer() {
            super(ScaledFeatures.class);
        }
    }

    public static final class TrackActivationsDeserializer extends JsonDeserializer<TrackActivations> {
        public TrackActivationsDeserializer() {
            super(TrackActivations.class);
        }
    }

    public static final class TrackPredictionsDeserializer extends JsonDeserializer<TrackPredictions> {
        public TrackPredictionsDeserializer() {
            super(TrackPredictions.class);
        }
    }

    public static final class RunEventDeserializer extends JsonDeserializer<RunEvent> {
        public RunEventDeserializer() {
            super(RunEvent.class);
        }
    }

    public static final class DeadLetterDeserializer extends JsonDeserializer<DeadLetter> {
        public DeadLetterDeserializer() {
            super(DeadLetter.class);
        }
    }

    public static final class StageJobDeserializer extends JsonDeserializer<StageJob> {
        public StageJobDeserializer() {
            super(StageJob.class);
        }
    }

    public static final class ProgressMarkDeserializer extends JsonDeserializer<ProgressMark> {
        public ProgressMarkDeserializer() {
            super(ProgressMark.class);
        }
    }
}
