package io.genrestack.common.serde;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one configured {@link ObjectMapper} of GenreStack. Every record on every topic and every JSON object in object
 * storage goes through {@link #MAPPER} (the services' Quarkus ObjectMapper is customised the same way by
 * {@link #configure}).
 *
 * <p>
 * Settings: ISO-8601 timestamps, unknown properties ignored (newer producers may add fields), float arrays written
 * as Base64 {@link VectorCodec} strings ({@link #MAPPER}) or as plain JSON arrays ({@link #READABLE}, for the decoder
 * command). Both forms are accepted when reading; non-finite numbers in plain arrays are written as strings "NaN".
 */
public final class Json {
    private Json() {}

    /** Wire mapper: compact, vectors as Base64. */
    public static final ObjectMapper MAPPER = configure(JsonMapper.builder().build(), true);

    /** Human mapper: pretty, vectors as JSON arrays. */
    public static final ObjectMapper READABLE =
            configure(JsonMapper.builder().build(), false).enable(SerializationFeature.INDENT_OUTPUT);

    /** Applies GenreStack's settings to a mapper (used for Quarkus' own mapper too). */
    public static ObjectMapper configure(ObjectMapper mapper, boolean binaryVectors) {
        mapper.registerModule(new JavaTimeModule());
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        SimpleModule vectors = new SimpleModule("genrestack-vectors");
        vectors.addSerializer(
                float[].class, binaryVectors ? new Base64VectorSerializer() : new ArrayVectorSerializer());
        vectors.addDeserializer(float[].class, new VectorDeserializer());
        mapper.registerModule(vectors);
        return mapper;
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot serialise " + value.getClass().getSimpleName() + ": " + e, e);
        }
    }

    public static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    static final class Base64VectorSerializer extends JsonSerializer<float[]> {
        @Override
        public void serialize(float[] value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(VectorCodec.toBase64(value));
        }
    }

    static final class ArrayVectorSerializer extends JsonSerializer<float[]> {
        @Override
        public void serialize(float[] value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeStartArray(value, value.length);
            for (float f : value) {
                if (Float.isFinite(f)) {
                    gen.writeNumber(f);
                } else {
                    gen.writeString(Float.toString(f));
                }
            }
            gen.writeEndArray();
        }
    }

    static final class VectorDeserializer extends JsonDeserializer<float[]> {
        @Override
        public float[] deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_STRING) {
                try {
                    return VectorCodec.fromBase64(p.getText());
                } catch (IllegalArgumentException e) {
                    throw ctxt.weirdStringException(p.getText(), float[].class, e.getMessage());
                }
            }
            if (t == JsonToken.START_ARRAY) {
                List<Float> values = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (p.currentToken() == JsonToken.VALUE_STRING) {
                        values.add(Float.parseFloat(p.getText()));
                    } else if (p.currentToken() == JsonToken.VALUE_NULL) {
                        values.add(Float.NaN);
                    } else {
                        values.add(p.getFloatValue());
                    }
                }
                float[] v = new float[values.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = values.get(i);
                }
                return v;
            }
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            return (float[]) ctxt.handleUnexpectedToken(float[].class, p);
        }
    }
}
