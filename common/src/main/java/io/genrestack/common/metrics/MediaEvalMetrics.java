package io.genrestack.common.metrics;

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

    private MediaEvalMetrics() {}

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
    public record Prf(
            double trackP,
            double trackR,
            double trackF,
            double labelP,
            double labelR,
            double labelF,
            int tracks,
            int labels) {}

    /** The three subsets of the official summary: all labels, genres only, subgenres only. */
    public record Report(Prf all, Prf genres, Prf subgenres) {}

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
    static float bestF1Threshold(long[] keys, int n, long totalPos) {
        long[] best = {-1, 1, 0}; // numerator, denominator, sortable score
        long[] tpFp = new long[2];
        TieGroups.descending(keys, n, (score, pos, neg) -> {
            tpFp[0] += pos;
            tpFp[1] += neg;
            long den = tpFp[0] + tpFp[1] + totalPos;
            if (tpFp[0] * best[1] > best[0] * den) { // strictly better: on equal F1 the higher threshold stays
                best[0] = tpFp[0];
                best[1] = den;
                best[2] = score;
            }
        });
        return ScoreKeys.unsortable((int) best[2]);
    }

    /**
     * Applies per-label thresholds ({@code score >= threshold}); a track with no label at or above its
     * threshold gets its single best-scoring label (the lowest label index among equal best scores).
     * Tracks with zero labels stay empty. NaN scores are rejected.
     */
    public static boolean[][] binarise(float[][] scores, float[] thresholds) {
        for (int i = 0; i < scores.length; i++) {
            if (scores[i].length != thresholds.length) {
                throw new IllegalArgumentException(
                        "row " + i + " has " + scores[i].length + " scores, " + thresholds.length + " thresholds");
            }
        }
        int n = scores.length;
        Binariser b = new Binariser(n, thresholds);
        float[][] columns = new float[thresholds.length][n];
        for (int l = 0; l < thresholds.length; l++) {
            for (int i = 0; i < n; i++) {
                columns[l][i] = scores[i][l];
            }
            b.scan(l, columns[l]);
        }
        boolean[][] out = new boolean[n][thresholds.length];
        boolean[] pred = new boolean[n];
        for (int l = 0; l < thresholds.length; l++) {
            b.predict(l, columns[l], pred);
            for (int i = 0; i < n; i++) {
                out[i][l] = pred[i];
            }
        }
        return out;
    }

    /**
     * {@link #binarise} one label column at a time, for scores that do not fit in memory: first {@link #scan} every
     * label in ascending order (finds the tracks with no label at or above its threshold and their best label), then
     * {@link #predict} any label. Heap: 9 bytes per track.
     */
    public static final class Binariser {
        private final float[] thresholds;
        private final boolean[] any;
        private final int[] best;
        private final float[] bestScore;
        private int scanned;

        public Binariser(int tracks, float[] thresholds) {
            this.thresholds = thresholds.clone();
            any = new boolean[tracks];
            best = new int[tracks];
            bestScore = new float[tracks];
        }

        /** Pass 1: the scores of {@code label} (tracks in order); labels must come 0, 1, 2, ... */
        public void scan(int label, float[] scores) {
            if (label != scanned) {
                throw new IllegalStateException("label " + label + " scanned, expected " + scanned);
            }
            float t = thresholds[label];
            for (int i = 0; i < any.length; i++) {
                float s = scores[i];
                if (Float.isNaN(s)) {
                    throw new IllegalArgumentException("score of row " + i + ", label " + label + " is NaN");
                }
                if (s >= t) {
                    any[i] = true;
                }
                if (label == 0 || s > bestScore[i]) { // the lowest label index among equal best scores
                    best[i] = label;
                    bestScore[i] = s;
                }
            }
            scanned++;
        }

        /** Pass 2: the predictions of {@code label} into {@code out} (after every label was scanned). */
        public void predict(int label, float[] scores, boolean[] out) {
            if (scanned != thresholds.length) {
                throw new IllegalStateException(scanned + " of " + thresholds.length + " labels scanned");
            }
            float t = thresholds[label];
            for (int i = 0; i < any.length; i++) {
                out[i] = scores[i] >= t || (!any[i] && best[i] == label);
            }
        }
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
        int n = truth.length;
        Counts counts = new Counts(n, isSubgenre);
        boolean[] t = new boolean[n];
        boolean[] p = new boolean[n];
        for (int l = 0; l < labels; l++) {
            for (int i = 0; i < n; i++) {
                t[i] = truth[i][l];
                p[i] = predicted[i][l];
            }
            counts.add(l, t, p);
        }
        return counts.report();
    }

    /**
     * {@link #evaluate} fed one label column at a time (tracks always in the same order), for predictions that do
     * not fit in memory. Heap: 24 bytes per track and 24 per label; the figures are the same doubles as
     * {@link #evaluate} (same integer counts, summed in the same track and label order).
     */
    public static final class Counts {
        private final boolean[] isSubgenre;
        private final int[][] perTrack; // [truth, predicted, tp] x [genre, subgenre]
        private final long[] truePerLabel;
        private final long[] predPerLabel;
        private final long[] tpPerLabel;

        public Counts(int tracks, boolean[] isSubgenre) {
            this.isSubgenre = isSubgenre.clone();
            perTrack = new int[6][tracks];
            truePerLabel = new long[isSubgenre.length];
            predPerLabel = new long[isSubgenre.length];
            tpPerLabel = new long[isSubgenre.length];
        }

        public void add(int label, boolean[] truth, boolean[] predicted) {
            int g = isSubgenre[label] ? 1 : 0;
            int[] nt = perTrack[g];
            int[] np = perTrack[2 + g];
            int[] tp = perTrack[4 + g];
            for (int i = 0; i < nt.length; i++) {
                if (truth[i]) {
                    nt[i]++;
                    truePerLabel[label]++;
                }
                if (predicted[i]) {
                    np[i]++;
                    predPerLabel[label]++;
                }
                if (truth[i] && predicted[i]) {
                    tp[i]++;
                    tpPerLabel[label]++;
                }
            }
        }

        public Report report() {
            return new Report(prf(true, true), prf(true, false), prf(false, true));
        }

        private Prf prf(boolean genres, boolean subgenres) {
            double sumP = 0;
            double sumR = 0;
            double sumF = 0;
            int tracks = 0;
            for (int i = 0; i < perTrack[0].length; i++) {
                int nt = part(0, i, genres, subgenres);
                if (nt == 0) {
                    continue; // no true label of this subset: the track is not evaluated on it
                }
                int np = part(2, i, genres, subgenres);
                int tp = part(4, i, genres, subgenres);
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
            for (int l = 0; l < isSubgenre.length; l++) {
                boolean inSubset = isSubgenre[l] ? subgenres : genres;
                if (!inSubset || truePerLabel[l] == 0) {
                    continue; // a label never true does not count
                }
                double precision = predPerLabel[l] == 0 ? 0 : (double) tpPerLabel[l] / predPerLabel[l];
                double recall = (double) tpPerLabel[l] / truePerLabel[l];
                lP += precision;
                lR += recall;
                lF += f(precision, recall);
                evaluatedLabels++;
            }
            return new Prf(
                    mean(sumP, tracks),
                    mean(sumR, tracks),
                    mean(sumF, tracks),
                    mean(lP, evaluatedLabels),
                    mean(lR, evaluatedLabels),
                    mean(lF, evaluatedLabels),
                    tracks,
                    evaluatedLabels);
        }

        private int part(int what, int track, boolean genres, boolean subgenres) {
            return (genres ? perTrack[what][track] : 0) + (subgenres ? perTrack[what + 1][track] : 0);
        }
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
                throw new IllegalArgumentException(
                        name + " row " + i + " has " + matrix[i].length + " columns, expected " + labels);
            }
        }
        return labels;
    }
}
