package io.genrestack.cli.synth;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * One ground-truth source's view of the latent genres: its label names (top-level labels and
 * {@code parent---child} sub-genre labels in the source's own spelling), which latent sub-genres it knows, and
 * how noisily it tags a release group (missing labels, confusions with a neighbouring genre, spurious
 * sub-genres).
 */
final class SourceTaxonomy {

    /**
     * Fixed characteristics of a source.
     *
     * @param name          source name as in the official file names
     * @param realLabels    number of labels in the real MediaEval 2017/2018 training set of this source
     * @param weight        relative chance that a release group is tagged by this source
     * @param subRecall     probability that a true sub-genre known to the source is tagged
     * @param secondaryMiss probability that a release group's secondary genre is not tagged
     * @param confusion     probability that a genre is tagged as the source's confusion partner instead
     * @param spurious      probability of one extra, wrong sub-genre of a tagged genre
     * @param squash        whether sub-genre names are written without spaces and hyphens (lastfm, tagtraum)
     */
    record Spec(
            String name,
            int realLabels,
            double weight,
            double subRecall,
            double secondaryMiss,
            double confusion,
            double spurious,
            boolean squash) {}

    /** The four MediaEval sources, in the order used everywhere (allmusic, discogs, lastfm, tagtraum). */
    static final List<Spec> SPECS = List.of(
            new Spec("allmusic", 766, 0.36, 0.80, 0.30, 0.05, 0.05, false),
            new Spec("discogs", 315, 0.30, 0.85, 0.25, 0.04, 0.05, false),
            new Spec("lastfm", 327, 0.19, 0.65, 0.45, 0.12, 0.10, true),
            new Spec("tagtraum", 296, 0.15, 0.60, 0.50, 0.10, 0.08, true));

    /** What a release group truly is: latent genres (first = main) and, per genre, its latent sub-genre indices. */
    record Truth(int[] genres, int[][] subs) {}

    private final Spec spec;
    private final LatentTaxonomy latent;
    private final String[] top;
    private final String[] implied;
    private final String[][] subLabel;
    private final int[] partner;
    private final TreeSet<String> labels;
    /** For every label, a latent genre (and sub-genre, or -1) whose truth this source tags with it. */
    private final Map<String, int[]> anchors = new LinkedHashMap<>();

    private SourceTaxonomy(
            Spec spec,
            LatentTaxonomy latent,
            String[] top,
            String[] implied,
            String[][] subLabel,
            int[] partner,
            TreeSet<String> labels) {
        this.spec = spec;
        this.latent = latent;
        this.top = top;
        this.implied = implied;
        this.subLabel = subLabel;
        this.partner = partner;
        this.labels = labels;
        for (int g = 0; g < top.length; g++) {
            anchors.putIfAbsent(top[g], new int[] {g, -1});
            if (implied[g] != null) {
                anchors.putIfAbsent(implied[g], new int[] {g, -1});
            }
            for (int k = 0; k < subLabel[g].length; k++) {
                if (subLabel[g][k] != null) {
                    anchors.putIfAbsent(subLabel[g][k], new int[] {g, k});
                }
            }
        }
    }

    /** A latent genre and sub-genre index ({@code -1} for a genre or implied label) that {@code label} tags. */
    int[] anchor(String label) {
        int[] a = anchors.get(label);
        if (a == null) {
            throw new IllegalArgumentException("not a label of " + spec.name() + ": " + label);
        }
        return a;
    }

    Spec spec() {
        return spec;
    }

    /** All labels of this source, sorted. */
    TreeSet<String> labels() {
        return labels;
    }

    /** Number of top-level plus implied labels, i.e. the smallest taxonomy this source can have. */
    static int minimumLabels(int sourceIndex, LatentTaxonomy latent) {
        TreeSet<String> s = new TreeSet<>();
        for (LatentTaxonomy.Genre g : latent.genres()) {
            s.add(g.sourceTop()[sourceIndex]);
            if (g.sourceImplied()[sourceIndex] != null) {
                s.add(g.sourceTop()[sourceIndex] + "---" + g.sourceImplied()[sourceIndex]);
            }
        }
        return s.size();
    }

    static String render(String sub, boolean squash) {
        return squash ? sub.replace(" ", "").replace("-", "") : sub;
    }

    /**
     * Builds the taxonomy of source {@code sourceIndex} with (about) {@code target} labels: all its top-level and
     * implied labels, then the most popular latent sub-genres (popularity jittered per source, so sources know
     * partly different sub-genres).
     */
    static SourceTaxonomy build(int sourceIndex, LatentTaxonomy latent, int target, SplittableRandom rng) {
        return build(SPECS.get(sourceIndex), sourceIndex, latent, target, null, rng);
    }

