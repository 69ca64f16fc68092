package io.genrestack.common.metrics;

/**
 * Package-private: the one tie-grouped sweep behind every metric here. It walks {@link ScoreKeys keys} from the
 * highest score down and reports each group of equal scores once, with how many positives and negatives it holds:
 * ROC-AUC ({@link Auc}), ROC curves and the F1-optimal thresholds are all folds over these groups. The keys come
 * either from one sorted array ({@link #descending}) or one at a time in non-increasing order ({@link Stream}, e.g.
 * from a k-way merge of sorted runs).
 */
final class TieGroups {

    private TieGroups() {}

    /** Receives one group of equal scores; groups arrive in strictly descending score order. */
    @FunctionalInterface
    interface Sink {
        void group(int sortableScore, long positives, long negatives);
    }

    /** Walks the first {@code n} keys, which are sorted ascending, from the top. */
    static void descending(long[] keys, int n, Sink sink) {
        Stream s = new Stream(sink);
        for (int i = n - 1; i >= 0; i--) {
            s.add(keys[i]);
        }
        s.finish();
    }

    /** Groups keys handed over one at a time in non-increasing order. */
    static final class Stream {
        private final Sink sink;
        private boolean open;
        private int score;
        private long pos;
        private long neg;
        private long last = Long.MAX_VALUE;

        Stream(Sink sink) {
            this.sink = sink;
        }

        void add(long key) {
            if (key > last) {
                throw new IllegalStateException("keys out of order: " + key + " after " + last);
            }
            last = key;
            int s = ScoreKeys.scoreOf(key);
            if (open && s != score) {
                sink.group(score, pos, neg);
                pos = 0;
                neg = 0;
            }
            open = true;
            score = s;
            if (ScoreKeys.positive(key)) {
                pos++;
            } else {
                neg++;
            }
        }

        void finish() {
            if (open) {
                sink.group(score, pos, neg);
                open = false;
            }
        }
    }

    /**
     * Exact AUC as a fold over the groups: {@code 2U = Σ neg_g · (2·pos_above_g + pos_g)} (a tied pair counts 1/2),
     * in integers, divided once, so the result is the correctly rounded value of the exact rational.
     */
    static final class Auc implements Sink {
        private long posAbove;
        private long negatives;
        private long twiceU;

        @Override
        public void group(int sortableScore, long positives, long negs) {
            twiceU = Math.addExact(twiceU, Math.multiplyExact(negs, 2 * posAbove + positives));
            posAbove += positives;
            negatives += negs;
        }

        /** NaN when only one class was seen. */
        double auc() {
            if (posAbove == 0 || negatives == 0) {
                return Double.NaN;
            }
            return twiceU / (2.0 * Math.multiplyExact(posAbove, negatives));
        }
    }
}
