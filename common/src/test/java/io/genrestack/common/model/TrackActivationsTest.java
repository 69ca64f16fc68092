package io.genrestack.common.model;

import io.genrestack.common.serde.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The base model's source is named {@code source} (as in TrackPredictions); old records call it {@code model}. */
class TrackActivationsTest {
    @Test
    void sourceIsWrittenAsSourceAndReadUnderItsOldNameToo() {
        TrackActivations a = new TrackActivations(
                "r1", "m1", "lastfm", Split.TRAIN, Map.of("lastfm", List.of(1)), new float[] {0f, 2.5f}, new float[] {
                    0.25f
                });
        String json = new String(Json.bytes(a), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"source\":\"lastfm\""), json);
        assertFalse(json.contains("\"model\""), json);
        assertEquals(a, Json.read(Json.bytes(a), TrackActivations.class));
        byte[] old = json.replace("\"source\":", "\"model\":").getBytes(StandardCharsets.UTF_8);
        assertEquals(a, Json.read(old, TrackActivations.class));
    }
}
