package io.genrestack.common.metrics;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Bootstrap} against scikit-learn: the same index lists (seeded ones dumped by {@link Bootstrap#indices} and
 * hand-written ones) go to both; scikit-learn's {@code roc_auc_score} on each resampled matrix (labels with both
 * classes in the resample) and NumPy's {@code percentile} must give the per-resample macro AUCs, the 95 % intervals
 * and the win / tie shares. Each per-resample value is also bit-identical to {@link RocAuc#macro} of the resampled
 * matrix. Fails (never skips) without {@code python3-sklearn}.
 */
class BootstrapSklearnTest {
    private static final double TOL = 1e-12;

    @TempDir
    static Path dir;

    private static SklearnOracle oracle;

    @BeforeAll
    static void oracle() throws IOException {
        oracle = SklearnOracle.require(dir);
    }

    /**
     * 60 tracks × 7 labels on coarse score grids (ties): label 0 never true, label 1 true for 2 tracks only (often a
     * single class in a resample), label 2 constant scores; stacked has more signal than base.
     */
    static float[][][] scores(long seed, int n, int labels, boolean[][] truth) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] base = new float[n][labels];
        float[][] stacked = new float[n][labels];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < labels; l++) {
                truth[i][l] = l == 0 ? false : l == 1 ? i % 31 == 5 : r.nextDouble() < 0.3;
                double y = truth[i][l] ? 1 : 0;
                base[i][l] = l == 2 ? 0.5f : Math.round((0.3 * y + r.nextDouble()) * 8) / 8f;
                stacked[i][l] = l == 2 ? 0.5f : Math.round((0.9 * y + r.nextDouble()) * 16) / 16f;
            }
        }
        return new float[][][] {base, stacked};
    }

    static float[][] rows(float[][] m, int[] idx) {
        float[][] out = new float[idx.length][];
        for (int k = 0; k < idx.length; k++) {
            out[k] = m[idx[k]];
        }
        return out;
    }

    static boolean[][] rows(boolean[][] m, int[] idx) {
        boolean[][] out = new boolean[idx.length][];
        for (int k = 0; k < idx.length; k++) {
            out[k] = m[idx[k]];
        }
        return out;
    }

    static Path writeIndices(String name, int[][] lists) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int[] l : lists) {
            for (int k = 0; k < l.length; k++) {
                b.append(k == 0 ? "" : " ").append(l[k]);
            }
            b.append('\n');
        }
        Path p = dir.resolve(name);
        Files.writeString(p, b, StandardCharsets.US_ASCII);
        return p;
    }

    @Test
    void seededAndExplicitResamplesMatchScikitLearnAndTheExistingAucCode() throws IOException {
        int n = 60;
        int labels = 7;
        boolean[][] truth = new boolean[n][labels];
        float[][][] s = scores(3, n, labels, truth);

        int[][] seeded = Bootstrap.indices(42, n, 300);
        assertEquals(300, seeded.length);
        int[][] explicit = new int[5][n];
        for (int k = 0; k < n; k++) {
            explicit[0][k] = k; // the original sample
            explicit[1][k] = 5; // one track 60 times: every label has a single class -> no macro
            explicit[2][k] = k % 2 == 0 ? 5 : 7; // two tracks: label 1 has both classes
            explicit[3][k] = n - 1 - k / 2; // the second half, each twice
            explicit[4][k] = k < 3 ? 36 : (k * 7) % n; // 36 (a positive of label 1) three times more
        }
        List<List<String>> jobs = new ArrayList<>();
        List<int[][]> lists = List.of(seeded, explicit);
        for (int j = 0; j < lists.size(); j++) {
            jobs.add(List.of(
                    "bootstrap",
                    oracle.writeScores("base.txt", s[0]).toString(),
                    oracle.writeScores("stacked.txt", s[1]).toString(),
                    oracle.writeBooleans("truth.txt", truth).toString(),
                    writeIndices("indices" + j + ".txt", lists.get(j)).toString()));
        }
        List<Map<String, double[]>> refs = oracle.runBatch(jobs);
        for (int j = 0; j < lists.size(); j++) {
            int[][] idx = lists.get(j);
            Bootstrap.Weights w = Bootstrap.weights(idx, n);
            double[] base = Bootstrap.macros(s[0], truth, w);
            double[] stacked = Bootstrap.macros(s[1], truth, w);
            Map<String, double[]> ref = refs.get(j);
            for (int b = 0; b < idx.length; b++) {
                // the existing exact code on the resampled matrix: the same double
                assertEquals(
                        RocAuc.macro(rows(s[0], idx[b]), rows(truth, idx[b])).macro(), base[b], 0, "base " + b);
                assertEquals(
                        RocAuc.macro(rows(s[1], idx[b]), rows(truth, idx[b])).macro(), stacked[b], 0, "st " + b);
                assertEquals(ref.get("base")[b], base[b], TOL, "base macro of resample " + b + " list " + j);
                assertEquals(ref.get("stacked")[b], stacked[b], TOL, "stacked macro of resample " + b);
            }
            Bootstrap.Comparison c = Bootstrap.compare(base, stacked, 0.95);
            assertEquals(ref.get("cibase")[0], c.base().low(), TOL);
            assertEquals(ref.get("cibase")[1], c.base().high(), TOL);
            assertEquals(ref.get("cistacked")[0], c.stacked().low(), TOL);
            assertEquals(ref.get("cistacked")[1], c.stacked().high(), TOL);
            assertEquals(ref.get("cidifference")[0], c.difference().low(), TOL);
            assertEquals(ref.get("cidifference")[1], c.difference().high(), TOL);
            assertEquals(ref.get("share")[0], c.stackedWins(), TOL);
            assertEquals(ref.get("share")[1], c.ties(), TOL);
            assertEquals(idx.length, c.resamples());
            if (j == 1) {
                assertTrue(Double.isNaN(base[1]), "a single-track resample has no macro AUC");
                assertEquals(4, c.validResamples());
            } else {
                assertEquals(300, c.validResamples());
                assertTrue(c.difference().low() > 0, "stacked built to be better: " + c);
            }
        }
        // the seeded lists are the seed's: the same again, another seed differs
        assertTrue(Arrays.deepEquals(seeded, Bootstrap.indices(42, n, 300)));
        assertTrue(!Arrays.deepEquals(seeded, Bootstrap.indices(43, n, 300)));
    }
}
