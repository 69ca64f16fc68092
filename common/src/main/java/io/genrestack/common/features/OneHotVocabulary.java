package io.genrestack.common.features;

import java.util.List;
import java.util.Map;

/**
 * The fixed one-hot vocabularies of the four tonal strings, as in the baseline's
 * {@code features_cleanup.py}: {@code key_key}/{@code chords_key} over the 12 sharps, {@code key_scale}/
 * {@code chords_scale} over {@code major minor} (12 + 2 + 12 + 2 = 28 columns). Flat spellings written by Essentia
 * 2.1-beta5 and later ({@code Bb Eb Ab}, also {@code Db Gb}) are mapped to their enharmonic sharps.
 */
public final class OneHotVocabulary {

    /** Keys in the baseline's order (also plain string order). */
    public static final List<String> KEYS = List.of("A", "A#", "B", "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#");
    /** Scales in the baseline's order. */
    public static final List<String> SCALES = List.of("major", "minor");

    /** JSON pointer of each one-hot encoded string leaf → its vocabulary. */
    public static final Map<String, List<String>> FIELDS = Map.of(
            "/tonal/key_key", KEYS,
            "/tonal/key_scale", SCALES,
            "/tonal/chords_key", KEYS,
            "/tonal/chords_scale", SCALES);

    private static final Map<String, String> FLAT_TO_SHARP =
            Map.of("Bb", "A#", "Db", "C#", "Eb", "D#", "Gb", "F#", "Ab", "G#");

    private OneHotVocabulary() {}

    /** The vocabulary of a string leaf, or null when the pointer is not one-hot encoded. */
    public static List<String> vocabularyOf(String jsonPath) {
        return FIELDS.get(jsonPath);
    }

    /**
     * The vocabulary entry a raw value stands for: the value itself when it is in {@code vocabulary}, its sharp
     * when {@code vocabulary} is {@link #KEYS} and the value is a flat, otherwise null (unknown value).
     */
    public static String canonical(List<String> vocabulary, String value) {
        if (vocabulary.contains(value)) {
            return value;
        }
        if (vocabulary == KEYS) {
            return FLAT_TO_SHARP.get(value);
        }
        return null;
    }
}
