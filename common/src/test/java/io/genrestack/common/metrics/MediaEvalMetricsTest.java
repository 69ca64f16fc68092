package io.genrestack.common.metrics;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link MediaEvalMetrics} on a worked example computed by hand, threshold tuning, binarisation, edge cases. */
class MediaEvalMetricsTest {

    private static final double EPS = 1e-15;

    // labels: 0 rock, 1 rock---punk, 2 pop, 3 pop---synthpop, 4 jazz, 5 electronic, 6 electronic---house
    private static final List<String> LABELS =
            List.of("rock", "rock---punk", "pop", "pop---synthpop", "jazz", "electronic", "electronic---house");

    private static boolean[][] rows(int labels, int[]... on) {
        boolean[][] m = new boolean[on.length][labels];
        for (int i = 0; i < on.length; i++) {
            for (int l : on[i]) {
                m[i][l] = true;
            }
        }
        return m;
    }

    @Test
    void workedExample() {
        boolean[] sub = MediaEvalMetrics.subgenreMask(LABELS);
        assertArrayEquals(new boolean[] {false, true, false, true, false, false, true}, sub);
        boolean[][] truth = rows(
                7,
                new int[] {0, 1}, // t0: rock, rock---punk
                new int[] {2}, // t1: pop
                new int[] {4, 2, 3}, // t2: jazz, pop, pop---synthpop
                new int[] {0}); // t3: rock
        boolean[][] pred = rows(
                7,
                new int[] {0, 1, 2}, // t0: rock, rock---punk, pop
                new int[] {2, 3}, // t1: pop, pop---synthpop
                new int[] {4}, // t2: jazz
                new int[] {1, 6}); // t3: rock---punk, electronic---house
        MediaEvalMetrics.Report r = MediaEvalMetrics.evaluate(pred, truth, sub);

        // Per track, all labels (true, predicted, hits -> P, R, F):
        // t0: 2, 3, 2 -> 2/3, 1,   F = 2(2/3)(1)/(5/3) = 4/5
        // t1: 1, 2, 1 -> 1/2, 1,   F = 2(1/2)/(3/2) = 2/3
        // t2: 3, 1, 1 -> 1, 1/3,   F = 2(1/3)/(4/3) = 1/2
        // t3: 1, 2, 0 -> 0, 0,     F = 0
        // P = (2/3 + 1/2 + 1 + 0)/4 = 13/24; R = (1 + 1 + 1/3 + 0)/4 = 7/12; F = (4/5 + 2/3 + 1/2)/4 = 59/120
        MediaEvalMetrics.Prf all = r.all();
        assertEquals(13.0 / 24, all.trackP(), EPS);
        assertEquals(7.0 / 12, all.trackR(), EPS);
        assertEquals(59.0 / 120, all.trackF(), EPS);
        assertEquals(4, all.tracks());

        // Per track, genres (rock, pop, jazz, electronic):
        // t0: true {rock}, pred {rock, pop}  -> 1/2, 1, 2/3
        // t1: true {pop},  pred {pop}        -> 1, 1, 1
        // t2: true {jazz, pop}, pred {jazz}  -> 1, 1/2, 2/3
        // t3: true {rock}, pred {} (only subgenres predicted) -> P = 0 (nothing predicted), R = 0, F = 0
        // P = 2.5/4 = 5/8; R = 2.5/4 = 5/8; F = (2/3 + 1 + 2/3)/4 = 7/12
        MediaEvalMetrics.Prf gen = r.genres();
        assertEquals(5.0 / 8, gen.trackP(), EPS);
        assertEquals(5.0 / 8, gen.trackR(), EPS);
        assertEquals(7.0 / 12, gen.trackF(), EPS);
        assertEquals(4, gen.tracks());

        // Per track, subgenres: only t0 and t2 have a true subgenre; t1 and t3 are left out although t1
        // predicted pop---synthpop and t3 predicted two subgenres (their false positives count nowhere here).
        // t0: true {rock---punk}, pred {rock---punk} -> 1, 1, 1
        // t2: true {pop---synthpop}, pred {} -> 0, 0, 0
        MediaEvalMetrics.Prf subg = r.subgenres();
        assertEquals(0.5, subg.trackP(), EPS);
        assertEquals(0.5, subg.trackR(), EPS);
        assertEquals(0.5, subg.trackF(), EPS);
        assertEquals(2, subg.tracks());

        // Per label (true count T, predicted count P, hits -> P, R, F), only labels true for some track:
        // rock:           T2 (t0,t3) P1 (t0)    hit 1 -> 1,   1/2, 2/3
        // rock---punk:    T1 (t0)    P2 (t0,t3) hit 1 -> 1/2, 1,   2/3
        // pop:            T2 (t1,t2) P2 (t0,t1) hit 1 -> 1/2, 1/2, 1/2
        // pop---synthpop: T1 (t2)    P1 (t1)    hit 0 -> 0,   0,   0
        // jazz:           T1         P1         hit 1 -> 1,   1,   1
        // electronic (never true, never predicted) and electronic---house (never true, predicted once): not counted.
        // all:  P = 3/5, R = 3/5, F = (2/3 + 2/3 + 1/2 + 0 + 1)/5 = 17/30, 5 labels
        assertEquals(0.6, all.labelP(), EPS);
        assertEquals(0.6, all.labelR(), EPS);
        assertEquals(17.0 / 30, all.labelF(), EPS);
        assertEquals(5, all.labels());
        // genres (rock, pop, jazz): P = 5/6, R = 2/3, F = (2/3 + 1/2 + 1)/3 = 13/18
        assertEquals(5.0 / 6, gen.labelP(), EPS);
        assertEquals(2.0 / 3, gen.labelR(), EPS);
        assertEquals(13.0 / 18, gen.labelF(), EPS);
        assertEquals(3, gen.labels());
        // subgenres (rock---punk, pop---synthpop): P = 1/4, R = 1/2, F = (2/3 + 0)/2 = 1/3
        assertEquals(0.25, subg.labelP(), EPS);
        assertEquals(0.5, subg.labelR(), EPS);
        assertEquals(1.0 / 3, subg.labelF(), EPS);
        assertEquals(2, subg.labels());
    }

