package io.genrestack.common.metrics;

import java.util.Arrays;
import java.util.List;

/**
 * The MediaEval 2018 AcousticBrainz Genre Task evaluation (official script {@code evaluation/eval.R} of
 * MTG/acousticbrainz-genre-dataset), plus the binarisation the baseline's scores need first.
 *
 * <p>Protocol (details and the places where this differs from the R script: {@code docs/metrics.md}):
 * <ol>
 *   <li>{@link #tuneThresholds}: one threshold per label, the one that maximises that label's F1 on the
 *       <em>training</em> predictions (rule {@code score >= threshold}).</li>
 *   <li>{@link #binarise}: applies them to validation scores; a track with no label at or above its
 *       threshold gets its single best-scoring label.</li>
 *   <li>{@link #evaluate}: precision, recall, F-score per track (averaged over tracks) and per label
 *       (averaged over labels), for all labels, genres only (no {@value #SUBGENRE_SEPARATOR} in the
 *       name) and subgenres only.</li>
 * </ol>
 * Conventions (as eval.R, which matches scikit-learn {@code zero_division=0}):
 * <ul>
 *   <li>per track, a track takes part in a subset only if its truth has at least one label of that
 *       subset; precision is 0 when it has no predicted label in the subset;</li>
 *   <li>per label, a label takes part only if it is true for at least one track; a label never true is
 *       left out even if predicted (its false positives still lower the per-track precision); precision
 *       is 0 for a label never predicted;</li>
 *   <li>F = 2PR/(P+R), and 0 when P = R = 0;</li>
 *   <li>a mean over zero tracks or zero labels is NaN (and {@link Prf#tracks()} / {@link Prf#labels()}
 *       say 0).</li>
 * </ul>
 */
public final class MediaEvalMetrics {

    /** Separates genre and subgenre in a label name, e.g. {@code rock---punk}. */
    public static final String SUBGENRE_SEPARATOR = "---";

    private MediaEvalMetrics() {
    }

    /**
     * Precision, recall and F-score of one label subset.
     *
     * @param trackP mean per-track precision over the {@code tracks} tracks that have a true label in the subset
     * @param trackR mean per-track recall, same tracks
     * @param trackF mean per-track F-score, same tracks
     * @param labelP mean per-label precision over the {@code labels} labels of the subset true for some track
     * @param labelR mean per-label recall, same labels
     * @param labelF mean per-label F-score, same labels
     * @param tracks number of tracks averaged
     * @param labels number of labels averaged
     */
    public record Prf(double trackP, double trackR, double trackF,
                      double labelP, double labelR, double labelF, int tracks, int labels) {
    }

    /** The three subsets of the official summary: all labels, genres only, subgenres only. */
    public record Report(Prf all, Prf genres, Prf subgenres) {
    }

    /** {@code true} for each label whose name contains {@value #SUBGENRE_SEPARATOR} (as eval.R's isSubgenre). */
    public static boolean[] subgenreMask(List<String> labels) {
        boolean[] mask = new boolean[labels.size()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = labels.get(i).contains(SUBGENRE_SEPARATOR);
        }
        return mask;
    }

    /**
     * Per-label thresholds that maximise F1 on training predictions.
     *
     * <p>Candidates are the distinct training scores of the label; the threshold returned is the score
     * itself, and prediction is {@code score >= threshold}. Among equal F1 (compared exactly, as
     * fractions) the highest threshold wins, i.e. the fewest predicted tracks. A label with no positive
     * training track gets {@code +Infinity} (never predicted by threshold).
     *
     * @param trainScores rows = training tracks, columns = labels
     * @param trainTruth  same shape
     */
    public static float[] tuneThresholds(float[][] trainScores, boolean[][] trainTruth) {
        int labels = SortedColumns.checkShape(trainScores, trainTruth);
        float[] thresholds = new float[labels];
        SortedColumns.forEach(trainScores, trainTruth, SortedColumns.defaultThreads(), (task, label, keys, n) -> {
            long totalPos = 0;
            for (int i = 0; i < n; i++) {
                if (ScoreKeys.positive(keys[i])) {
                    totalPos++;
                }
            }
            thresholds[label] = totalPos == 0 ? Float.POSITIVE_INFINITY : bestF1Threshold(keys, n, totalPos);
        });
        return thresholds;
    }

    /** Walks the sorted keys from the top; F1 = 2tp / (tp + fp + positives), compared exactly as fractions. */
    private static float bestF1Threshold(long[] keys, int n, long totalPos) {
        long bestNum = -1;
        long bestDen = 1;
        int bestScore = 0;
        long tp = 0;
        long fp = 0;
        int i = n - 1;
        while (i >= 0) {
            int score = ScoreKeys.scoreOf(keys[i]);
            while (i >= 0 && ScoreKeys.scoreOf(keys[i]) == score) {
                if (ScoreKeys.positive(keys[i])) {
                    tp++;
                } else {
                    fp++;
                }
                i--;
            }
            long den = tp + fp + totalPos;
            if (tp * bestDen > bestNum * den) { // strictly better: on equal F1 the higher threshold stays
                bestNum = tp;
                bestDen = den;
                bestScore = score;
            }
        }
        return ScoreKeys.unsortable(bestScore);
    }

