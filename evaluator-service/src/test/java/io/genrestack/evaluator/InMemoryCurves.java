package io.genrestack.evaluator;

import io.genrestack.common.metrics.RocAuc;

import java.util.Arrays;

/**
 * The former matrix version of {@link RocCurves}, kept as the reference of the out-of-core figures. Per label: the
 * exact curve of {@link RocAuc#curve}. Micro-average (all
 * cells pooled): the exact ROC points at up to {@code thresholds} thresholds placed at quantiles of a regular
 * sample of the scores, so a 20 000 × 766 matrix needs no pooled copy or sort; the figure's legend shows the exact
 * micro AUC of {@link RocAuc#macro}. Curves are thinned to at most {@code maxPoints} points for drawing.
 */
final class InMemoryCurves {
    private InMemoryCurves() {}

    /** The exact ROC curve of one label column, thinned; null when the column has a single class. */
    public static RocCurves.Curve label(
            String name, Double auc, float[][] scores, boolean[][] truth, int column, int maxPoints) {
        int n = scores.length;
        float[] s = new float[n];
        boolean[] t = new boolean[n];
        boolean pos = false;
        boolean neg = false;
        for (int i = 0; i < n; i++) {
            s[i] = scores[i][column];
            t[i] = truth[i][column];
            pos |= t[i];
            neg |= !t[i];
        }
        if (!pos || !neg) {
            return null;
        }
        RocAuc.RocCurve c = RocAuc.curve(s, t);
        return RocCurves.thin(new RocCurves.Curve(name, auc, c.fpr(), c.tpr()), maxPoints);
    }

    /**
     * The micro-average ROC curve (all cells pooled) at quantile thresholds; null when the pooled cells have a
     * single class.
     */
    public static RocCurves.Curve micro(
            String name, Double auc, float[][] scores, boolean[][] truth, int thresholds, int maxPoints) {
        long cells = 0;
        for (float[] row : scores) {
            cells += row.length;
        }
        if (cells == 0) {
            return null;
        }
        // regular sample of about 50 values per threshold, sorted, distinct values at evenly spaced ranks
        long stride = Math.max(1, cells / Math.max(1, 50L * thresholds));
        float[] sample = new float[(int) ((cells + stride - 1) / stride)];
        int k = 0;
        long index = 0;
        for (float[] row : scores) {
            for (float v : row) {
                if (index++ % stride == 0 && k < sample.length) {
                    sample[k++] = v;
                }
            }
        }
        sample = Arrays.copyOf(sample, k);
        Arrays.sort(sample);
        float[] thr = new float[Math.min(thresholds, k)];
        int t = 0;
        for (int j = 0; j < thr.length; j++) {
            float v = sample[(int) ((long) j * (k - 1) / Math.max(1, thr.length - 1))];
            if (t == 0 || Float.compare(v, thr[t - 1]) > 0) {
                thr[t++] = v;
            }
        }
        thr = Arrays.copyOf(thr, t);
        // bin b = number of thresholds <= score: the cell is predicted positive at thr[j] iff j < b
        long[] posIn = new long[t + 1];
        long[] negIn = new long[t + 1];
        long positives = 0;
        for (int i = 0; i < scores.length; i++) {
            for (int l = 0; l < scores[i].length; l++) {
                int b = RocCurves.upperBound(thr, scores[i][l]);
                if (truth[i][l]) {
                    posIn[b]++;
                    positives++;
                } else {
                    negIn[b]++;
                }
            }
        }
        long negatives = cells - positives;
        if (positives == 0 || negatives == 0) {
            return null;
        }
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
        return RocCurves.thin(new RocCurves.Curve(name, auc, fpr, tpr), maxPoints);
    }
}
