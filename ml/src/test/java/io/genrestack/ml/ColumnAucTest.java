package io.genrestack.ml;

import io.genrestack.common.metrics.RocAuc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The out-of-core macro ROC-AUC equals the in-heap {@link RocAuc#macro} bit for bit. */
class ColumnAucTest {

    @TempDir
    Path dir;

    static boolean[][] positive(float[][] labels) {
        boolean[][] out = new boolean[labels.length][];
        for (int i = 0; i < labels.length; i++) {
            out[i] = new boolean[labels[i].length];
            for (int j = 0; j < labels[i].length; j++) {
                out[i][j] = labels[i][j] > 0.5f;
            }
        }
        return out;
    }

    @Test
    void equalsTheInHeapMacroAucOnRowSubsetsWithTiesAndSingleClassLabels() throws Exception {
        Random rnd = new Random(5);
        int rows = 700;
        int labels = 37; // more than two column blocks, the last one partial
        float[][] scores = new float[rows][labels];
        float[][] truth = new float[rows][labels];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < labels; j++) {
                // coarse scores: many ties; -0.0 and 0.0 must tie too
                float v = Math.round(rnd.nextFloat() * 20) / 20f;
                scores[i][j] = v == 0f && rnd.nextBoolean() ? -0f : v;
                truth[i][j] = j == 3 ? 0f : j == 4 ? 1f : rnd.nextFloat() < 0.2f + 0.6f * v ? 1f : 0f;
            }
        }
        // tiny mapping chunks (7 and 5 rows): the column reads cross chunk boundaries
        FloatRowStore.write(dir.resolve("s.f32"), scores);
        FloatRowStore.write(dir.resolve("t.f32"), truth);
        try (FloatRowStore s = FloatRowStore.open(dir.resolve("s.f32"), 4L * labels * 7);
                FloatRowStore t = FloatRowStore.open(dir.resolve("t.f32"), 4L * labels * 5)) {
            RocAuc.MacroResult heap = RocAuc.macro(scores, positive(truth));
            ColumnAuc.MacroAuc disk = ColumnAuc.macro(s, null, t, null);
            assertEquals(heap.macro(), disk.macro(), 0.0);
            assertArrayEquals(heap.perLabel(), disk.perLabel(), 0.0);
            assertEquals(heap.evaluated(), disk.evaluated());
            assertEquals(labels - 2, disk.evaluated());

            // a subset, with scores and truth at different rows of their stores (as the stacker's base scores)
            int n = 300;
            int[] scoreRows = new int[n];
            int[] truthRows = new int[n];
            float[][] subScores = new float[n][];
            float[][] subTruth = new float[n][];
            for (int i = 0; i < n; i++) {
                scoreRows[i] = rnd.nextInt(rows);
                truthRows[i] = rnd.nextInt(rows);
                subScores[i] = scores[scoreRows[i]];
                subTruth[i] = truth[truthRows[i]];
            }
            RocAuc.MacroResult subHeap = RocAuc.macro(subScores, positive(subTruth));
            ColumnAuc.MacroAuc subDisk = ColumnAuc.macro(s, scoreRows, t, truthRows);
            assertEquals(subHeap.macro(), subDisk.macro(), 0.0);
            assertArrayEquals(subHeap.perLabel(), subDisk.perLabel(), 0.0);

            assertThrows(IllegalArgumentException.class, () -> ColumnAuc.macro(s, scoreRows, t, null));
        }
    }
}
