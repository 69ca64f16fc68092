package io.genrestack.ml;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.ArrayDataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded synthetic multi-label data and helpers shared by the tests. */
final class TestData {

    final float[][] x;
    final float[][] y;

    private TestData(float[][] x, float[][] y) {
        this.x = x;
        this.y = y;
    }

    /**
     * {@code n} rows of {@code d} standard-normal features; label l is Bernoulli(sigmoid(2.5·(x·w_l)/√d − 1.5)) with
     * w_l standard normal, i.e. learnable from a linear score, with ~25% positives and some irreducible noise.
     */
    static TestData linear(int n, int d, int labels, long seed) {
        Random rnd = new Random(seed);
        float[][] w = new float[labels][d];
        for (float[] row : w) for (int j = 0; j < d; j++) row[j] = (float) rnd.nextGaussian();
        float[][] x = new float[n][d];
        float[][] y = new float[n][labels];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) x[i][j] = (float) rnd.nextGaussian();
            for (int l = 0; l < labels; l++) {
                double s = 0;
                for (int j = 0; j < d; j++) s += x[i][j] * w[l][j];
                double logit = 2.5 * s / Math.sqrt(d) - 1.5;
                y[i][l] = rnd.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1f : 0f;
            }
        }
        return new TestData(x, y);
    }

    /** Same features, label rows permuted: no feature carries information about the labels. */
    TestData shuffledLabels(long seed) {
        List<float[]> rows = new ArrayList<>(List.of(y));
        java.util.Collections.shuffle(rows, new Random(seed));
        return new TestData(x, rows.toArray(new float[0][]));
    }

    float[][] xRows(int from, int to) {
        return java.util.Arrays.copyOfRange(x, from, to);
    }

    float[][] yRows(int from, int to) {
        return java.util.Arrays.copyOfRange(y, from, to);
    }

    /** Writes features.f32 and labels.f32 under {@code dir} and returns the opened stores. */
    FloatRowStore[] write(Path dir) throws IOException {
        FloatRowStore.write(dir.resolve("features.f32"), x);
        FloatRowStore.write(dir.resolve("labels.f32"), y);
        return new FloatRowStore[] {
            FloatRowStore.open(dir.resolve("features.f32")), FloatRowStore.open(dir.resolve("labels.f32"))
        };
    }

    static int[] range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).toArray();
    }

    static RowStoreDataset dataset(FloatRowStore[] s, int[] rows, int batch, boolean shuffle, long seed) {
        return RowStoreDataset.builder()
                .features(s[0])
                .labels(s[1])
                .rows(rows)
                .batchSize(batch)
                .shuffle(shuffle)
                .seed(seed)
                .build();
    }

    static ArrayDataset arrayDataset(NDManager m, float[][] x, float[][] y, int batch, boolean shuffle) {
        return new ArrayDataset.Builder()
                .setData(m.create(x))
                .optLabels(m.create(y))
                .setSampling(batch, shuffle)
                .build();
    }

    /** Exact ROC-AUC of one label (ties count 1/2); NaN when only one class is present. */
    static double auc(float[][] scores, float[][] labels, int l) {
        int n = scores.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> Float.compare(scores[a][l], scores[b][l]));
        double rankSumPos = 0;
        long pos = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[idx[j + 1]][l] == scores[idx[i]][l]) j++;
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[idx[k]][l] > 0.5f) {
                    rankSumPos += avgRank;
                    pos++;
                }
            }
            i = j + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) return Double.NaN;
        return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /** Mean AUC over labels that have both classes. */
    static double macroAuc(float[][] scores, float[][] labels) {
        double sum = 0;
        int k = 0;
        for (int l = 0; l < labels[0].length; l++) {
            double a = auc(scores, labels, l);
            if (!Double.isNaN(a)) {
                sum += a;
                k++;
            }
        }
        return sum / k;
    }

    /** Mean binary cross-entropy of logits against 0/1 labels, in double precision (the numerically stable form). */
    static double bce(float[] logits, float[][] labels) {
        int cols = labels[0].length;
        double s = 0;
        for (int i = 0; i < labels.length; i++) {
            for (int c = 0; c < cols; c++) {
                double z = logits[i * cols + c];
                double t = labels[i][c];
                s += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
            }
        }
        return s / ((double) labels.length * cols);
    }

    /** VmRSS of this process in kB, from /proc/self/status. */
    static long rssKb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS");
    }
}
