package io.genrestack.common.metrics;

import java.nio.LongBuffer;
import java.util.Arrays;

/**
 * One label column of (score, truth) pairs, sorted once and then read by the tie-grouped sweep: its exact AUC
 * ({@link RocAuc#auc}), ROC curve ({@link RocAuc#curve}) and F1-optimal threshold ({@link
 * MediaEvalMetrics#tuneThresholds}) are the same numbers as the matrix methods give for that column. The buffer is
 * reused from column to column (8 bytes per row), so a caller that reads one column at a time from disk needs
 * O(rows) heap whatever the number of labels. Not thread-safe.
 */
public final class LabelColumn {
    private long[] keys;
    private int n;
    private long positives;

    public LabelColumn(int capacity) {
        keys = new long[Math.max(0, capacity)];
    }

    /** Loads and sorts the first {@code rows} pairs (NaN scores are rejected). */
    public LabelColumn load(float[] scores, boolean[] truth, int rows) {
        if (keys.length < rows) {
            keys = new long[rows];
        }
        long pos = 0;
        for (int i = 0; i < rows; i++) {
            keys[i] = ScoreKeys.key(scores[i], truth[i]);
            if (truth[i]) {
                pos++;
            }
        }
        Arrays.sort(keys, 0, rows);
        n = rows;
        positives = pos;
        return this;
    }

    public int size() {
        return n;
    }

    public long positives() {
        return positives;
    }

    /** Exact AUC; NaN when the column has one class. */
    public double auc() {
        return RocAuc.aucOfSorted(keys, n);
    }

    /** The ROC curve at every distinct threshold, as {@link RocAuc#curve}. */
    public RocAuc.RocCurve curve() {
        return RocAuc.curveOfSorted(keys, n);
    }

    /** The training threshold of {@link MediaEvalMetrics#tuneThresholds}; {@code +Infinity} without positives. */
    public float bestF1Threshold() {
        return positives == 0 ? Float.POSITIVE_INFINITY : MediaEvalMetrics.bestF1Threshold(keys, n, positives);
    }

    /**
     * Appends the sorted sort keys (opaque longs, ascending) to {@code out}, e.g. a memory-mapped run file that
     * {@link MicroAuc} merges later.
     */
    public void writeKeys(LongBuffer out) {
        out.put(keys, 0, n);
    }
}
