package io.genrestack.common.metrics;

import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Exact ROC-AUC for multi-label genre scores, as used by the trainer (per-epoch validation AUC) and
 * the evaluator.
 *
 * <p>Definitions follow scikit-learn's {@code roc_auc_score} / {@code roc_curve}:
 * <ul>
 *   <li>{@link #auc}: area under the ROC curve with one point per distinct score (trapezoid rule), which
 *       equals the Mann-Whitney statistic in which a tied positive/negative pair counts 1/2. Computed in
 *       integer arithmetic (the tie-grouped sweep of {@code TieGroups}:
 *       {@code 2U = Σ neg_g·(2·pos_above_g + pos_g)}) and divided
 *       once, so the result is the correctly rounded value of the exact rational. NaN when the column has
 *       only one class (scikit-learn raises an error there).</li>
 *   <li>{@link #macro}: per-label AUC, their unweighted mean over the labels that have both classes
 *       (single-class labels are listed in {@link MacroResult#skipped()}, never an error), and the micro
 *       AUC over all cells pooled (scikit-learn {@code average="micro"}: ravel both matrices).</li>
 *   <li>{@link #curve}: the ROC curve at every distinct threshold ({@code roc_curve(...,
 *       drop_intermediate=False)}).</li>
 * </ul>
 * Cost: one primitive sort per label, O(n log n); the micro AUC needs O(number of positive cells) extra
 * memory, never a pooled copy of the whole matrix.
 */
public final class RocAuc {

    private static final Logger LOG = Logger.getLogger(RocAuc.class);

    private RocAuc() {}

    /**
     * Result of {@link #macro}.
     *
     * @param macro     mean AUC over the {@code evaluated} labels that have both classes (NaN if none)
     * @param micro     AUC of all cells pooled (NaN if the pooled cells have one class only)
     * @param perLabel  AUC per label, NaN for skipped labels; the array is owned by this record
     * @param skipped   indices of labels with a single class in the truth, ascending
     * @param evaluated number of labels that entered {@code macro}
     */
    public record MacroResult(double macro, double micro, double[] perLabel, List<Integer> skipped, int evaluated) {
        /** The macro mean over the labels whose AUC is not NaN (summed in label order), with a given micro AUC. */
        public static MacroResult of(double[] perLabel, double micro) {
            List<Integer> skipped = new ArrayList<>();
            double sum = 0;
            for (int l = 0; l < perLabel.length; l++) {
                if (Double.isNaN(perLabel[l])) {
                    skipped.add(l);
                } else {
                    sum += perLabel[l];
                }
            }
            int evaluated = perLabel.length - skipped.size();
            return new MacroResult(
                    evaluated == 0 ? Double.NaN : sum / evaluated, micro, perLabel, List.copyOf(skipped), evaluated);
        }
    }

    /**
     * ROC curve as scikit-learn's {@code roc_curve(y, s, drop_intermediate=False)}: the first point is
     * (0, 0) at threshold {@code +Infinity} (scikit-learn ≥ 1.3; 1.2 used {@code max + 1}); then one point
     * per distinct score, thresholds descending, a track being predicted positive when
     * {@code score >= threshold}. {@code fpr} is all NaN when there is no negative, {@code tpr} all NaN
     * when there is no positive (0/0, as scikit-learn). Arrays are owned by this record.
     */
    public record RocCurve(double[] fpr, double[] tpr, float[] thresholds) {}

    /**
     * Exact ROC-AUC of one label.
     *
     * @param scores one score per track (NaN is rejected)
     * @param truth  whether each track carries the label
     * @return AUC in [0, 1], or NaN when only one class is present (or no tracks)
     */
    public static double auc(float[] scores, boolean[] truth) {
        checkSameLength(scores, truth);
        long[] keys = new long[scores.length];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ScoreKeys.key(scores[i], truth[i]);
        }
        Arrays.sort(keys);
        return aucOfSorted(keys, keys.length);
    }

    /**
     * Per-label, macro and micro AUC of a score matrix.
     *
     * @param scores rows = tracks, columns = labels; every row the same length
     * @param truth  same shape as {@code scores}
     */
    public static MacroResult macro(float[][] scores, boolean[][] truth) {
        return macro(scores, truth, SortedColumns.defaultThreads());
    }

    /**
     * As {@link #macro(float[][], boolean[][])} with at most {@code threads} label columns sorted at the
     * same time (on the common fork-join pool). Extra memory per thread: 128 B × rows (16 columns of long
     * keys) + at most 16 B × positive cells (micro counters), e.g. about 50 MB for 300 000 rows with
     * 750 000 positive cells. The result does not depend on {@code threads}.
     */
    public static MacroResult macro(float[][] scores, boolean[][] truth, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        int labels = SortedColumns.checkShape(scores, truth);
        int n = scores.length;

        // Distinct scores of the positive cells (ascending) with their multiplicities: the micro AUC is
        // accumulated against these while each column is sorted anyway for its own AUC. One set of
        // counters per task, summed at the end (integer counts: the order does not matter).
        MicroAccumulator micro = MicroAccumulator.of(scores, truth);
        int tasks = SortedColumns.tasks(labels, threads);
        MicroAccumulator[] parts = new MicroAccumulator[tasks];
        parts[0] = micro;
        for (int k = 1; k < tasks; k++) {
            parts[k] = micro.emptyCopy();
        }

        double[] perLabel = new double[labels];
        SortedColumns.forEach(scores, truth, threads, (task, label, keys, rows) -> {
            perLabel[label] = aucOfSorted(keys, rows);
            parts[task].addSortedColumn(keys, rows);
        });
        for (int k = 1; k < tasks; k++) {
            micro.add(parts[k]);
        }

        MacroResult result = MacroResult.of(perLabel, micro.auc((long) n * labels));
        if (!result.skipped().isEmpty()) {
            LOG.debugf(
                    "ROC-AUC: %d of %d labels have a single class and were skipped",
                    result.skipped().size(), labels);
        }
        return result;
    }

    /**
     * ROC curve of one label at every distinct threshold (for plots).
     *
     * @see RocCurve
     */
    public static RocCurve curve(float[] scores, boolean[] truth) {
        checkSameLength(scores, truth);
        int n = scores.length;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ScoreKeys.key(scores[i], truth[i]);
        }
        Arrays.sort(keys);
        return curveOfSorted(keys, n);
    }

    /** ROC curve of the first {@code n} keys, which are sorted ascending. */
    static RocCurve curveOfSorted(long[] keys, int n) {
        int groups = 0;
        long totalPos = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || ScoreKeys.scoreOf(keys[i]) != ScoreKeys.scoreOf(keys[i - 1])) {
                groups++;
            }
            if (ScoreKeys.positive(keys[i])) {
                totalPos++;
            }
        }
        long totalNeg = n - totalPos;
        long positives = totalPos;
        double[] fpr = new double[groups + 1];
        double[] tpr = new double[groups + 1];
        float[] thr = new float[groups + 1];
        fpr[0] = 0.0 / totalNeg; // NaN when there is no negative, as scikit-learn's fps / fps[-1]
        tpr[0] = 0.0 / totalPos;
        thr[0] = Float.POSITIVE_INFINITY;
        long[] tpFp = new long[2];
        int[] point = {1};
        TieGroups.descending(keys, n, (score, pos, neg) -> { // descending scores
            tpFp[0] += pos;
            tpFp[1] += neg;
            fpr[point[0]] = (double) tpFp[1] / totalNeg;
            tpr[point[0]] = (double) tpFp[0] / positives;
            thr[point[0]] = ScoreKeys.unsortable(score);
            point[0]++;
        });
        return new RocCurve(fpr, tpr, thr);
    }

    /** AUC of the first {@code n} keys, which are sorted ascending. */
    static double aucOfSorted(long[] keys, int n) {
        TieGroups.Auc auc = new TieGroups.Auc();
        TieGroups.descending(keys, n, auc);
        return auc.auc();
    }

    private static void checkSameLength(float[] scores, boolean[] truth) {
        if (scores.length != truth.length) {
            throw new IllegalArgumentException(scores.length + " scores but " + truth.length + " truths");
        }
    }

    /**
     * Micro AUC without pooling: for every distinct positive score v (ascending) it counts, across all
     * columns, the negatives strictly between the previous distinct positive score and v, and the
     * negatives equal to v. Each sorted column is merged against the distinct positive scores in one
     * linear walk.
     */
    private static final class MicroAccumulator {
        private final int[] values; // distinct sortable scores of positive cells, ascending
        private final long[] posCount; // positives per distinct value
        private final long[] negBetween; // negatives in (values[j-1], values[j]); index values.length = above all
        private final long[] negEqual; // negatives == values[j]
        private final long positives;

        private MicroAccumulator(int[] values, long[] posCount, long positives) {
            this.values = values;
            this.posCount = posCount;
            this.positives = positives;
            this.negBetween = new long[values.length + 1];
            this.negEqual = new long[values.length];
        }

        static MicroAccumulator of(float[][] scores, boolean[][] truth) {
            int count = 0;
            for (boolean[] row : truth) {
                for (boolean t : row) {
                    if (t) {
                        count++;
                    }
                }
            }
            int[] pos = new int[count];
            int k = 0;
            for (int i = 0; i < truth.length; i++) {
                for (int l = 0; l < truth[i].length; l++) {
                    if (truth[i][l]) {
                        pos[k++] = ScoreKeys.sortable(scores[i][l]);
                    }
                }
            }
            Arrays.sort(pos);
            int distinct = 0;
            for (int i = 0; i < count; i++) {
                if (i == 0 || pos[i] != pos[i - 1]) {
                    distinct++;
                }
            }
            int[] values = new int[distinct];
            long[] counts = new long[distinct];
            int d = -1;
            for (int i = 0; i < count; i++) {
                if (i == 0 || pos[i] != pos[i - 1]) {
                    values[++d] = pos[i];
                }
                counts[d]++;
            }
            return new MicroAccumulator(values, counts, count);
        }

        MicroAccumulator emptyCopy() {
            return new MicroAccumulator(values, posCount, positives);
        }

        void add(MicroAccumulator other) {
            for (int j = 0; j < negBetween.length; j++) {
                negBetween[j] += other.negBetween[j];
            }
            for (int j = 0; j < negEqual.length; j++) {
                negEqual[j] += other.negEqual[j];
            }
        }

        void addSortedColumn(long[] keys, int n) {
            int j = 0;
            for (int i = 0; i < n; i++) {
                long key = keys[i];
                if (ScoreKeys.positive(key)) {
                    continue;
                }
                int score = ScoreKeys.scoreOf(key);
                while (j < values.length && values[j] < score) {
                    j++;
                }
                if (j < values.length && values[j] == score) {
                    negEqual[j]++;
                } else {
                    negBetween[j]++;
                }
            }
        }

        /** The groups from the top: negatives above every positive score, then per distinct positive score its
         *  positives with the negatives tied to it, then the negatives strictly between it and the next lower one. */
        double auc(long cells) {
            if (positives == 0 || positives == cells) {
                return Double.NaN;
            }
            TieGroups.Auc auc = new TieGroups.Auc();
            auc.group(Integer.MAX_VALUE, 0, negBetween[values.length]);
            for (int j = values.length - 1; j >= 0; j--) {
                auc.group(values[j], posCount[j], negEqual[j]);
                auc.group(values[j], 0, negBetween[j]); // distinct scores below values[j]: negatives only
            }
            return auc.auc();
        }
    }
}
