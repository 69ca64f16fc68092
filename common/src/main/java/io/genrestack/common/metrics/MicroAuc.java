package io.genrestack.common.metrics;

import java.nio.LongBuffer;
import java.util.List;

/**
 * Exact micro ROC-AUC (all cells pooled, scikit-learn {@code average="micro"}) from the label columns' sorted runs
 * ({@link LabelColumn#writeKeys}), without pooling them in memory: a k-way merge streams the runs from the highest
 * key down through the same tie-grouped sweep as one column's AUC, so the result is the same double as
 * {@link RocAuc#macro}'s {@code micro}. Heap: one cursor per run (k ≈ labels); the runs may be memory-mapped files
 * of any total size. Cost O(cells · log k).
 */
public final class MicroAuc {
    private MicroAuc() {}

    /** @param runs each run's keys ascending in [0, limit) */
    public static double of(List<LongBuffer> runs) {
        int k = runs.size();
        LongBuffer[] src = new LongBuffer[k];
        int[] next = new int[k]; // index of the next key to take, walking down
        long[] head = new long[k];
        int[] heap = new int[k]; // max-heap of run indices by head key
        int size = 0;
        for (int r = 0; r < k; r++) {
            src[r] = runs.get(r);
            next[r] = src[r].limit() - 1;
            if (next[r] >= 0) {
                head[r] = src[r].get(next[r]--);
                heap[size] = r;
                siftUp(heap, head, size++);
            }
        }
        TieGroups.Auc auc = new TieGroups.Auc();
        TieGroups.Stream stream = new TieGroups.Stream(auc);
        while (size > 0) {
            int r = heap[0];
            stream.add(head[r]);
            if (next[r] >= 0) {
                head[r] = src[r].get(next[r]--);
            } else {
                heap[0] = heap[--size];
            }
            siftDown(heap, head, size);
        }
        stream.finish();
        return auc.auc();
    }

    private static void siftUp(int[] heap, long[] head, int i) {
        int x = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (head[heap[parent]] >= head[x]) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = x;
    }

    private static void siftDown(int[] heap, long[] head, int size) {
        if (size == 0) {
            return;
        }
        int i = 0;
        int x = heap[0];
        while (true) {
            int c = 2 * i + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && head[heap[c + 1]] > head[heap[c]]) {
                c++;
            }
            if (head[heap[c]] <= head[x]) {
                break;
            }
            heap[i] = heap[c];
            i = c;
        }
        heap[i] = x;
    }
}
