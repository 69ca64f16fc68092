package io.genrestack.extractor.groundtruth;

import java.util.List;
import java.util.Optional;

/**
 * The four ground-truth sources of the MediaEval 2018 AcousticBrainz Genre Task and the official file names
 * of their TSVs ({@code acousticbrainz-mediaeval-<source>-<train|validation>.tsv}).
 */
public final class Sources {

    /** allmusic, discogs, lastfm, tagtraum, in that order. */
    public static final List<String> ALL = io.genrestack.common.Sources.ALL;

    private Sources() {
    }

    /** Official file name of the training TSV of {@code source}. */
    public static String trainFileName(String source) {
        return "acousticbrainz-mediaeval-" + source + "-train.tsv";
    }

    /** Official file name of the validation TSV of {@code source}. */
    public static String validationFileName(String source) {
        return "acousticbrainz-mediaeval-" + source + "-validation.tsv";
    }

    /** The source named in a file name as a whole word, e.g. {@code lastfm} in {@code ...-lastfm-train.tsv}. */
    public static Optional<String> fromFileName(String fileName) {
        String f = fileName.toLowerCase(java.util.Locale.ROOT);
        for (String s : ALL) {
            if (f.matches(".*(^|[^a-z])" + s + "([^a-z]|$).*")) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
