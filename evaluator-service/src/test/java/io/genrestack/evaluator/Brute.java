package io.genrestack.evaluator;

/** Reference ROC-AUC by counting (positive, negative) pairs, a tie counting 1/2: O(P·N), for small test sets. */
final class Brute {
    private Brute() {}

    static double auc(float[] s, boolean[] t) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < s.length; i++) {
            if (!t[i]) {
                continue;
            }
            for (int j = 0; j < s.length; j++) {
                if (t[j]) {
                    continue;
                }
                pairs++;
                wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
            }
        }
        return pairs == 0 ? Double.NaN : wins / pairs;
    }

    static double macro(float[][] s, boolean[][] t) {
        int labels = s[0].length;
        double sum = 0;
        int n = 0;
        for (int l = 0; l < labels; l++) {
            float[] cs = new float[s.length];
            boolean[] ct = new boolean[s.length];
            for (int i = 0; i < s.length; i++) {
                cs[i] = s[i][l];
                ct[i] = t[i][l];
            }
            double a = auc(cs, ct);
            if (!Double.isNaN(a)) {
                sum += a;
                n++;
            }
        }
        return sum / n;
    }

    static double micro(float[][] s, boolean[][] t) {
        int labels = s[0].length;
        float[] fs = new float[s.length * labels];
        boolean[] ft = new boolean[fs.length];
        for (int i = 0; i < s.length; i++) {
            for (int l = 0; l < labels; l++) {
                fs[i * labels + l] = s[i][l];
                ft[i * labels + l] = t[i][l];
            }
        }
        return auc(fs, ft);
    }
}
