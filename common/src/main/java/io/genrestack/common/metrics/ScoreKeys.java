package io.genrestack.common.metrics;

/**
 * Package-private helpers that pack a (score, truth) pair into one {@code long} so that a whole label
 * column can be sorted with {@link java.util.Arrays#sort(long[])} (primitive, no boxing) and then
 * scanned group by group, one group per distinct score.
 *
 * <p>Layout: the upper 63 bits hold the score as an order-preserving signed int ("sortable bits"),
 * the lowest bit holds the truth (1 = positive). Ascending key order is ascending score order; inside
 * one score the negatives come first. {@code -0.0f} is folded into {@code +0.0f} so the two tie, as they
 * do in NumPy and scikit-learn.
 */
final class ScoreKeys {

    private ScoreKeys() {}

    /** Order-preserving int image of a float; rejects NaN (scikit-learn rejects NaN input too). */
    static int sortable(float score) {
        if (Float.isNaN(score)) {
            throw new IllegalArgumentException("score is NaN");
        }
        int bits = Float.floatToRawIntBits(score == 0f ? 0f : score);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /** Inverse of {@link #sortable(float)}. */
    static float unsortable(int sortable) {
        return Float.intBitsToFloat(sortable ^ ((sortable >> 31) & 0x7fffffff));
    }

    static long key(float score, boolean positive) {
        return ((long) sortable(score) << 1) | (positive ? 1L : 0L);
    }

    static int scoreOf(long key) {
        return (int) (key >> 1);
    }

    static boolean positive(long key) {
        return (key & 1L) != 0;
    }
}
