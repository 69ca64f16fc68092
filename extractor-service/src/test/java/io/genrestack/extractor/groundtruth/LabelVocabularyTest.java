package io.genrestack.extractor.groundtruth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.genrestack.common.Sources;
import io.genrestack.common.model.LabelVocabulary;
import io.genrestack.extractor.input.TestData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vocabulary of real ground truth (the type is common's; its reading is tested there). */
class LabelVocabularyTest {

    /** The vocabulary of a source's training TSV, as RunSetup builds it from TRAIN rows. */
    static LabelVocabulary fromTrain(GroundTruth train) {
        return LabelVocabulary.of(
                train.source(),
                train.rows().values().stream().map(GroundTruth.Row::labels).toList());
    }

    @Test
    void vocabularyFromAllmusicTrainRows() throws IOException {
        LabelVocabulary v = fromTrain(GroundTruthTest.read("allmusic", "train"));
        assertEquals("allmusic", v.source());
        assertEquals(
                List.of(
                        "pop/rock",
                        "stage & screen",
                        "stage & screen---film music",
                        "stage & screen---soundtracks",
                        "stage & screen---television music",
                        "stage & screen---tv soundtracks"),
                v.labels());
        assertEquals(6, v.size());
        assertEquals(1, v.indexOf("stage & screen"));
        assertEquals(-1, v.indexOf("classical"));
        assertEquals(-1, v.indexOf("a"), "before the first label");
        assertEquals(-1, v.indexOf("zzz"), "after the last label");
        assertFalse(v.isSubgenre(0));
        assertFalse(v.isSubgenre(1));
        assertTrue(v.isSubgenre(2));
        assertArrayEquals(
                new int[] {1, 3, 5},
                v.encode(List.of("stage & screen---tv soundtracks", "stage & screen", "stage & screen---soundtracks")));
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 0}, v.multiHot(List.of("pop/rock")));
    }

    @Test
    void validationLabelUnseenInTrainIsReported() throws IOException {
        LabelVocabulary v = fromTrain(GroundTruthTest.read("allmusic", "train"));
        List<String> labels = GroundTruthTest.read("allmusic", "validation")
                .row("7ded30da-4cf1-4ae4-8292-439722df6ea4")
                .orElseThrow()
                .labels();
        assertEquals(List.of("classical", "classical---chamber music"), v.unknown(labels));
        LabelVocabulary.UnknownLabelsException e =
                assertThrows(LabelVocabulary.UnknownLabelsException.class, () -> v.encode(labels));
        assertEquals(List.of("classical", "classical---chamber music"), e.unknown());
        List<String> mixed = List.of("pop/rock", "blues");
        assertEquals(
                List.of("blues"),
                assertThrows(LabelVocabulary.UnknownLabelsException.class, () -> v.encode(mixed))
                        .unknown());
    }

    @Test
    void jsonRoundTrip() throws IOException {
        LabelVocabulary v = fromTrain(GroundTruthTest.read("tagtraum", "train"));
        ObjectMapper om = new ObjectMapper();
        String json = om.writeValueAsString(v);
        assertEquals(
                "{\"source\":\"tagtraum\",\"labels\":[\"easylistening\",\"jazz\",\"jazz---bigband\","
                        + "\"jazz---jazzvocals\",\"jazz---standards\"]}",
                json);
        assertEquals(v, om.readValue(json, LabelVocabulary.class));
        assertThrows(
                Exception.class,
                () -> om.readValue("{\"source\":\"x\",\"labels\":[\"b\",\"a\"]}", LabelVocabulary.class),
                "unsorted labels are refused on read too");
    }

    @Test
    void fullTrainTaxonomiesFromLabelStatsHaveTheBaselineSizes() throws IOException {
        Map<String, Integer> dims = Map.of("allmusic", 766, "discogs", 315, "lastfm", 327, "tagtraum", 296);
        for (String source : Sources.ALL) {
            List<String> lines = Files.readAllLines(
                    TestData.groundtruth()
                            .resolve("label_stats/acousticbrainz-mediaeval2017-" + source + "-train.stats"),
                    StandardCharsets.UTF_8);
            List<GroundTruth.Row> rows = new ArrayList<>();
            int i = 0;
            for (String l : lines.subList(1, lines.size())) {
                if (!l.isBlank()) {
                    rows.add(new GroundTruth.Row(
                            String.format("%08d-0000-4000-8000-000000000000", i++),
                            "00000000-0000-4000-8000-000000000000",
                            List.of(l.split("\t")[0]),
                            i));
                }
            }
            LabelVocabulary v = LabelVocabulary.of(
                    source, rows.stream().map(GroundTruth.Row::labels).toList());
            assertEquals(dims.get(source), v.size(), source);
            for (int k = 0; k < v.size(); k++) {
                assertEquals(k, v.indexOf(v.label(k)));
                assertEquals(v.label(k).contains("---"), v.isSubgenre(k));
            }
            String top = Map.of("allmusic", "pop/rock", "discogs", "rock", "lastfm", "rock", "tagtraum", "rock/pop")
                    .get(source);
            assertTrue(v.indexOf(top) >= 0, source + " has " + top);
        }
    }

    @Test
    void constructorRefusesUnsortedDuplicateOrBlank() {
        assertThrows(IllegalArgumentException.class, () -> new LabelVocabulary("x", List.of("b", "a")));
        assertThrows(IllegalArgumentException.class, () -> new LabelVocabulary("x", List.of("a", "a")));
        assertThrows(IllegalArgumentException.class, () -> new LabelVocabulary("x", List.of(" ")));
    }
}
