package io.genrestack.extractor.input;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MusicBrainz identifier helpers: validation of the 8-4-4-4-12 hex UUID form, and the recording MBID of a
 * feature file name ({@code <mbid>.json} or {@code <mbid>-<n>.json}, where {@code -<n>} is a submission
 * offset).
 */
public final class Mbids {

    private static final String UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    private static final Pattern UUID_PATTERN = Pattern.compile(UUID);
    private static final Pattern FILE_STEM = Pattern.compile("(" + UUID + ")(?:-[0-9]{1,9})?");

    private Mbids() {}

    /** True when {@code s} is a UUID in the canonical 36-character hyphenated form (either case). */
    public static boolean isValid(String s) {
        return s != null && UUID_PATTERN.matcher(s).matches();
    }

    /** The lower-case form of a valid MBID, or empty when {@code s} is not one. */
    public static Optional<String> normalize(String s) {
        return isValid(s) ? Optional.of(s.toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /**
     * The recording MBID of a feature file: the base name without {@code .json} (any case) and without a
     * {@code -<n>} submission suffix, provided what remains is a UUID; lower-cased. Empty otherwise.
     *
     * @param baseName a file name without folders, e.g. {@code 00c47ea6-3a10-4a32-b1f1-990ac756c6a0-41.json}
     */
    public static Optional<String> fromFileName(String baseName) {
        if (baseName == null || !baseName.toLowerCase(Locale.ROOT).endsWith(".json")) {
            return Optional.empty();
        }
        String stem = baseName.substring(0, baseName.length() - ".json".length());
        Matcher m = FILE_STEM.matcher(stem);
        return m.matches() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }
}