    @Test
    void emptySubsetGivesNaNAndZeroCounts() {
        // no subgenre labels at all, and one track without any true label
        boolean[] sub = MediaEvalMetrics.subgenreMask(List.of("rock", "pop"));
        boolean[][] truth = {{true, false}, {false, false}};
        boolean[][] pred = {{true, false}, {false, true}};
        MediaEvalMetrics.Report r = MediaEvalMetrics.evaluate(pred, truth, sub);
        assertTrue(Double.isNaN(r.subgenres().trackP()));
        assertTrue(Double.isNaN(r.subgenres().labelF()));
        assertEquals(0, r.subgenres().tracks());
        assertEquals(0, r.subgenres().labels());
        // the track with no true label is not evaluated; pop is never true, so only rock counts per label
        assertEquals(1, r.all().tracks());
        assertEquals(1.0, r.all().trackF(), 0.0);
        assertEquals(1, r.all().labels());
        assertEquals(1.0, r.all().labelP(), 0.0);
    }

    @Test
    void trackWithNothingPredictedHasPrecisionZero() {
        boolean[] sub = {false, false};
        MediaEvalMetrics.Report r =
                MediaEvalMetrics.evaluate(new boolean[][] {{false, false}}, new boolean[][] {{true, false}}, sub);
        assertEquals(0.0, r.all().trackP(), 0.0);
        assertEquals(0.0, r.all().trackR(), 0.0);
        assertEquals(0.0, r.all().trackF(), 0.0);
        assertEquals(0.0, r.all().labelP(), 0.0); // label never predicted: precision 0, not NaN
    }

    @Test
    void tuneThresholdsMaximisesF1() {
        // one column per case; F1 at threshold = 2tp / (tp + fp + positives), columns read top to bottom:
        // label 0: 0.9T 0.8F 0.7T 0.6T 0.2F 0.1F, 3 positives:
        //   0.9: 2/4 = .5; 0.8: 2/5; 0.7: 4/6; 0.6: 6/7 = .857 (best); 0.2: 6/8; 0.1: 6/9 -> 0.6
        // label 2: no positive -> +inf
        float[][] s = {
            {0.9f, 0.1f, 0.3f, 0.5f},
            {0.8f, 0.4f, 0.2f, 0.5f},
            {0.7f, 0.9f, 0.1f, 0.2f},
            {0.6f, 0.5f, 0.4f, 0.5f},
            {0.2f, 0.5f, 0.5f, 0.5f},
            {0.1f, 0.1f, 0.6f, 0.5f},
        };
        boolean[][] t = {
            {true, true, false, true},
            {false, false, false, false},
            {true, true, false, false},
            {true, false, false, false},
            {false, false, false, false},
            {false, true, false, false},
        };
        // label 1 column: 0.1T 0.4F 0.9T 0.5F 0.5F 0.1T -> 3 positives (0.9, 0.1, 0.1), negatives 0.4 0.5 0.5:
        //   0.9: tp1 fp0 -> 2/4 = .5; 0.5: tp1 fp2 -> 2/6; 0.4: tp1 fp3 -> 2/7; 0.1: tp3 fp3 -> 6/9 = .667 -> 0.1
        // label 3 column: 0.5T 0.5F 0.2F 0.5F 0.5F 0.5F -> 1 positive:
        //   0.5: tp1 fp4 -> 2/6; 0.2: tp1 fp5 -> 2/7 -> 0.5
        float[] thr = MediaEvalMetrics.tuneThresholds(s, t);
        assertArrayEquals(new float[] {0.6f, 0.1f, Float.POSITIVE_INFINITY, 0.5f}, thr, 0f);
    }

