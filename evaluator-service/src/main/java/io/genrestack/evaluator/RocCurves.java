package io.genrestack.evaluator;

import io.genrestack.common.metrics.RocAuc;

import java.util.Arrays;

/**
 * ROC curves for the report's figures. Per label: the exact curve of {@link RocAuc#curve}. Micro-average (all
 * cells pooled): the exact ROC points at up to {@code thresholds} thresholds placed at quantiles of a regular
 * sample of the scores (every {@code stride}-th cell in track-major order, tracks in MBID order), so a
 * 100 000 × 766 matrix needs no pooled copy or sort; the figure's legend shows the exact micro AUC. The micro curve
 * is built from label columns ({@link Micro}: a sampling pass, then a counting pass), so it works on column files
 * as on matrices. Curves are thinned to at most {@code maxPoints} points for drawing.
 */
public final class RocCurves {
    private RocCurves() {}

    /** A curve to draw: false/true positive rates from (0,0) to (1,1), and the AUC for the legend. */
    public record Curve(String name, Double auc, double[] fpr, double[] tpr) {}

    /** One label's exact curve, thinned; null when the column has a single class. */
    public static Curve label(String name, Double auc, RocAuc.RocCurve c, int maxPoints) {
        if (Double.isNaN(c.fpr()[0]) || Double.isNaN(c.tpr()[0])) {
            return null;
        }
        return thin(new Curve(name, auc, c.fpr(), c.tpr()), maxPoints);
    }

    /**
     * The micro-average ROC curve of row-major matrices (all cells pooled) at quantile thresholds; null when the
     * pooled cells have a single class.
     */
    public static Curve micro(
            String name, Double auc, float[][] scores, boolean[][] truth, int thresholds, int maxPoints) {
        int n = scores.length;
        int labels = n == 0 ? 0 : scores[0].length;
        Micro m = new Micro(n, labels, thresholds);
        float[] s = new float[n];
        boolean[] t = new boolean[n];
        for (int l = 0; l < labels; l++) {
            column(scores, truth, l, s, t);
            m.sample(l, s);
        }
        m.thresholds();
        for (int l = 0; l < labels; l++) {
            column(scores, truth, l, s, t);
            m.count(s, t);
        }
        return m.curve(name, auc, maxPoints);
    }

    private static void column(float[][] scores, boolean[][] truth, int l, float[] s, boolean[] t) {
        for (int i = 0; i < s.length; i++) {
            s[i] = scores[i][l];
            t[i] = truth[i][l];
        }
    }

    /**
     * The micro-average curve fed column by column: {@link #sample} every label (any order), {@link #thresholds},
     * {@link #count} every label, {@link #curve}. Heap: the sample (about 50 values per threshold) and two counters
     * per threshold.
     */
    public static final class Micro {
        private final int tracks;
        private final int labels;
        private final int maxThresholds;
        private final long stride;
        private float[] sample;
        private int k;
        private float[] thr;
        private long[] posIn;
        private long[] negIn;
        private long positives;

        public Micro(int tracks, int labels, int thresholds) {
            this.tracks = tracks;
            this.labels = labels;
            this.maxThresholds = thresholds;
            long cells = (long) tracks * labels;
            // regular sample of about 50 values per threshold: the cells whose track-major index is a multiple
            stride = Math.max(1, cells / Math.max(1, 50L * thresholds));
            sample = new float[(int) ((cells + stride - 1) / stride)];
        }

        /** Pass 1: the scores of {@code label}, tracks in order. */
        public void sample(int label, float[] scores) {
            for (int i = 0; i < tracks; i++) {
                if (((long) i * labels + label) % stride == 0) {
                    sample[k++] = scores[i];
                }
            }
        }

        /** Distinct values at evenly spaced ranks of the sorted sample. */
        public void thresholds() {
            float[] sorted = Arrays.copyOf(sample, k);
            sample = null;
            Arrays.sort(sorted);
            float[] t = new float[Math.min(maxThresholds, k)];
            int d = 0;
            for (int j = 0; j < t.length; j++) {
                float v = sorted[(int) ((long) j * (k - 1) / Math.max(1, t.length - 1))];
                if (d == 0 || Float.compare(v, t[d - 1]) > 0) {
                    t[d++] = v;
                }
            }
            thr = Arrays.copyOf(t, d);
            posIn = new long[d + 1];
            negIn = new long[d + 1];
        }

        /** Pass 2: one label's scores and truth. Bin b = number of thresholds <= score. */
        public void count(float[] scores, boolean[] truth) {
            for (int i = 0; i < tracks; i++) {
                int b = upperBound(thr, scores[i]);
                if (truth[i]) {
                    posIn[b]++;
                    positives++;
                } else {
                    negIn[b]++;
                }
            }
        }

        /** The curve, thinned; null when there are no cells or they have a single class. */
        public Curve curve(String name, Double auc, int maxPoints) {
            long cells = (long) tracks * labels;
            long negatives = cells - positives;
            if (cells == 0 || positives == 0 || negatives == 0) {
                return null;
            }
            int t = thr.length;
            double[] fpr = new double[t + 2];
            double[] tpr = new double[t + 2];
            long tp = 0;
            long fp = 0;
            int p = 1; // point 0 is (0, 0): threshold +infinity
            for (int j = t - 1; j >= 0; j--) { // descending thresholds: predicted = bins j+1..t
                tp += posIn[j + 1];
                fp += negIn[j + 1];
                fpr[p] = (double) fp / negatives;
                tpr[p] = (double) tp / positives;
                p++;
            }
            fpr[p] = 1;
            tpr[p] = 1; // threshold -infinity: everything predicted
            return thin(new Curve(name, auc, fpr, tpr), maxPoints);
        }
    }

    static int upperBound(float[] sorted, float v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Keeps at most {@code maxPoints} points, evenly spaced along the curve, always the first and last. */
    static Curve thin(Curve c, int maxPoints) {
        int n = c.fpr().length;
        if (n <= maxPoints || maxPoints < 2) {
            return c;
        }
        double[] f = new double[maxPoints];
        double[] t = new double[maxPoints];
        for (int i = 0; i < maxPoints; i++) {
            int j = (int) Math.round((double) i * (n - 1) / (maxPoints - 1));
            f[i] = c.fpr()[j];
            t[i] = c.tpr()[j];
        }
        return new Curve(c.name(), c.auc(), f, t);
    }
}
