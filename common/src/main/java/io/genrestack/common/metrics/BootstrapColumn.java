package io.genrestack.common.metrics;

import java.util.Arrays;

/**
 * One label column sorted once, then its exact ROC-AUC in every bootstrap resample ({@link Bootstrap}) in one pass
 * per column: a weighted Mann-Whitney count in which track {@code t} counts {@code w_t} times, {@code w_t} being its
 * multiplicity in the resample ({@link Bootstrap.Weights}).
 *
 * <p>The pass walks the tie groups from the lowest score up and keeps, per resample, the weight of the negatives
 * below; a group with positives adds {@code Σ_pos w · (2·neg_below + neg_in_group)} to an integer {@code 2U}. That
 * is the same integer as {@link RocAuc#auc}'s {@code 2U = Σ neg_g · (2·pos_above_g + pos_g)} on the resampled column
 * (a duplicated track has the same score, so it falls in the same group: a tied pair still counts ½), and the AUC
 * is the same division {@code 2U / (2·P·N)} of exact integers, so each value is bit-identical to {@code
 * RocAuc.auc} of the resampled column. NaN where the resample has no positive or no negative of the label.
 *
 * <p>Cost: one sort, then {@code rows × resamples} byte additions, vectorised by the JIT: the negatives' weights
 * are summed in byte lanes that are flushed into {@code int} counters before they can overflow
 * ({@code 255 / maxWeight} rows). Heap: 8 bytes per row (keys) and about 22 bytes per resample. Not thread-safe.
 */
public final class BootstrapColumn {
    private long[] keys;
    private int n;
    private final int resamples;
    private final byte[] row;
    private final byte[] pending;
    private final int[] negBelow;
    private final int[] groupNeg;
    private final long[] twiceU;
    private final long[] positives;

    public BootstrapColumn(int capacity, int resamples) {
        keys = new long[Math.max(0, capacity)];
        this.resamples = resamples;
        row = new byte[resamples];
        pending = new byte[resamples];
        negBelow = new int[resamples];
        groupNeg = new int[resamples];
        twiceU = new long[resamples];
        positives = new long[resamples];
    }

    /** Loads and sorts the first {@code rows} (score, truth) pairs, track {@code i} being row {@code i}. */
    public BootstrapColumn load(float[] scores, boolean[] truth, int rows) {
        if (keys.length < rows) {
            keys = new long[rows];
        }
        for (int i = 0; i < rows; i++) {
            // score (order-preserving int), then the truth bit (negatives first), then the track
            keys[i] = ((long) ScoreKeys.sortable(scores[i]) << 32) | (truth[i] ? 1L << 31 : 0L) | i;
        }
        Arrays.sort(keys, 0, rows);
        n = rows;
        return this;
    }

    private static int track(long key) {
        return (int) (key & 0x7fffffffL);
    }

    private static boolean positive(long key) {
        return (key & (1L << 31)) != 0;
    }

    /** The column's exact AUC in each resample of {@code w} into {@code out[0..resamples)}; NaN: single class. */
    public void aucs(Bootstrap.Weights w, double[] out) {
        if (w.tracks() != n) {
            throw new IllegalArgumentException("weights for " + w.tracks() + " tracks, column of " + n);
        }
        if (w.resamples() != resamples) {
            throw new IllegalArgumentException(w.resamples() + " resamples, column built for " + resamples);
        }
        int capacity = Math.max(1, Bootstrap.MAX_WEIGHT / Math.max(1, w.maxWeight())); // rows per byte lane
        Arrays.fill(pending, (byte) 0);
        Arrays.fill(negBelow, 0);
        Arrays.fill(twiceU, 0);
        Arrays.fill(positives, 0);
        int held = 0;
        int i = 0;
        while (i < n) {
            long score = keys[i] >> 32;
            int firstPositive = i;
            while (firstPositive < n && keys[firstPositive] >> 32 == score && !positive(keys[firstPositive])) {
                firstPositive++;
            }
            int end = firstPositive;
            while (end < n && keys[end] >> 32 == score) {
                end++;
            }
            if (firstPositive == end) { // negatives only: summed lazily
                for (int k = i; k < end; k++) {
                    w.row(track(keys[k]), row);
                    addBytes(pending, row, resamples);
                    if (++held == capacity) {
                        flush();
                        held = 0;
                    }
                }
            } else {
                flush();
                held = 0;
                boolean tied = firstPositive > i;
                if (tied) {
                    Arrays.fill(groupNeg, 0);
                    for (int k = i; k < firstPositive; k++) {
                        w.row(track(keys[k]), row);
                        addUnsigned(groupNeg, row, resamples);
                    }
                }
                if (!tied) {
                    Arrays.fill(groupNeg, 0);
                }
                for (int k = firstPositive; k < end; k++) {
                    w.row(track(keys[k]), row);
                    addPositive(twiceU, positives, negBelow, groupNeg, row, resamples);
                }
                if (tied) {
                    addInts(negBelow, groupNeg, resamples);
                }
            }
            i = end;
        }
        flush();
        for (int b = 0; b < resamples; b++) {
            long p = positives[b];
            long neg = negBelow[b];
            out[b] = p == 0 || neg == 0 ? Double.NaN : twiceU[b] / (2.0 * Math.multiplyExact(p, neg));
        }
    }

    private void flush() {
        addUnsigned(negBelow, pending, resamples);
        Arrays.fill(pending, (byte) 0);
    }

    // The loops live in small static methods: compiled on their own, the JIT vectorises them (inside the long
    // sweep loop it does not).

    private static void addBytes(byte[] acc, byte[] row, int n) {
        for (int b = 0; b < n; b++) {
            acc[b] += row[b];
        }
    }

    private static void addUnsigned(int[] acc, byte[] row, int n) {
        for (int b = 0; b < n; b++) {
            acc[b] += row[b] & 0xff;
        }
    }

    private static void addInts(int[] acc, int[] add, int n) {
        for (int b = 0; b < n; b++) {
            acc[b] += add[b];
        }
    }

    private static void addPositive(
            long[] twiceU, long[] positives, int[] negBelow, int[] groupNeg, byte[] row, int n) {
        for (int b = 0; b < n; b++) {
            long weight = row[b] & 0xff;
            twiceU[b] += weight * (2L * negBelow[b] + groupNeg[b]);
            positives[b] += weight;
        }
    }
}
