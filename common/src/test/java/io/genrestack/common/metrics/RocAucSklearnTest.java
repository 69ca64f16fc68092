package io.genrestack.common.metrics;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RocAuc} against scikit-learn's {@code roc_auc_score} / {@code roc_curve} on random matrices with
 * many ties, single-class labels, constant columns and signed zeros. Fails (never skips) without
 * {@code python3-sklearn}.
 */
class RocAucSklearnTest {

    private static final double TOL = 1e-12;

    @TempDir
    static Path dir;

    private static SklearnOracle oracle;

    @BeforeAll
    static void oracle() throws IOException {
        oracle = SklearnOracle.require(dir);
    }

    private record Data(float[][] scores, boolean[][] truth) {}

    /** Scores from a few levels per label (heavy ties); labels 0-4 have special shapes. */
    private static Data randomTied(long seed, int n, int labels) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] s = new float[n][labels];
        boolean[][] t = new boolean[n][labels];
        int[] levelChoices = {2, 3, 5, 10, 50, 1_000_000};
        for (int l = 0; l < labels; l++) {
            int levels = levelChoices[rnd.nextInt(levelChoices.length)];
            double prevalence = 0.01 + 0.5 * rnd.nextDouble();
            double signal = rnd.nextDouble() * 2 - 0.5; // some labels informative, some inverted
            for (int i = 0; i < n; i++) {
                boolean pos = rnd.nextDouble() < prevalence;
                double raw = rnd.nextDouble() + (pos ? signal : 0);
                float score = (float) (Math.floor(Math.max(0, Math.min(0.999999, raw)) * levels) / levels);
                switch (l) {
                    case 0 -> pos = false; // single class: no positive
                    case 1 -> pos = true; // single class: all positive
                    case 2 -> score = 0.25f; // constant scores -> 0.5
                    case 3 -> score = rnd.nextBoolean() ? -0.0f : (rnd.nextBoolean() ? 0.0f : -0.5f); // signed zeros
                    case 4 -> pos = i == 7; // exactly one positive
                    default -> {}
                }
                s[i][l] = score;
                t[i][l] = pos;
            }
        }
        return new Data(s, t);
    }

    /** Compares every data set with scikit-learn, all in one Python run. */
    private static void compare(List<Data> data, String tag) throws IOException {
        List<List<String>> jobs = new ArrayList<>();
        for (int k = 0; k < data.size(); k++) {
            jobs.add(List.of(
                    "auc",
                    oracle.writeScores(tag + k + "-s.txt", data.get(k).scores()).toString(),
                    oracle.writeBooleans(tag + k + "-t.txt", data.get(k).truth())
                            .toString()));
        }
        List<Map<String, double[]>> refs = oracle.runBatch(jobs);
        for (int k = 0; k < data.size(); k++) {
            verify(data.get(k), refs.get(k), tag + k);
        }
    }

    private static void verify(Data d, Map<String, double[]> ref, String tag) {
        RocAuc.MacroResult mine = RocAuc.macro(d.scores(), d.truth());
        List<Integer> refSkipped = new ArrayList<>();
        int labels = d.scores()[0].length;
        for (int l = 0; l < labels; l++) {
            double expected = ref.get("per" + l)[0];
            if (Double.isNaN(expected)) {
                refSkipped.add(l);
                assertTrue(Double.isNaN(mine.perLabel()[l]), tag + " label " + l + " should be NaN");
            } else {
                assertEquals(expected, mine.perLabel()[l], TOL, tag + " label " + l);
                // single-column entry point agrees with the matrix one
                float[] col = new float[d.scores().length];
                boolean[] tcol = new boolean[col.length];
                for (int i = 0; i < col.length; i++) {
                    col[i] = d.scores()[i][l];
                    tcol[i] = d.truth()[i][l];
                }
                assertEquals(mine.perLabel()[l], RocAuc.auc(col, tcol), 0.0);
            }
        }
        assertEquals(refSkipped, mine.skipped(), tag + " skipped labels");
        assertEquals(labels - refSkipped.size(), mine.evaluated());
        assertEquals(ref.get("macro")[0], mine.macro(), TOL, tag + " macro");
        assertEquals(ref.get("micro")[0], mine.micro(), TOL, tag + " micro");
    }

    @Test
    void perLabelMacroAndMicroMatchSklearnWithManyTies() throws IOException {
        List<Data> data = new ArrayList<>();
        for (long seed = 1; seed <= 6; seed++) {
            data.add(randomTied(seed, 300, 40));
        }
        compare(data, "tied");
    }

    @Test
    void largerMatrixWithFewTiesMatchesSklearn() throws IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        int n = 20_000;
        int labels = 12;
        float[][] s = new float[n][labels];
        boolean[][] t = new boolean[n][labels];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < labels; l++) {
                t[i][l] = rnd.nextDouble() < 0.02 + 0.02 * l;
                // sigmoid-like scores: almost all distinct, some positives shifted up
                double logit = rnd.nextGaussian() + (t[i][l] ? 1.0 : 0.0);
                s[i][l] = (float) (1 / (1 + Math.exp(-logit)));
            }
        }
        compare(List.of(new Data(s, t)), "large");
    }

    @Test
    void curveMatchesSklearnRocCurve() throws IOException {
        Data d = randomTied(7, 200, 12);
        Path sp = oracle.writeScores("curve-s.txt", d.scores());
        Path tp = oracle.writeBooleans("curve-t.txt", d.truth());
        List<List<String>> jobs = new ArrayList<>();
        for (int l = 2; l < 12; l++) {
            jobs.add(List.of("curve", sp.toString(), tp.toString(), Integer.toString(l)));
        }
        List<Map<String, double[]>> refs = oracle.runBatch(jobs);
        for (int l = 2; l < 12; l++) { // columns with both classes (0 and 1 are single-class on purpose)
            float[] col = new float[200];
            boolean[] tcol = new boolean[200];
            for (int i = 0; i < 200; i++) {
                col[i] = d.scores()[i][l];
                tcol[i] = d.truth()[i][l];
            }
            RocAuc.RocCurve mine = RocAuc.curve(col, tcol);
            Map<String, double[]> ref = refs.get(l - 2);
            assertEquals(ref.get("fpr").length, mine.fpr().length, "points of label " + l);
            for (int k = 0; k < mine.fpr().length; k++) {
                assertEquals(ref.get("fpr")[k], mine.fpr()[k], TOL, "fpr " + l + "/" + k);
                assertEquals(ref.get("tpr")[k], mine.tpr()[k], TOL, "tpr " + l + "/" + k);
                if (k > 0) { // sklearn 1.2 puts max+1 first, >= 1.3 puts inf; we use inf
                    assertEquals(ref.get("thr")[k], mine.thresholds()[k], 0.0, "thr " + l + "/" + k);
                }
            }
            assertEquals(Float.POSITIVE_INFINITY, mine.thresholds()[0]);
        }
    }
}