    /**
     * Builds a taxonomy with the given tagging {@code spec} and, when {@code tops} is not null, the given top-level
     * label of every latent genre instead of the latent taxonomy's (see {@link RealShape#tops}).
     */
    static SourceTaxonomy build(
            Spec spec, int sourceIndex, LatentTaxonomy latent, int target, String[] tops, SplittableRandom rng) {
        int g = latent.size();
        String[] top = new String[g];
        String[] implied = new String[g];
        TreeSet<String> labels = new TreeSet<>();
        for (LatentTaxonomy.Genre ge : latent.genres()) {
            top[ge.index()] = tops != null ? tops[ge.index()] : ge.sourceTop()[sourceIndex];
            labels.add(top[ge.index()]);
            String imp = ge.sourceImplied()[sourceIndex];
            if (imp != null) {
                implied[ge.index()] = top[ge.index()] + "---" + imp;
                labels.add(implied[ge.index()]);
            }
        }
        // Candidate sub-genre labels with a jittered popularity; one latent sub-genre maps to one label, several
        // latent sub-genres may share a label (a merge).
        Map<String, Double> priority = new LinkedHashMap<>();
        for (LatentTaxonomy.Genre ge : latent.genres()) {
            for (int s = 0; s < ge.subs().size(); s++) {
                String label = top[ge.index()] + "---" + render(ge.subs().get(s), spec.squash());
                double p = ge.popularity() * ge.subShare()[s] * StrictMath.exp(0.35 * Rng.gaussian(rng));
                if (!labels.contains(label)) {
                    priority.merge(label, p, Double::sum);
                }
            }
        }
        List<Map.Entry<String, Double>> ranked = new ArrayList<>(priority.entrySet());
        ranked.sort(Comparator.<Map.Entry<String, Double>>comparingDouble(Map.Entry::getValue)
                .reversed()
                .thenComparing(Map.Entry::getKey));
        int room = Math.max(0, target - labels.size());
        for (int i = 0; i < room && i < ranked.size(); i++) {
            labels.add(ranked.get(i).getKey());
        }
        String[][] subLabel = new String[g][];
        for (LatentTaxonomy.Genre ge : latent.genres()) {
            subLabel[ge.index()] = new String[ge.subs().size()];
            for (int s = 0; s < ge.subs().size(); s++) {
                String label = top[ge.index()] + "---" + render(ge.subs().get(s), spec.squash());
                subLabel[ge.index()][s] = labels.contains(label) && !label.equals(implied[ge.index()]) ? label : null;
            }
        }
        int[] partner = new int[g];
        for (int i = 0; i < g; i++) {
            int p = latent.genres().get(i).neighbour();
            if (rng.nextDouble() < 0.4) {
                p = rng.nextInt(g - 1);
                if (p >= i) {
                    p++;
                }
            }
            partner[i] = p;
        }
        return new SourceTaxonomy(spec, latent, top, implied, subLabel, partner, labels);
    }

    /** The sorted labels this source gives a release group with the given truth. */
    List<String> tag(Truth truth, SplittableRandom rng) {
        TreeSet<String> out = new TreeSet<>();
        for (int gi = 0; gi < truth.genres().length; gi++) {
            int g = truth.genres()[gi];
            double miss = gi == 0 ? 0.02 : spec.secondaryMiss();
            if (rng.nextDouble() < miss) {
                continue;
            }
            boolean confused = rng.nextDouble() < spec.confusion();
            int eff = confused ? partner[g] : g;
            out.add(top[eff]);
            if (implied[eff] != null) {
                out.add(implied[eff]);
            }
            if (!confused) {
                for (int s : truth.subs()[gi]) {
                    if (subLabel[g][s] != null && rng.nextDouble() < spec.subRecall()) {
                        out.add(subLabel[g][s]);
                    }
                }
            } else if (rng.nextDouble() < 0.5 * spec.subRecall()) {
                addRandomSub(out, eff, rng);
            }
            if (rng.nextDouble() < spec.spurious()) {
                addRandomSub(out, eff, rng);
            }
        }
        if (out.isEmpty()) {
            out.add(top[truth.genres()[0]]);
        }
        return List.copyOf(out);
    }

    private void addRandomSub(TreeSet<String> out, int genre, SplittableRandom rng) {
        double[] share = latent.genres().get(genre).subShare();
        double[] w = new double[share.length];
        for (int s = 0; s < w.length; s++) {
            w[s] = subLabel[genre][s] == null ? 0 : share[s];
        }
        double total = 0;
        for (double x : w) {
            total += x;
        }
        if (total <= 0) {
            return;
        }
        out.add(subLabel[genre][Rng.weighted(rng, w)]);
    }
}
