package io.genrestack.cli.synth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --shape real}: the real sources' label counts, genre/sub-genre proportions and coverage, read back from the
 * generated ground-truth TSVs. The expected figures are the stats files' and the task overview's
 * (docs/synthetic-data.md, "Real shape"), written here independently of {@link RealShape}.
 */
class RealShapeTest {

    private static final List<String> SOURCES = List.of("allmusic", "discogs", "lastfm", "tagtraum");
    /** Labels in acousticbrainz-mediaeval2017-<source>-train.stats: genres, sub-genres. */
    private static final int[][] LABELS = {{21, 745}, {15, 300}, {30, 297}, {31, 265}};
    /** Sub-genre share of annotations in the stats files (Σ sub-genre rows / Σ all rows, recordings column). */
    private static final double[] SUB_SHARE = {0.703, 0.553, 0.529, 0.605};
    /** Recordings per source / ~1.458 M recordings in any source (task overview, Table 1). */
    private static final double[] COVERAGE = {0.928, 0.621, 0.389, 0.334};

    /** One source's ground truth: tracks, labels, genre and sub-genre annotations. */
    record Truth(Set<String> tracks, Set<String> labels, long genreTags, long subTags) {
        long genres() {
            return labels.stream().filter(l -> !l.contains("---")).count();
        }

        long subs() {
            return labels.size() - genres();
        }
    }

