package io.genrestack.cli.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The real MediaEval 2018 development sets' shape, for {@code --shape real}: each source's genre and sub-genre
 * label counts, its sub-genre share of annotations, and the sources' coverage (which tracks each source tags, with
 * overlaps). The figures and their origin are in docs/synthetic-data.md, "Real shape".
 *
 * <p>Label counts and annotation counts are those of {@code acousticbrainz-mediaeval2017-<source>-train.stats}
 * (MTG/acousticbrainz-genre-dataset {@code data_stats/}); recordings per source and the two published
 * intersections are from the MediaEval 2018 task overview (Bogdanov et al., Table 1 and §3.3).
 */
final class RealShape {

    /** Latent top-level genres in the real shape: the 20 named ones plus 12 generated ones. */
    static final int GENRES = 32;
    /** Genre labels per source (allmusic, discogs, lastfm, tagtraum). */
    static final int[] GENRE_LABELS = {21, 15, 30, 31};
    /** Sub-genre labels per source. */
    static final int[] SUB_LABELS = {745, 300, 297, 265};
    /** Genre and sub-genre annotations (sum of the label rows' recording counts) per source, from the stats. */
    static final long[] GENRE_ANNOTATIONS = {1_797_639, 1_240_206, 646_042, 548_045};

    static final long[] SUB_ANNOTATIONS = {4_262_133, 1_533_069, 725_906, 839_146};
    /** Recordings per source in the development sets (task overview, Table 1). */
    static final long[] RECORDINGS = {1_353_213, 904_944, 566_710, 486_740};
    /** Recordings in both allmusic and discogs, and in all four (task overview, §3.3). */
    static final long ALLMUSIC_AND_DISCOGS = 831_744;

    static final long ALL_FOUR = 247_716;
    /**
     * Recordings in any source: about 1.77 M feature files (development + validation) × 70 / 85 (the development
     * share of the 70/15/15 split) ≈ 1.458 M; at least |allmusic ∪ discogs| = 1 426 413.
     */
    static final long UNION = 1_457_600;
    /** Latent genre popularity ∝ (i + 1)^-GENRE_EXPONENT, steeper than the synthetic 1/(i+4) (see the doc). */
    static final double GENRE_EXPONENT = 1.4;
    /** Latent sub-genre share within a genre ∝ (k + 1)^-SUB_EXPONENT, steeper than the synthetic 1/(k+2). */
    static final double SUB_EXPONENT = 1.3;
    /** Probabilities of 0..6 true sub-genres per genre of a release group (richer than the synthetic 0..3). */
    static final double[] SUB_COUNT_PROBS = {0.05, 0.10, 0.15, 0.20, 0.20, 0.15, 0.15};

    /**
     * Per-source tagging in the real shape: recall and spurious rates chosen so that the share of sub-genre
     * annotations comes out near the stats files' (0.70 / 0.55 / 0.53 / 0.60), see docs/synthetic-data.md.
     */
    static final List<SourceTaxonomy.Spec> SPECS = List.of(
            new SourceTaxonomy.Spec("allmusic", 766, 0.36, 0.68, 0.30, 0.05, 0.07, false),
            new SourceTaxonomy.Spec("discogs", 315, 0.30, 0.40, 0.25, 0.04, 0.04, false),
            new SourceTaxonomy.Spec("lastfm", 327, 0.19, 0.40, 0.45, 0.12, 0.07, true),
            new SourceTaxonomy.Spec("tagtraum", 296, 0.15, 0.53, 0.50, 0.10, 0.05, true));

    private RealShape() {}

    /** Target share of sub-genre annotations among all annotations of source {@code s}. */
    static double subShare(int s) {
        return (double) SUB_ANNOTATIONS[s] / (SUB_ANNOTATIONS[s] + GENRE_ANNOTATIONS[s]);
    }

    /** Share of all tracks that source {@code s} tags. */
    static double coverage(int s) {
        return (double) RECORDINGS[s] / UNION;
    }

    /**
     * Top-level label of every latent genre for source {@code s}: the named genres keep theirs; of the generated
     * genres, the first {@code GENRE_LABELS[s] - (named distinct labels)} get their own label and the others merge
     * into a named genre's label, so the source has exactly {@code GENRE_LABELS[s]} genre labels.
     */
    static String[] tops(int s, LatentTaxonomy latent) {
        int g = latent.size();
        String[] top = new String[g];
        TreeSet<String> named = new TreeSet<>();
        for (int i = 0; i < LatentTaxonomy.NAMED; i++) {
            top[i] = latent.genres().get(i).sourceTop()[s];
            named.add(top[i]);
        }
        int own = GENRE_LABELS[s] - named.size();
        if (own < 0 || own > g - LatentTaxonomy.NAMED) {
            throw new IllegalStateException("cannot give source " + s + " " + GENRE_LABELS[s] + " genre labels");
        }
        for (int i = LatentTaxonomy.NAMED; i < g; i++) {
            int j = i - LatentTaxonomy.NAMED;
            top[i] = j < own ? latent.genres().get(i).sourceTop()[s] : top[(3 + 7 * j) % LatentTaxonomy.NAMED];
        }
        return top;
    }

    /**
     * Probabilities of the 15 non-empty source subsets (bit s = source s), the maximum-entropy table that matches
     * the four coverages, |allmusic ∩ discogs| and |all four|: iterative proportional fitting from independence.
     */
    static double[] patternWeights() {
        double[] p = new double[16];
        double[] cov = new double[4];
        for (int s = 0; s < 4; s++) {
            cov[s] = coverage(s);
        }
        for (int m = 1; m < 16; m++) {
            double x = 1;
            for (int s = 0; s < 4; s++) {
                x *= (m & (1 << s)) != 0 ? cov[s] : 1 - cov[s];
            }
            p[m] = x;
        }
        List<int[]> constraints = new ArrayList<>();
        List<Double> targets = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            constraints.add(new int[] {1 << s});
            targets.add(cov[s]);
        }
        constraints.add(new int[] {0b0011});
        targets.add((double) ALLMUSIC_AND_DISCOGS / UNION);
        constraints.add(new int[] {0b1111});
        targets.add((double) ALL_FOUR / UNION);
        for (int iter = 0; iter < 500; iter++) {
            for (int c = 0; c < constraints.size(); c++) {
                int mask = constraints.get(c)[0];
                double in = 0;
                double total = 0;
                for (int m = 1; m < 16; m++) {
                    total += p[m];
                    if ((m & mask) == mask) {
                        in += p[m];
                    }
                }
                double t = targets.get(c);
                for (int m = 1; m < 16; m++) {
                    p[m] *= (m & mask) == mask ? t / in : (1 - t) / (total - in);
                }
            }
            double total = 0;
            for (int m = 1; m < 16; m++) {
                total += p[m];
            }
            for (int m = 1; m < 16; m++) {
                p[m] /= total;
            }
        }
        return p;
    }
}
