package io.genrestack.common;

import java.util.List;

/** The four ground-truth sources (taxonomies) of the MediaEval 2018 AcousticBrainz genre task, in a fixed order. */
public final class Sources {
    private Sources() {}

    public static final List<String> ALL = List.of("allmusic", "discogs", "lastfm", "tagtraum");

    /** Label counts of the real training sets (label_stats), the paper's output sizes. */
    public static final java.util.Map<String, Integer> PAPER_LABELS =
            java.util.Map.of("allmusic", 766, "discogs", 315, "lastfm", 327, "tagtraum", 296);

    /** The paper's macro ROC-AUC (base, stacked) per source: Oramas et al., MediaEval 2018. */
    public static final java.util.Map<String, double[]> PAPER_AUC = java.util.Map.of(
            "allmusic", new double[] {0.6476, 0.8122},
            "discogs", new double[] {0.7592, 0.8863},
            "lastfm", new double[] {0.8276, 0.9064},
            "tagtraum", new double[] {0.8017, 0.8874});

    public static int index(String source) {
        int i = ALL.indexOf(source);
        if (i < 0) {
            throw new IllegalArgumentException("unknown source '" + source + "', expected one of " + ALL);
        }
        return i;
    }
}