    static Map<String, Truth> read(Path root) throws IOException {
        Map<String, Truth> out = new HashMap<>();
        for (String s : SOURCES) {
            List<String> lines =
                    Files.readAllLines(root.resolve("groundtruth/acousticbrainz-mediaeval-" + s + "-all.tsv"));
            Set<String> tracks = new HashSet<>();
            Set<String> labels = new TreeSet<>();
            long g = 0;
            long sub = 0;
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split("\t", -1);
                tracks.add(f[0]);
                for (int i = 2; i < f.length; i++) {
                    if (!f[i].isEmpty()) {
                        labels.add(f[i]);
                        if (f[i].contains("---")) {
                            sub++;
                        } else {
                            g++;
                        }
                    }
                }
            }
            out.put(s, new Truth(tracks, labels, g, sub));
        }
        return out;
    }

    static void assertRealLabelCounts(Map<String, Truth> t, String what) {
        for (int s = 0; s < 4; s++) {
            Truth x = t.get(SOURCES.get(s));
            assertEquals(LABELS[s][0] + LABELS[s][1], x.labels().size(), what + " " + SOURCES.get(s) + " labels");
            assertEquals(LABELS[s][0], x.genres(), what + " " + SOURCES.get(s) + " genre labels");
            assertEquals(LABELS[s][1], x.subs(), what + " " + SOURCES.get(s) + " sub-genre labels");
        }
    }

    @Test
    void everySourceHasItsRealLabelCountsAtAnyTrackCount(@TempDir Path dir) throws IOException {
        for (int tracks : new int[] {40, 2000}) {
            Path out = dir.resolve("t" + tracks);
            SyntheticGenerator.Summary sum = SyntheticGenerator.generate(
                    SyntheticGenerator.Options.of(tracks, 11, out, Shape.REAL), (d, n) -> {}, false);
            assertRealLabelCounts(read(out), tracks + " tracks");
            assertEquals(766, sum.source("allmusic").labels());
            assertEquals(296, sum.source("tagtraum").targetLabels());
        }
    }

    @Test
    void coverageAndGenreSubGenreSharesFollowTheRealSources(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("real");
        SyntheticGenerator.generate(SyntheticGenerator.Options.of(20_000, 5, out, Shape.REAL), (d, n) -> {}, false);
        Map<String, Truth> t = read(out);
        assertRealLabelCounts(t, "20000 tracks");
        Set<String> all = new HashSet<>();
        t.values().forEach(x -> all.addAll(x.tracks()));
        assertEquals(20_000, all.size());
        for (int s = 0; s < 4; s++) {
            Truth x = t.get(SOURCES.get(s));
            double cov = x.tracks().size() / 20_000.0;
            assertEquals(COVERAGE[s], cov, 0.03, SOURCES.get(s) + " share of tracks");
            double share = (double) x.subTags() / (x.subTags() + x.genreTags());
            assertEquals(SUB_SHARE[s], share, 0.04, SOURCES.get(s) + " sub-genre share of annotations");
        }
        for (int s = 1; s < 4; s++) {
            assertTrue(
                    t.get("allmusic").tracks().size()
                            > t.get(SOURCES.get(s)).tracks().size(),
                    "allmusic largest");
        }
        Set<String> ad = new HashSet<>(t.get("allmusic").tracks());
        ad.retainAll(t.get("discogs").tracks());
        assertEquals(831_744 / 1_457_600.0, ad.size() / 20_000.0, 0.03, "allmusic ∩ discogs");
        Set<String> four = new HashSet<>(ad);
        four.retainAll(t.get("lastfm").tracks());
        four.retainAll(t.get("tagtraum").tracks());
        assertEquals(247_716 / 1_457_600.0, four.size() / 20_000.0, 0.03, "in all four sources");
    }

    @Test
    void sameSeedGivesIdenticalBytesAndTheDefaultShapeIsUnchanged(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        SyntheticGenerator.generate(SyntheticGenerator.Options.of(150, 3, a, Shape.REAL));
        SyntheticGenerator.generate(SyntheticGenerator.Options.of(150, 3, b, Shape.REAL));
        List<Path> fa = files(a);
        assertEquals(fa.size(), files(b).size());
        assertTrue(fa.size() > 150, "documents, TSVs and synthetic.json: " + fa.size());
        for (Path f : fa) {
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(b.resolve(a.relativize(f))), f.toString());
        }
        assertTrue(Files.readString(a.resolve("synthetic.json")).contains("\"shape\" : \"real\""));
        // The default shape writes no shape field (its output is the same as before --shape existed) and the
        // synthetic label counts.
        Path c = dir.resolve("c");
        SyntheticGenerator.Summary s = SyntheticGenerator.generate(SyntheticGenerator.Options.of(150, 3, c));
        assertTrue(!Files.readString(c.resolve("synthetic.json")).contains("\"shape\""));
        assertEquals(
                SyntheticGenerator.targetLabels(0, SyntheticGenerator.DEFAULT_LABEL_SCALE),
                s.source("allmusic").targetLabels());
        try (Stream<Path> left = Files.list(c.resolve("groundtruth"))) {
            assertEquals(4, left.count(), "only the four TSVs are left in groundtruth/");
        }
    }

    @Test
    void frequentGenresAreLearnableFromTheFeatures(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("learn");
        SyntheticGenerator.generate(SyntheticGenerator.Options.of(3000, 20180901, out, Shape.REAL));
        Learnability.Features f = Learnability.features(out);
        // The genre label nearest 20 % of a source's tracks, logistic regression on all features, release-group
        // split. At seed 20180901: allmusic electronic 0.777, discogs electronic 0.766 (about 2 800 and 1 900
        // tracks); lastfm pop 0.604, tagtraum hiphop 0.615 (about 1 150 and 1 000 tracks, noisier tags).
        double[] floor = {0.7, 0.7, 0.58, 0.58};
        for (int i = 0; i < 4; i++) {
            String s = SOURCES.get(i);
            Map.Entry<String, Double> r = Learnability.labelNearFrequency(out, f, s, 0.2, true);
            System.out.printf(
                    "real shape, %s genre %s (nearest 20 %% of tracks): AUC %.3f%n", s, r.getKey(), r.getValue());
            assertTrue(r.getValue() > floor[i], s + " " + r.getKey() + " AUC, release-group split: " + r.getValue());
        }
    }

    @Test
    void coveragePatternsMatchThePublishedFigures() {
        double[] p = RealShape.patternWeights();
        assertEquals(0, p[0]);
        double sum = 0;
        double[] cov = new double[4];
        for (int m = 1; m < 16; m++) {
            assertTrue(p[m] >= 0, "pattern " + m);
            sum += p[m];
            for (int s = 0; s < 4; s++) {
                if ((m & (1 << s)) != 0) {
                    cov[s] += p[m];
                }
            }
        }
        assertEquals(1, sum, 1e-9);
        for (int s = 0; s < 4; s++) {
            assertEquals(COVERAGE[s], cov[s], 0.001, SOURCES.get(s));
        }
        assertEquals(831_744 / 1_457_600.0, p[3] + p[7] + p[11] + p[15], 1e-6);
        assertEquals(247_716 / 1_457_600.0, p[15], 1e-6);
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
