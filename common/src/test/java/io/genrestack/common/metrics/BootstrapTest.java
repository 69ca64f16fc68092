package io.genrestack.common.metrics;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Bootstrap} and {@link BootstrapColumn}: hand-worked weights, the paired comparison, limits. */
class BootstrapTest {

    @Test
    void weightedAucCountsEachTrackByItsMultiplicityTiesHalf() {
        // scores 0.1 (neg), 0.5 (pos), 0.5 (neg), 0.9 (pos)
        float[] s = {0.1f, 0.5f, 0.5f, 0.9f};
        boolean[] t = {false, true, false, true};
        int[][] idx = {
            {0, 1, 2, 3}, // 2U = pos 0.5: 2·1 + 1 (tie) = 3, pos 0.9: 2·2 = 4 -> 7/8
            {0, 0, 1, 3}, // negatives 0,0 below both positives: 1.0
            {2, 2, 2, 1}, // one positive tied with three negatives: 1/2
            {1, 3, 3, 3}, // positives only: NaN
            {3, 2, 2, 0} // 0.9 beats 2 + 1 negatives: 1.0
        };
        Bootstrap.Weights w = Bootstrap.weights(idx, 4);
        assertEquals(3, w.maxWeight());
        double[] out = new double[idx.length];
        new BootstrapColumn(4, idx.length).load(s, t, 4).aucs(w, out);
        assertEquals(7.0 / 8, out[0], 0);
        assertEquals(1.0, out[1], 0);
        assertEquals(0.5, out[2], 0);
        assertTrue(Double.isNaN(out[3]));
        assertEquals(1.0, out[4], 0);
    }

    @Test
    void heavyMultiplicitiesAreExactAndTooHeavyOnesAreRefused() {
        int n = 300;
        SplittableRandom r = new SplittableRandom(5);
        float[] s = new float[n];
        boolean[] t = new boolean[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(4) == 0;
            s[i] = r.nextInt(20) / 20f;
        }
        int[][] idx = new int[3][n];
        for (int k = 0; k < n; k++) {
            idx[0][k] = k < 255 ? 7 : k; // track 7 255 times: byte lanes of one row each
            idx[1][k] = k < 100 ? 3 : r.nextInt(n);
            idx[2][k] = r.nextInt(n);
        }
        Bootstrap.Weights w = Bootstrap.weights(idx, n);
        double[] out = new double[3];
        new BootstrapColumn(n, 3).load(s, t, n).aucs(w, out);
        for (int b = 0; b < 3; b++) {
            float[] rs = new float[n];
            boolean[] rt = new boolean[n];
            for (int k = 0; k < n; k++) {
                rs[k] = s[idx[b][k]];
                rt[k] = t[idx[b][k]];
            }
            assertEquals(RocAuc.auc(rs, rt), out[b], 0, "resample " + b);
        }
        int[][] tooHeavy = {new int[n]}; // track 0, 300 times
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.weights(tooHeavy, n));
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.weights(new int[][] {{0, n}}, n));
    }

    /** Macro AUCs of base and stacked on the same seeded resamples of one synthetic data set. */
    static Bootstrap.Comparison paired(double baseSignal, double stackedSignal, boolean sameScores) {
        int n = 400;
        int labels = 6;
        SplittableRandom r = new SplittableRandom(11);
        float[][] base = new float[n][labels];
        float[][] stacked = new float[n][labels];
        boolean[][] truth = new boolean[n][labels];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < labels; l++) {
                truth[i][l] = r.nextDouble() < 0.2;
                double y = truth[i][l] ? 1 : 0;
                base[i][l] = (float) (baseSignal * y + r.nextGaussian());
                stacked[i][l] = sameScores ? base[i][l] : (float) (stackedSignal * y + r.nextGaussian());
            }
        }
        Bootstrap.Weights w = Bootstrap.weights(Bootstrap.indices(7, n, 1000), n);
        return Bootstrap.compare(Bootstrap.macros(base, truth, w), Bootstrap.macros(stacked, truth, w), 0.95);
    }

    @Test
    void pairedComparisonSeesTheBetterModelAndNothingBetweenEqualOnes() {
        Bootstrap.Comparison better = paired(0.3, 1.5, false);
        assertEquals(1000, better.validResamples());
        assertTrue(better.difference().low() > 0, "stacked clearly better: " + better);
        assertTrue(better.stackedWins() > 0.99, better.toString());
        assertTrue(better.stacked().low() > better.base().high(), better.toString());

        Bootstrap.Comparison worse = paired(1.5, 0.3, false);
        assertTrue(worse.difference().high() < 0, worse.toString());
        assertTrue(worse.stackedWins() < 0.01, worse.toString());

        Bootstrap.Comparison same = paired(0.8, 0.8, true);
        assertEquals(new Bootstrap.Interval(0, 0), same.difference());
        assertEquals(0, same.stackedWins());
        assertEquals(1, same.ties());
        assertEquals(same.base(), same.stacked());
        assertTrue(same.base().low() < same.base().high());
    }

    @Test
    void quantileInterpolatesLinearlyBetweenOrderStatistics() {
        double[] v = {1, 2, 3, 4, 5};
        assertEquals(1.1, Bootstrap.quantile(v, 0.025), 1e-15);
        assertEquals(4.9, Bootstrap.quantile(v, 0.975), 1e-15);
        assertEquals(3, Bootstrap.quantile(v, 0.5), 0);
        assertEquals(5, Bootstrap.quantile(v, 1), 0);
        assertTrue(Double.isNaN(Bootstrap.quantile(new double[0], 0.5)));
        Bootstrap.Comparison none = Bootstrap.compare(new double[] {Double.NaN}, new double[] {Double.NaN}, 0.95);
        assertEquals(0, none.validResamples());
        assertTrue(Double.isNaN(none.base().low()) && Double.isNaN(none.stackedWins()));
    }
}
