package io.genrestack.common.model;

import io.genrestack.common.serde.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One way to read a stored vocabulary, with the same validation for every stage. */
class LabelVocabularyReadTest {
    static final String KEY = "runs/r1/labels/lastfm.json";

    static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    static String refused(String json, String source) {
        return assertThrows(IllegalStateException.class, () -> LabelVocabulary.read(bytes(json), KEY, source))
                .getMessage();
    }

    @Test
    void readsWhatTheExtractorWrites() {
        LabelVocabulary v = LabelVocabulary.of("lastfm", List.of(List.of("rock", "pop"), List.of("rock---indie")));
        assertEquals(List.of("pop", "rock", "rock---indie"), v.labels());
        LabelVocabulary back = LabelVocabulary.read(Json.bytes(v), KEY, "lastfm");
        assertEquals(v, back);
        assertEquals(3, back.size());
        assertEquals(1, back.indexOf("rock"));
        assertTrue(back.isSubgenre(2));
        assertEquals(v, LabelVocabulary.read(Json.bytes(v), KEY, null), "null: any source");
    }

    @Test
    void refusesWhatNoStageCouldUse() {
        assertTrue(refused("{\"source\":\"lastfm\",\"labels\":[", "lastfm").contains("is not JSON"));
        assertTrue(refused("{\"source\":\"lastfm\",\"labels\":[]}", "lastfm").contains("has no labels"));
        assertTrue(refused("{\"source\":\"lastfm\"}", "lastfm").contains("has no labels"));
        assertTrue(refused("{\"source\":\"discogs\",\"labels\":[\"a\"]}", "lastfm")
                .contains("is of source 'discogs', expected 'lastfm'"));
        assertTrue(refused("{\"source\":\"lastfm\",\"labels\":[\"b\",\"a\"]}", "lastfm")
                .contains("not sorted"));
        assertTrue(refused("{\"source\":\"lastfm\",\"labels\":[\"a\",1]}", "lastfm")
                .contains("non-text label"));
        assertTrue(refused("{\"source\":\"lastfm\",\"labels\":[\"a\",\" \"]}", "lastfm")
                .contains("blank label"));
    }
}