    @Test
    void tuneThresholdsPrefersHigherThresholdOnEqualF1() {
        // 0.9T 0.5F 0.4F 0.1T, 2 positives: 0.9 -> 2/(1+0+2) = 2/3; 0.1 -> 4/(2+2+2) = 2/3: tie -> 0.9
        float[][] s = {{0.9f}, {0.5f}, {0.4f}, {0.1f}};
        boolean[][] t = {{true}, {false}, {false}, {true}};
        assertArrayEquals(new float[] {0.9f}, MediaEvalMetrics.tuneThresholds(s, t), 0f);
    }

    @Test
    void binariseGivesEveryTrackAtLeastItsBestLabel() {
        float[] thr = {0.5f, 0.6f, Float.POSITIVE_INFINITY};
        float[][] s = {
            {0.7f, 0.1f, 0.9f}, // 0.7 >= 0.5 -> {0}; label 2 (+inf) never by threshold
            {0.2f, 0.3f, 0.9f}, // nothing reaches its threshold -> best score 0.9 -> {2}
            {0.5f, 0.6f, 0.0f}, // equal to threshold counts (>=) -> {0, 1}
            {0.4f, 0.4f, 0.1f}, // nothing -> best is a tie 0.4/0.4 -> lowest index {0}
        };
        boolean[][] b = MediaEvalMetrics.binarise(s, thr);
        assertArrayEquals(new boolean[] {true, false, false}, b[0]);
        assertArrayEquals(new boolean[] {false, false, true}, b[1]);
        assertArrayEquals(new boolean[] {true, true, false}, b[2]);
        assertArrayEquals(new boolean[] {true, false, false}, b[3]);
        assertThrows(
                IllegalArgumentException.class,
                () -> MediaEvalMetrics.binarise(new float[][] {{Float.NaN, 1f, 1f}}, thr));
        assertThrows(IllegalArgumentException.class, () -> MediaEvalMetrics.binarise(new float[][] {{1f}}, thr));
    }

    @Test
    void shapeMismatchIsRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> MediaEvalMetrics.evaluate(
                        new boolean[][] {{true}}, new boolean[][] {{true, false}}, new boolean[] {false, false}));
        assertThrows(
                IllegalArgumentException.class,
                () -> MediaEvalMetrics.evaluate(new boolean[][] {{true}}, new boolean[0][], new boolean[] {false}));
    }

    /**
     * Real label lists of the four training sets (label_stats in shared/data): the "---" rule must give
     * the genre / subgenre label counts the official baseline summaries report (allmusic n = 21 / 745,
     * discogs 15 / 300, lastfm 30 / 297, tagtraum 31 / 265).
     */
    @Test
    void subgenreMaskOnRealLabelListsMatchesOfficialCounts() throws IOException {
        Path stats = sharedData().resolve("groundtruth/label_stats");
        int[][] expected = {{21, 745}, {15, 300}, {30, 297}, {31, 265}};
        String[] sources = {"allmusic", "discogs", "lastfm", "tagtraum"};
        for (int k = 0; k < sources.length; k++) {
            List<String> lines = Files.readAllLines(
                    stats.resolve("acousticbrainz-mediaeval2017-" + sources[k] + "-train.stats"),
                    StandardCharsets.UTF_8);
            List<String> labels =
                    lines.subList(1, lines.size()).stream() // header: genre/subgenre recordings releasegroups
                            .filter(line -> !line.isBlank())
                            .map(line -> line.split("\t")[0])
                            .toList();
            boolean[] sub = MediaEvalMetrics.subgenreMask(labels);
            int subs = 0;
            for (boolean b : sub) {
                subs += b ? 1 : 0;
            }
            assertEquals(expected[k][0], labels.size() - subs, sources[k] + " genres");
            assertEquals(expected[k][1], subs, sources[k] + " subgenres");
        }
    }

    static Path sharedData() {
        String explicit = System.getProperty("genrestack.shared.data");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return Path.of(System.getProperty("genrestack.repo.root", "."))
                .resolve("../shared/data")
                .normalize();
    }
}
