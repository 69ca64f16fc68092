package io.genrestack.common.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link RocAuc} on cases small enough to work out by hand; the arithmetic is in the comments. */
class RocAucTest {

    private static final boolean T = true;
    private static final boolean F = false;

    @Test
    void classicFourPointExample() {
        // positives 0.35, 0.8; negatives 0.1, 0.4. Pairs (pos > neg?):
        // 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes -> 3 of 4 pairs = 0.75
        assertEquals(0.75, RocAuc.auc(new float[] {0.1f, 0.4f, 0.35f, 0.8f}, new boolean[] {F, F, T, T}), 0.0);
    }

    @Test
    void tiedPairsCountHalf() {
        // positives 0.5, 0.9; negatives 0.2, 0.5, 0.5 -> 6 pairs.
        // 0.5 vs 0.2: 1; 0.5 vs 0.5: 1/2; 0.5 vs 0.5: 1/2; 0.9 vs each negative: 3 -> 5/6.
        // Trapezoid over distinct thresholds gives the same: points (0,0) (0,1/2) (2/3,1) (1,1):
        // 2/3 * (1/2 + 1)/2 + 1/3 * 1 = 1/2 + 1/3 = 5/6.
        float[] s = {0.2f, 0.5f, 0.5f, 0.5f, 0.9f};
        boolean[] t = {F, T, F, F, T};
        assertEquals(5.0 / 6.0, RocAuc.auc(s, t), 0.0);
    }

    @Test
    void allEqualScoresGiveOneHalf() {
        // 2 positives x 2 negatives, every pair tied -> 4 * 1/2 / 4 = 0.5
        assertEquals(0.5, RocAuc.auc(new float[] {0.3f, 0.3f, 0.3f, 0.3f}, new boolean[] {T, F, T, F}), 0.0);
    }

    @Test
    void perfectAndInvertedRankings() {
        float[] s = {0.1f, 0.2f, 0.3f, 0.7f, 0.8f};
        assertEquals(1.0, RocAuc.auc(s, new boolean[] {F, F, F, T, T}), 0.0);
        assertEquals(0.0, RocAuc.auc(s, new boolean[] {T, T, F, F, F}), 0.0);
        // negative scores and infinities order like any other floats
        float[] wide = {Float.NEGATIVE_INFINITY, -3f, -1e-30f, 2f, Float.POSITIVE_INFINITY};
        assertEquals(1.0, RocAuc.auc(wide, new boolean[] {F, F, F, T, T}), 0.0);
    }

    @Test
    void singleClassIsNaN() {
        assertTrue(Double.isNaN(RocAuc.auc(new float[] {0.1f, 0.9f}, new boolean[] {T, T})));
        assertTrue(Double.isNaN(RocAuc.auc(new float[] {0.1f, 0.9f}, new boolean[] {F, F})));
        assertTrue(Double.isNaN(RocAuc.auc(new float[0], new boolean[0])));
    }

    @Test
    void negativeZeroTiesWithZero() {
        // NumPy/scikit-learn treat -0.0 == 0.0: one tied pair -> 1/2 (not 0, which a bitwise sort would give)
        assertEquals(0.5, RocAuc.auc(new float[] {-0.0f, 0.0f}, new boolean[] {T, F}), 0.0);
    }

    @Test
    void rejectsNaNAndLengthMismatch() {
        assertThrows(
                IllegalArgumentException.class, () -> RocAuc.auc(new float[] {Float.NaN, 1f}, new boolean[] {T, F}));
        assertThrows(IllegalArgumentException.class, () -> RocAuc.auc(new float[] {1f}, new boolean[] {T, F}));
    }

