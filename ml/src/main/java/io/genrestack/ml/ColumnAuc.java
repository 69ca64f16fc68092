package io.genrestack.ml;

import io.genrestack.common.metrics.RocAuc;

/**
 * Validation macro ROC-AUC of a score matrix and its truth that live in {@link FloatRowStore}s (memory-mapped files),
 * computed label column by label column so the heap never holds the matrix: {@value #BLOCK} columns are gathered in
 * one pass over the rows, then each column's exact AUC is {@link RocAuc#auc(float[], boolean[])}, the very per-label
 * AUC that {@link RocAuc#macro(float[][], boolean[][])} computes. The macro is their mean over the labels with both
 * classes, summed in label order, so it is bit-identical to {@code RocAuc.macro(scores, truth).macro()} of the same
 * matrices held in heap.
 *
 * <p>Heap: {@value #BLOCK} × (4 + 1) bytes per row for the gathered columns plus 8 bytes per row for the sort keys
 * of one column, i.e. 88 B per row, and one {@code double} per label.
 */
public final class ColumnAuc {
    /** Columns gathered per pass over the rows. */
    static final int BLOCK = 16;

    private ColumnAuc() {}

    /**
     * Result of {@link #macro}.
     *
     * @param macro mean AUC over the {@code evaluated} labels that have both classes (NaN if none)
     * @param perLabel AUC per label, NaN for a label with one class in the truth
     * @param evaluated number of labels that entered {@code macro}
     */
    public record MacroAuc(double macro, double[] perLabel, int evaluated) {}

    /**
     * Macro ROC-AUC of {@code scores} against {@code truth} (a cell is positive when its value is above 0.5, as the
     * multi-hot label stores write them). Row i of the matrix is score row {@code scoreRows[i]} and truth row
     * {@code truthRows[i]}; a null row array means all rows in store order (both stores then need as many rows).
     */
    public static MacroAuc macro(FloatRowStore scores, int[] scoreRows, FloatRowStore truth, int[] truthRows) {
        int n = scoreRows == null ? scores.rows() : scoreRows.length;
        int nTruth = truthRows == null ? truth.rows() : truthRows.length;
        if (n != nTruth) {
            throw new IllegalArgumentException(n + " score rows but " + nTruth + " truth rows");
        }
        if (scores.cols() != truth.cols()) {
            throw new IllegalArgumentException(scores.cols() + " score columns but " + truth.cols() + " truth columns");
        }
        int labels = scores.cols();
        double[] perLabel = new double[labels];
        float[][] s = new float[Math.min(BLOCK, labels)][n];
        boolean[][] t = new boolean[s.length][n];
        float[] sPart = new float[BLOCK];
        float[] tPart = new float[BLOCK];
        for (int start = 0; start < labels; start += BLOCK) {
            int width = Math.min(BLOCK, labels - start);
            for (int i = 0; i < n; i++) {
                scores.read(scoreRows == null ? i : scoreRows[i], start, sPart, 0, width);
                truth.read(truthRows == null ? i : truthRows[i], start, tPart, 0, width);
                for (int c = 0; c < width; c++) {
                    s[c][i] = sPart[c];
                    t[c][i] = tPart[c] > 0.5f;
                }
            }
            for (int c = 0; c < width; c++) {
                perLabel[start + c] = RocAuc.auc(s[c], t[c]);
            }
        }
        double sum = 0;
        int evaluated = 0;
        for (double a : perLabel) {
            if (!Double.isNaN(a)) {
                sum += a;
                evaluated++;
            }
        }
        return new MacroAuc(evaluated == 0 ? Double.NaN : sum / evaluated, perLabel, evaluated);
    }
}
