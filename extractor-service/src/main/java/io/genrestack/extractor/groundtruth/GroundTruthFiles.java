package io.genrestack.extractor.groundtruth;

import io.genrestack.common.Sources;

import java.util.Optional;

/**
 * The file names of the ground-truth TSVs of the MediaEval 2018 AcousticBrainz Genre Task
 * ({@code acousticbrainz-mediaeval-<source>-<train|validation>.tsv}) and the source a file name names; the sources
 * themselves are {@link Sources#ALL}.
 */
public final class GroundTruthFiles {

    private GroundTruthFiles() {}

    /** Official file name of the training TSV of {@code source}. */
    public static String trainFileName(String source) {
        return "acousticbrainz-mediaeval-" + source + "-train.tsv";
    }

    /** Official file name of the validation TSV of {@code source}. */
    public static String validationFileName(String source) {
        return "acousticbrainz-mediaeval-" + source + "-validation.tsv";
    }

    /** The source named in a file name as a whole word, e.g. {@code lastfm} in {@code ...-lastfm-train.tsv}. */
    public static Optional<String> sourceOf(String fileName) {
        String f = fileName.toLowerCase(java.util.Locale.ROOT);
        for (String s : Sources.ALL) {
            if (f.matches(".*(^|[^a-z])" + s + "([^a-z]|$).*")) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