    /**
     * Applies per-label thresholds ({@code score >= threshold}); a track with no label at or above its
     * threshold gets its single best-scoring label (the lowest label index among equal best scores).
     * Tracks with zero labels stay empty. NaN scores are rejected.
     */
    public static boolean[][] binarise(float[][] scores, float[] thresholds) {
        boolean[][] out = new boolean[scores.length][];
        for (int i = 0; i < scores.length; i++) {
            float[] row = scores[i];
            if (row.length != thresholds.length) {
                throw new IllegalArgumentException("row " + i + " has " + row.length + " scores, "
                        + thresholds.length + " thresholds");
            }
            boolean[] pred = new boolean[row.length];
            boolean any = false;
            int best = -1;
            for (int l = 0; l < row.length; l++) {
                float s = row[l];
                if (Float.isNaN(s)) {
                    throw new IllegalArgumentException("score of row " + i + ", label " + l + " is NaN");
                }
                if (s >= thresholds[l]) {
                    pred[l] = true;
                    any = true;
                }
                if (best < 0 || s > row[best]) {
                    best = l;
                }
            }
            if (!any && best >= 0) {
                pred[best] = true;
            }
            out[i] = pred;
        }
        return out;
    }

    /**
     * The official summary: per-track and per-label precision, recall and F-score for all labels,
     * genres and subgenres.
     *
     * @param predicted  rows = tracks, columns = labels
     * @param truth      same shape
     * @param isSubgenre one flag per label (see {@link #subgenreMask})
     */
    public static Report evaluate(boolean[][] predicted, boolean[][] truth, boolean[] isSubgenre) {
        int labels = isSubgenre.length;
        checkShape(predicted.length, labels, predicted, "predicted");
        checkShape(predicted.length, labels, truth, "truth");
        boolean[] all = new boolean[labels];
        boolean[] genres = new boolean[labels];
        Arrays.fill(all, true);
        for (int l = 0; l < labels; l++) {
            genres[l] = !isSubgenre[l];
        }
        return new Report(prf(predicted, truth, all), prf(predicted, truth, genres),
                prf(predicted, truth, isSubgenre));
    }

    private static Prf prf(boolean[][] predicted, boolean[][] truth, boolean[] inSubset) {
        int labels = inSubset.length;
        double sumP = 0;
        double sumR = 0;
        double sumF = 0;
        int tracks = 0;
        long[] truePerLabel = new long[labels];
        long[] predPerLabel = new long[labels];
        long[] tpPerLabel = new long[labels];
        for (int i = 0; i < truth.length; i++) {
            boolean[] t = truth[i];
            boolean[] p = predicted[i];
            int nt = 0;
            int np = 0;
            int tp = 0;
            for (int l = 0; l < labels; l++) {
                if (!inSubset[l]) {
                    continue;
                }
                if (t[l]) {
                    nt++;
                    truePerLabel[l]++;
                }
                if (p[l]) {
                    np++;
                    predPerLabel[l]++;
                }
                if (t[l] && p[l]) {
                    tp++;
                    tpPerLabel[l]++;
                }
            }
            if (nt == 0) {
                continue; // no true label of this subset: the track is not evaluated on it
            }
            double precision = np == 0 ? 0 : (double) tp / np;
            double recall = (double) tp / nt;
            sumP += precision;
            sumR += recall;
            sumF += f(precision, recall);
            tracks++;
        }
        double lP = 0;
        double lR = 0;
        double lF = 0;
        int evaluatedLabels = 0;
        for (int l = 0; l < labels; l++) {
            if (!inSubset[l] || truePerLabel[l] == 0) {
                continue; // a label never true does not count
            }
            double precision = predPerLabel[l] == 0 ? 0 : (double) tpPerLabel[l] / predPerLabel[l];
            double recall = (double) tpPerLabel[l] / truePerLabel[l];
            lP += precision;
            lR += recall;
            lF += f(precision, recall);
            evaluatedLabels++;
        }
        return new Prf(mean(sumP, tracks), mean(sumR, tracks), mean(sumF, tracks),
                mean(lP, evaluatedLabels), mean(lR, evaluatedLabels), mean(lF, evaluatedLabels),
                tracks, evaluatedLabels);
    }

    private static double f(double precision, double recall) {
        double sum = precision + recall;
        return sum == 0 ? 0 : 2 * precision * recall / sum;
    }

    private static double mean(double sum, int count) {
        return count == 0 ? Double.NaN : sum / count;
    }

    private static int checkShape(int rows, int labels, boolean[][] matrix, String name) {
        if (matrix.length != rows) {
            throw new IllegalArgumentException(name + " has " + matrix.length + " rows, expected " + rows);
        }
        for (int i = 0; i < rows; i++) {
            if (matrix[i].length != labels) {
                throw new IllegalArgumentException(name + " row " + i + " has " + matrix[i].length
                        + " columns, expected " + labels);
            }
        }
        return labels;
    }
}
