package io.genrestack.common.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Bootstrap confidence intervals of the macro ROC-AUC and the paired comparison of two models on the same resamples
 * (docs/metrics.md, "Bootstrap confidence intervals").
 *
 * <p>A resample is a list of {@code n} track indices drawn uniformly with replacement from {@code 0..n-1}
 * ({@link #draw}, seeded); a track drawn k times counts k times. The macro AUC of a resample is exactly
 * {@link RocAuc#macro}{@code .macro()} of the resampled matrix (rows {@code scores[idx[0]], scores[idx[1]], ...}):
 * {@link BootstrapColumn} computes each label's AUC as a weighted Mann-Whitney count (weight = multiplicity) in
 * integers, which is the same integer {@code 2U} and the same division as the unweighted code on the duplicated rows,
 * and {@link MacroSums} sums the labels in label order, as {@link RocAuc.MacroResult#of} does. A label with a single
 * class in a resample has no AUC there (NaN) and is left out of that resample's mean, as the macro AUC leaves out a
 * single-class label; a resample in which no label has both classes has a NaN macro AUC and is left out of the
 * intervals ({@link Comparison#validResamples}).
 */
public final class Bootstrap {
    /** Largest multiplicity of one track in one resample: weights are stored as unsigned bytes. */
    public static final int MAX_WEIGHT = 255;

    private Bootstrap() {}

    /** Receives resample {@code b}'s index list; the array is reused for the next resample. */
    @FunctionalInterface
    public interface IndexSink {
        void resample(int b, int[] indices);
    }

    /**
     * The seeded index lists: resample {@code b} (0-based) draws its {@code n} indices with {@code nextInt(n)}, in
     * order, from the {@code (b+1)}-th {@link SplittableRandom#split()} of {@code new SplittableRandom(seed)}. The
     * same seed and {@code n} give the same lists on every JVM.
     */
    public static void draw(long seed, int n, int resamples, IndexSink sink) {
        if (n < 0 || resamples < 0) {
            throw new IllegalArgumentException("negative size: n=" + n + ", resamples=" + resamples);
        }
        SplittableRandom root = new SplittableRandom(seed);
        int[] idx = new int[n];
        for (int b = 0; b < resamples; b++) {
            SplittableRandom r = root.split();
            for (int k = 0; k < n; k++) {
                idx[k] = r.nextInt(n);
            }
            sink.resample(b, idx);
        }
    }

    /** {@link #draw} materialised (small {@code n}: tests, dumps). */
    public static int[][] indices(long seed, int n, int resamples) {
        int[][] out = new int[resamples][];
        draw(seed, n, resamples, (b, idx) -> out[b] = idx.clone());
        return out;
    }

    /**
     * How often each track occurs in each resample, track-major: {@link #row} gives track {@code t}'s multiplicity in
     * resamples {@code 0..resamples-1} as unsigned bytes.
     */
    public interface Weights {
        int tracks();

        int resamples();

        /** The largest multiplicity (at most {@value #MAX_WEIGHT}). */
        int maxWeight();

        /** Track {@code track}'s multiplicities into {@code out[0..resamples)}, unsigned bytes. */
        void row(int track, byte[] out);
    }

    /**
     * Multiplicities of one resample's index list, into {@code counts[0..n)} (cleared first).
     *
     * @return the largest multiplicity
     * @throws IllegalArgumentException on an index outside {@code 0..n-1} or a multiplicity above {@value
     *     #MAX_WEIGHT}
     */
    public static int counts(int[] indices, int n, int[] counts) {
        Arrays.fill(counts, 0, n, 0);
        int max = 0;
        for (int i : indices) {
            if (i < 0 || i >= n) {
                throw new IllegalArgumentException("resample index " + i + " outside 0.." + (n - 1));
            }
            int c = ++counts[i];
            if (c > MAX_WEIGHT) {
                throw new IllegalArgumentException(
                        "track " + i + " occurs more than " + MAX_WEIGHT + " times in one resample");
            }
            max = Math.max(max, c);
        }
        return max;
    }

    /** The weights of explicit index lists (each a list of indices into {@code 0..n-1}), held in heap. */
    public static Weights weights(int[][] indexLists, int n) {
        int resamples = indexLists.length;
        byte[] matrix = new byte[Math.multiplyExact(n, resamples)];
        int[] counts = new int[n];
        int max = 0;
        for (int b = 0; b < resamples; b++) {
            max = Math.max(max, counts(indexLists[b], n, counts));
            for (int t = 0; t < n; t++) {
                matrix[t * resamples + b] = (byte) counts[t];
            }
        }
        int maxWeight = max;
        return new Weights() {
            @Override
            public int tracks() {
                return n;
            }

            @Override
            public int resamples() {
                return resamples;
            }

            @Override
            public int maxWeight() {
                return maxWeight;
            }

            @Override
            public void row(int track, byte[] out) {
                System.arraycopy(matrix, track * resamples, out, 0, resamples);
            }
        };
    }

    /**
     * The macro AUC of every resample from per-label AUCs handed over label by label, in label order: the sum over
     * the labels whose AUC in that resample is not NaN, divided by their count, exactly as {@link
     * RocAuc.MacroResult#of} does for one matrix.
     */
    public static final class MacroSums {
        private final double[] sum;
        private final int[] evaluated;

        public MacroSums(int resamples) {
            sum = new double[resamples];
            evaluated = new int[resamples];
        }

        /** The next label's AUC in each resample (NaN: single class in that resample). */
        public void add(double[] aucs) {
            for (int b = 0; b < sum.length; b++) {
                if (!Double.isNaN(aucs[b])) {
                    sum[b] += aucs[b];
                    evaluated[b]++;
                }
            }
        }

        /** Macro AUC per resample; NaN where no label had both classes. */
        public double[] macros() {
            double[] out = new double[sum.length];
            for (int b = 0; b < out.length; b++) {
                out[b] = evaluated[b] == 0 ? Double.NaN : sum[b] / evaluated[b];
            }
            return out;
        }
    }

    /**
     * The macro AUC of every resample of an in-memory matrix (rows = tracks), the same numbers as {@code
     * RocAuc.macro(resampledScores, resampledTruth).macro()} for each resample.
     */
    public static double[] macros(float[][] scores, boolean[][] truth, Weights weights) {
        int labels = SortedColumns.checkShape(scores, truth);
        int n = scores.length;
        if (weights.tracks() != n) {
            throw new IllegalArgumentException(n + " tracks but weights for " + weights.tracks());
        }
        BootstrapColumn column = new BootstrapColumn(n, weights.resamples());
        MacroSums sums = new MacroSums(weights.resamples());
        float[] s = new float[n];
        boolean[] t = new boolean[n];
        double[] aucs = new double[weights.resamples()];
        for (int l = 0; l < labels; l++) {
            for (int i = 0; i < n; i++) {
                s[i] = scores[i][l];
                t[i] = truth[i][l];
            }
            column.load(s, t, n).aucs(weights, aucs);
            sums.add(aucs);
        }
        return sums.macros();
    }

    /** A two-sided percentile interval. */
    public record Interval(double low, double high) {}

    /**
     * The bootstrap of two models on the same resamples.
     *
     * @param resamples resamples drawn
     * @param validResamples resamples with a macro AUC (at least one label with both classes); the rest are left out
     * @param level the intervals' coverage (0.95)
     * @param base percentile interval of the base model's macro AUC
     * @param stacked percentile interval of the stacked model's macro AUC
     * @param difference percentile interval of {@code stacked − base}, resample by resample
     * @param stackedWins share of the valid resamples where {@code stacked − base > 0}
     * @param ties share of the valid resamples where {@code stacked − base == 0} (counted as no win)
     */
    public record Comparison(
            int resamples,
            int validResamples,
            double level,
            Interval base,
            Interval stacked,
            Interval difference,
            double stackedWins,
            double ties) {}

    /**
     * Compares two models' per-resample macro AUCs (same resample indices for both, so the difference is paired).
     * Intervals are percentile intervals: the {@code (1−level)/2} and {@code (1+level)/2} quantiles of the valid
     * resamples' values, linearly interpolated between order statistics ({@link #quantile}, NumPy's default
     * {@code percentile}). Without a valid resample every value is NaN.
     */
    public static Comparison compare(double[] base, double[] stacked, double level) {
        if (base.length != stacked.length) {
            throw new IllegalArgumentException(base.length + " base but " + stacked.length + " stacked resamples");
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must lie in (0, 1): " + level);
        }
        int valid = 0;
        double[] b = new double[base.length];
        double[] s = new double[base.length];
        double[] d = new double[base.length];
        int wins = 0;
        int ties = 0;
        for (int i = 0; i < base.length; i++) {
            if (Double.isNaN(base[i]) || Double.isNaN(stacked[i])) {
                continue;
            }
            b[valid] = base[i];
            s[valid] = stacked[i];
            d[valid] = stacked[i] - base[i];
            if (d[valid] > 0) {
                wins++;
            } else if (d[valid] == 0) {
                ties++;
            }
            valid++;
        }
        double lo = (1 - level) / 2;
        double hi = (1 + level) / 2;
        return new Comparison(
                base.length,
                valid,
                level,
                interval(b, valid, lo, hi),
                interval(s, valid, lo, hi),
                interval(d, valid, lo, hi),
                valid == 0 ? Double.NaN : (double) wins / valid,
                valid == 0 ? Double.NaN : (double) ties / valid);
    }

    private static Interval interval(double[] values, int n, double lo, double hi) {
        double[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return new Interval(quantile(sorted, lo), quantile(sorted, hi));
    }

    /**
     * The {@code q} quantile of ascending {@code sorted}: position {@code q·(n−1)}, linearly interpolated between
     * the two order statistics around it as NumPy's {@code percentile(..., method="linear")} does; NaN when
     * empty.
     */
    public static double quantile(double[] sorted, double q) {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        double pos = q * (n - 1);
        int i = (int) Math.floor(pos);
        if (i >= n - 1) {
            return sorted[n - 1];
        }
        double t = pos - i;
        double a = sorted[i];
        double diff = sorted[i + 1] - a;
        return t >= 0.5 ? sorted[i + 1] - diff * (1 - t) : a + diff * t; // NumPy's _lerp, to the last bit
    }
}
