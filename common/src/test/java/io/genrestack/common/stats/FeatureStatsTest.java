package io.genrestack.common.stats;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Welford/Chan statistics against a double-precision two-pass reference. */
class FeatureStatsTest {

    /** Rows with large offsets (catastrophic cancellation for naive sum of squares), NaN holes, one constant column. */
    static List<float[]> data(int rows, int cols, long seed) {
        Random r = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            float[] v = new float[cols];
            for (int j = 0; j < cols; j++) {
                v[j] = (float) (1e4 * j + r.nextGaussian() * (j + 1) * 0.01);
            }
            v[0] = 3.25f;
            if (i % 7 == 0) {
                v[1] = Float.NaN;
            }
            out.add(v);
        }
        return out;
    }

    static double[][] twoPass(List<float[]> rows, int cols) {
        double[] mean = new double[cols];
        double[] var = new double[cols];
        long[] n = new long[cols];
        for (float[] v : rows) {
            for (int j = 0; j < cols; j++) {
                if (!Float.isNaN(v[j])) {
                    mean[j] += v[j];
                    n[j]++;
                }
            }
        }
        for (int j = 0; j < cols; j++) {
            mean[j] /= n[j];
        }
        for (float[] v : rows) {
            for (int j = 0; j < cols; j++) {
                if (!Float.isNaN(v[j])) {
                    double d = v[j] - mean[j];
                    var[j] += d * d;
                }
            }
        }
        double[] std = new double[cols];
        for (int j = 0; j < cols; j++) {
            std[j] = Math.sqrt(var[j] / n[j]);
        }
        return new double[][] {mean, std};
    }

    static void assertClose(double expected, double actual, String what) {
        double tol = 1e-9 * Math.max(Math.abs(expected), 1e-12);
        assertTrue(
                Math.abs(expected - actual) <= tol || expected == actual,
                what + ": expected " + expected + ", got " + actual);
    }

    @Test
    void singlePassEqualsTwoPassReferenceWithinRelative1e9() {
        int cols = 40;
        List<float[]> rows = data(5000, cols, 3);
        FeatureStats s = new FeatureStats(cols);
        rows.forEach(s::add);
        double[][] ref = twoPass(rows, cols);
        for (int j = 0; j < cols; j++) {
            assertClose(ref[0][j], s.mean(j), "mean " + j);
            if (j > 0) {
                assertClose(ref[1][j], s.std(j), "std " + j);
            }
        }
        assertEquals(0.0, s.std(0));
        assertEquals(715, s.missing(1)); // rows 0, 7, 14, ... of 5000
        assertEquals(5000 - 715, s.count(1));
        assertEquals(5000, s.vectors());
    }

    @Test
    void mergedPartialsEqualTheSinglePass() {
        int cols = 25;
        List<float[]> rows = data(3001, cols, 11);
        FeatureStats whole = new FeatureStats(cols);
        rows.forEach(whole::add);
        FeatureStats merged = new FeatureStats(cols);
        // uneven parts, one empty
        int[] cuts = {0, 10, 10, 1700, 3001};
        for (int p = 0; p + 1 < cuts.length; p++) {
            FeatureStats part = new FeatureStats(cols);
            rows.subList(cuts[p], cuts[p + 1]).forEach(part::add);
            merged.merge(part);
        }
        for (int j = 0; j < cols; j++) {
            assertClose(whole.mean(j), merged.mean(j), "mean " + j);
            assertClose(whole.std(j), merged.std(j), "std " + j);
            assertEquals(whole.count(j), merged.count(j));
            assertEquals(whole.missing(j), merged.missing(j));
        }
        assertEquals(whole.vectors(), merged.vectors());
    }

    @Test
    void aTruncatedFileSaysHowShortItIs() {
        FeatureStats s = new FeatureStats(6);
        data(10, 6, 5).forEach(s::add);
        byte[] full = s.toBytes();
        assertEquals(16 + 32 * 6, full.length);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> FeatureStats.fromBytes(Arrays.copyOf(full, 100)));
        assertEquals(
                "truncated statistics file: 100 bytes, its header announces 6 features = 208 bytes", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FeatureStats.fromBytes(new byte[0]));
        assertEquals("truncated statistics file: 0 bytes", e.getMessage());
    }

    @Test
    void binaryRoundTripAndStandardiser() {
        int cols = 6;
        List<float[]> rows = data(100, cols, 5);
        FeatureStats s = new FeatureStats(cols);
        rows.forEach(s::add);
        FeatureStats back = FeatureStats.fromBytes(s.toBytes());
        assertArrayEquals(s.means(), back.means());
        assertArrayEquals(s.stds(), back.stds());
        Standardiser st = new Standardiser(back);
        assertTrue(st.zeroVariance(0));
        assertEquals(1, st.zeroVarianceCount());
        float[] x = rows.get(3).clone();
        x[1] = Float.NaN;
        float[] z = st.apply(x);
        assertEquals(0f, z[0]); // zero variance → 0
        assertEquals(0f, z[1]); // missing → train mean → 0
        assertEquals((x[2] - s.mean(2)) / s.std(2), z[2], 1e-5);
        // a standardised train column has mean ≈ 0 and std ≈ 1
        double sum = 0;
        double sq = 0;
        for (float[] r : rows) {
            double v = st.apply(r)[4];
            sum += v;
            sq += v * v;
        }
        assertEquals(0, sum / rows.size(), 1e-4);
        assertEquals(1, Math.sqrt(sq / rows.size()), 1e-4);
    }
}