    @Test
    void macroSkipsSingleClassLabelsAndMicroPoolsAllCells() {
        float[][] s = {
            {0.1f, 0.2f, 0.9f},
            {0.4f, 0.3f, 0.8f},
            {0.35f, 0.4f, 0.1f},
            {0.8f, 0.35f, 0.2f},
        };
        boolean[][] t = {
            {F, F, T},
            {F, F, T},
            {T, F, F},
            {T, F, F},
        };
        RocAuc.MacroResult r = RocAuc.macro(s, t);
        // label 0 = classicFourPointExample = 0.75; label 1 has no positive -> skipped;
        // label 2: positives 0.9, 0.8 above negatives 0.1, 0.2 -> 1.0. Macro = (0.75 + 1.0) / 2 = 0.875
        assertEquals(0.75, r.perLabel()[0], 0.0);
        assertTrue(Double.isNaN(r.perLabel()[1]));
        assertEquals(1.0, r.perLabel()[2], 0.0);
        assertEquals(List.of(1), r.skipped());
        assertEquals(2, r.evaluated());
        assertEquals(0.875, r.macro(), 0.0);
        // micro: positives 0.9, 0.8, 0.8, 0.35 (4); negatives 0.1 0.2 0.4 0.3 0.4 0.35 0.1 0.2 (8); 32 pairs.
        // 0.9 beats 8; each 0.8 beats 8 (16); 0.35 beats 0.1 0.2 0.3 0.1 0.2 (5) and ties 0.35 (1/2).
        // (8 + 16 + 5.5) / 32 = 29.5 / 32 = 0.921875
        assertEquals(0.921875, r.micro(), 0.0);
    }

    @Test
    void macroWithNoEvaluableLabel() {
        RocAuc.MacroResult r =
                RocAuc.macro(new float[][] {{0.1f, 0.2f}, {0.3f, 0.4f}}, new boolean[][] {{T, F}, {T, F}});
        assertTrue(Double.isNaN(r.macro()));
        assertEquals(List.of(0, 1), r.skipped());
        assertEquals(0, r.evaluated());
        // pooled: positives 0.1, 0.3; negatives 0.2, 0.4 -> 0.1 beats none, 0.3 beats 0.2 -> 1/4
        assertEquals(0.25, r.micro(), 0.0);
        RocAuc.MacroResult empty = RocAuc.macro(new float[0][], new boolean[0][]);
        assertEquals(0, empty.perLabel().length);
        assertTrue(Double.isNaN(empty.micro()));
    }

    @Test
    void resultDoesNotDependOnThreads() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        int n = 500;
        int labels = 70; // 5 blocks of 16 columns: 1, 2, 4 and 8 threads split them differently
        float[][] s = new float[n][labels];
        boolean[][] t = new boolean[n][labels];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < labels; l++) {
                t[i][l] = l % 9 != 0 && rnd.nextDouble() < 0.1; // every 9th label single-class
                s[i][l] = rnd.nextInt(20) / 20f + (t[i][l] ? 0.1f : 0f);
            }
        }
        RocAuc.MacroResult one = RocAuc.macro(s, t, 1);
        for (int threads : new int[] {2, 4, 8}) {
            RocAuc.MacroResult many = RocAuc.macro(s, t, threads);
            assertArrayEquals(one.perLabel(), many.perLabel(), 0.0);
            assertEquals(one.macro(), many.macro(), 0.0);
            assertEquals(one.micro(), many.micro(), 0.0);
            assertEquals(one.skipped(), many.skipped());
        }
        assertEquals(List.of(0, 9, 18, 27, 36, 45, 54, 63), one.skipped());
        assertThrows(IllegalArgumentException.class, () -> RocAuc.macro(s, t, 0));
    }

    @Test
    void macroRejectsRaggedRows() {
        assertThrows(
                IllegalArgumentException.class,
                () -> RocAuc.macro(new float[][] {{0.1f, 0.2f}, {0.3f}}, new boolean[][] {{T, F}, {T}}));
    }

    @Test
    void curveAtDistinctThresholds() {
        // Same data as tiedPairsCountHalf. Descending thresholds:
        // +inf: tp 0 fp 0; 0.9: tp 1 fp 0; 0.5: tp 2 fp 2; 0.2: tp 2 fp 3. P = 2, N = 3.
        RocAuc.RocCurve c = RocAuc.curve(new float[] {0.2f, 0.5f, 0.5f, 0.5f, 0.9f}, new boolean[] {F, T, F, F, T});
        assertArrayEquals(new double[] {0, 0, 2.0 / 3, 1}, c.fpr(), 0.0);
        assertArrayEquals(new double[] {0, 0.5, 1, 1}, c.tpr(), 0.0);
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, 0.9f, 0.5f, 0.2f}, c.thresholds(), 0f);
    }

    @Test
    void curveOfSingleClassHasNaNRates() {
        RocAuc.RocCurve c = RocAuc.curve(new float[] {0.2f, 0.7f}, new boolean[] {T, T});
        assertTrue(Double.isNaN(c.fpr()[1]));
        assertArrayEquals(new double[] {0, 0.5, 1}, c.tpr(), 0.0);
    }
}
