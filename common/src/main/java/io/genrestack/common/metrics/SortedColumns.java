package io.genrestack.common.metrics;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Package-private: walks a row-major score matrix column by column, handing each label's
 * {@link ScoreKeys keys} sorted ascending to a callback. Columns are gathered {@value #BLOCK} at a
 * time in one pass over the rows, so the row arrays are read contiguously instead of once per label.
 * With {@code tasks > 1} the blocks are shared round-robin among that many tasks run on the common
 * fork-join pool; each task owns its key buffers ({@value #BLOCK} × rows longs).
 */
final class SortedColumns {

    /** Columns gathered per pass over the rows. */
    static final int BLOCK = 16;

    /**
     * Receives one sorted column. The array is reused after the call returns. Calls with the same
     * {@code task} come from one thread, one after another; different tasks may run at the same time.
     */
    @FunctionalInterface
    interface Consumer {
        void accept(int task, int label, long[] sortedKeys, int n);
    }

    /** How many tasks {@link #forEach} will use for this many labels and at most {@code threads} threads. */
    static int tasks(int labels, int threads) {
        int blocks = (labels + BLOCK - 1) / BLOCK;
        return Math.max(1, Math.min(threads, blocks));
    }

    /** Default parallelism: the available processors, at most 4 (each task holds its own buffers). */
    static int defaultThreads() {
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }

    private SortedColumns() {}

    /**
     * Checks that both matrices are rectangular with the same shape and returns the number of columns
     * (0 when there are no rows).
     */
    static int checkShape(float[][] scores, boolean[][] truth) {
        int n = scores.length;
        if (truth.length != n) {
            throw new IllegalArgumentException("scores has " + n + " rows, truth " + truth.length);
        }
        int labels = n == 0 ? 0 : scores[0].length;
        for (int i = 0; i < n; i++) {
            if (scores[i].length != labels || truth[i].length != labels) {
                throw new IllegalArgumentException("row " + i + " has " + scores[i].length + " scores and "
                        + truth[i].length + " truths, expected " + labels);
            }
        }
        return labels;
    }

    static void forEach(float[][] scores, boolean[][] truth, int threads, Consumer consumer) {
        int labels = checkShape(scores, truth);
        int tasks = tasks(labels, threads);
        if (tasks == 1) {
            run(scores, truth, labels, 0, 1, consumer);
        } else {
            IntStream.range(0, tasks).parallel().forEach(task -> run(scores, truth, labels, task, tasks, consumer));
        }
    }

    private static void run(float[][] scores, boolean[][] truth, int labels, int task, int tasks, Consumer consumer) {
        int n = scores.length;
        long[][] block = new long[Math.min(BLOCK, Math.max(labels, 1))][n];
        for (int start = task * BLOCK; start < labels; start += tasks * BLOCK) {
            int width = Math.min(BLOCK, labels - start);
            for (int i = 0; i < n; i++) {
                float[] s = scores[i];
                boolean[] t = truth[i];
                for (int c = 0; c < width; c++) {
                    block[c][i] = ScoreKeys.key(s[start + c], t[start + c]);
                }
            }
            for (int c = 0; c < width; c++) {
                Arrays.sort(block[c]);
                consumer.accept(task, start + c, block[c], n);
            }
        }
    }
}
