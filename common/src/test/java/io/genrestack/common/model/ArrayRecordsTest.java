package io.genrestack.common.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The records with float arrays compare, hash and print through {@link ArrayRecords}. */
class ArrayRecordsTest {

    private static TrackActivations act(String model, float... scores) {
        return new TrackActivations(
                "r1", "m1", model, Split.TRAIN, Map.of("lastfm", List.of(1, 2)), new float[] {0.5f, Float.NaN}, scores);
    }

    @Test
    void arraysCompareByContentBitwiseAndEveryComponentCounts() {
        TrackActivations a = act("lastfm", 0.1f, 0.9f);
        assertEquals(a, act("lastfm", 0.1f, 0.9f), "equal content, NaN equals NaN");
        assertEquals(a.hashCode(), act("lastfm", 0.1f, 0.9f).hashCode());
        assertNotEquals(a, act("lastfm", 0.1f, 0.8f), "other array content");
        assertNotEquals(a, act("discogs", 0.1f, 0.9f), "other scalar component");
        assertNotEquals(a, act("lastfm", 0.1f, 0.9f, 0f), "other array length");
        TrackActivations noScores = new TrackActivations("r1", "m1", "lastfm", Split.TRAIN, Map.of(), null, null);
        assertNotEquals(a, noScores, "null array");
        assertEquals(noScores, new TrackActivations("r1", "m1", "lastfm", Split.TRAIN, Map.of(), null, null));
        assertNotEquals(
                new ScaledFeatures("r1", "m1", Split.TRAIN, Map.of(), new float[] {0f}),
                new ScaledFeatures("r1", "m1", Split.TRAIN, Map.of(), new float[] {-0f}),
                "bitwise: 0 is not -0");
    }

    @Test
    void toStringShowsArraysAsTypeAndLength() {
        assertEquals(
                "TrackPredictions[runId=r, mbid=m, source=lastfm, split=VALIDATION, labels=[3], "
                        + "baseScores=float[2], stackedScores=null]",
                new TrackPredictions("r", "m", "lastfm", Split.VALIDATION, List.of(3), new float[2], null).toString());
    }
}
