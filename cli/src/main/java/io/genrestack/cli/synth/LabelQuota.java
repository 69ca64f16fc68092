package io.genrestack.cli.synth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Makes every label of every source occur in the generated ground truth, at any track count ({@code --shape real},
 * where a source has up to 766 labels and a small data set would otherwise miss the rare ones). It tracks the
 * labels each source has not tagged yet and spreads them over the remaining release groups: a release group that
 * a source tags takes {@code ceil(2 × pending / expected remaining release groups of the source)} of them (all of
 * them in the last release group, which then also gets every source that still lacks labels). A taken label's
 * latent genre and sub-genre ({@link SourceTaxonomy#anchor}) are added to the release group's truth, so the
 * features carry it, and the source tags the label for sure. Uses no randomness.
 */
final class LabelQuota {

    /** Mean release-group size of the generator: E[1 + min(9, ⌊Exp × 2.5⌋)]. */
    static final double MEAN_GROUP_SIZE = meanGroupSize();

    private final List<SourceTaxonomy> sources;
    private final double[] coverage;
    private final List<TreeSet<String>> pending = new ArrayList<>();

    LabelQuota(List<SourceTaxonomy> sources, double[] coverage) {
        this.sources = sources;
        this.coverage = coverage.clone();
        for (SourceTaxonomy s : sources) {
            pending.add(new TreeSet<>(s.labels()));
        }
    }

    /** Labels source {@code s} has not tagged yet. */
    int pending(int s) {
        return pending.get(s).size();
    }

    /**
     * Adds, for the last release group, every source that still lacks labels to {@code covered}.
     *
     * @param last whether this release group is the data set's last
     */
    void coverMissing(boolean[] covered, boolean last) {
        if (!last) {
            return;
        }
        for (int s = 0; s < covered.length; s++) {
            if (!pending.get(s).isEmpty()) {
                covered[s] = true;
            }
        }
    }

    /**
     * Picks the labels each covered source must tag in this release group and adds their latent genres and
     * sub-genres to {@code truth}.
     *
     * @param remainingTracks tracks still to generate, this release group's included
     * @param last            whether this release group is the data set's last
     * @return the augmented truth and, per source, the labels it must tag (empty lists for the others)
     */
    Duties assign(SourceTaxonomy.Truth truth, boolean[] covered, int remainingTracks, boolean last) {
        double groupsLeft = Math.max(1, remainingTracks / MEAN_GROUP_SIZE);
        List<List<String>> forced = new ArrayList<>();
        SourceTaxonomy.Truth t = truth;
        for (int s = 0; s < sources.size(); s++) {
            List<String> mine = new ArrayList<>();
            TreeSet<String> p = pending.get(s);
            if (covered[s] && !p.isEmpty()) {
                int quota = last ? p.size() : (int) Math.ceil(2.0 * p.size() / Math.max(1, groupsLeft * coverage[s]));
                for (int i = 0; i < quota && !p.isEmpty(); i++) {
                    String label = p.pollFirst();
                    mine.add(label);
                    t = withAnchor(t, sources.get(s).anchor(label));
                }
            }
            forced.add(mine);
        }
        return new Duties(t, forced);
    }

    /** Marks the labels source {@code s} tagged. */
    void tagged(int s, List<String> labels) {
        pending.get(s).removeAll(labels);
    }

    /** A release group's truth after the label quota, and the labels each source must tag. */
    record Duties(SourceTaxonomy.Truth truth, List<List<String>> forced) {}

    /** The truth plus latent genre {@code anchor[0]} and, if {@code anchor[1] >= 0}, its sub-genre. */
    static SourceTaxonomy.Truth withAnchor(SourceTaxonomy.Truth truth, int[] anchor) {
        int g = anchor[0];
        int k = anchor[1];
        int[] genres = truth.genres();
        int[][] subs = truth.subs();
        for (int gi = 0; gi < genres.length; gi++) {
            if (genres[gi] == g) {
                if (k < 0 || Arrays.stream(subs[gi]).anyMatch(x -> x == k)) {
                    return truth;
                }
                int[][] ns = subs.clone();
                ns[gi] = Arrays.copyOf(subs[gi], subs[gi].length + 1);
                ns[gi][subs[gi].length] = k;
                Arrays.sort(ns[gi]);
                return new SourceTaxonomy.Truth(genres, ns);
            }
        }
        int[] ng = Arrays.copyOf(genres, genres.length + 1);
        ng[genres.length] = g;
        int[][] ns = Arrays.copyOf(subs, subs.length + 1);
        ns[subs.length] = k < 0 ? new int[0] : new int[] {k};
        return new SourceTaxonomy.Truth(ng, ns);
    }

    /** Adds the forced labels and their parents to a source's tags; returns the sorted union. */
    static List<String> withForced(List<String> tags, List<String> forced) {
        if (forced.isEmpty()) {
            return tags;
        }
        TreeSet<String> out = new TreeSet<>(tags);
        for (String l : forced) {
            out.add(l);
            int sep = l.indexOf("---");
            if (sep > 0) {
                out.add(l.substring(0, sep));
            }
        }
        return List.copyOf(out);
    }

    private static double meanGroupSize() {
        // P(⌊2.5 X⌋ >= j) = exp(-j / 2.5) for X ~ Exp(1); size = 1 + min(9, ⌊2.5 X⌋).
        double mean = 1;
        for (int j = 1; j <= 9; j++) {
            mean += StrictMath.exp(-j / 2.5);
        }
        return mean;
    }
}
