package io.genrestack.ml;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.SequenceSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class RowStoreDatasetTest {

    @TempDir
    Path dir;

    /** Collects the store rows of one epoch and checks each batch's arrays against the stores. */
    private static List<Integer> epoch(RowStoreDataset ds, NDManager m, TestData d, int[] sizes) throws Exception {
        List<Integer> seen = new ArrayList<>();
        int b = 0;
        for (Batch batch : ds.getData(m)) {
            try (batch) {
                float[] x = batch.getData().singletonOrThrow().toFloatArray();
                float[] y = batch.getLabels().singletonOrThrow().toFloatArray();
                int cols = d.x[0].length;
                int lc = d.y[0].length;
                assertEquals(batch.getSize() * cols, x.length);
                @SuppressWarnings("unchecked")
                List<Integer> rows = (List<Integer>) batch.getIndices();
                for (int i = 0; i < rows.size(); i++) {
                    int r = rows.get(i);
                    assertArrayEquals(d.x[r], java.util.Arrays.copyOfRange(x, i * cols, (i + 1) * cols));
                    assertArrayEquals(d.y[r], java.util.Arrays.copyOfRange(y, i * lc, (i + 1) * lc));
                    seen.add(r);
                }
                if (sizes != null) assertEquals(sizes[b], batch.getSize());
                b++;
            }
        }
        return seen;
    }

    @Test
    void epochsVisitEachSubsetRowOnceInADeterministicSeededOrder() throws Exception {
        TestData d = TestData.linear(103, 9, 3, 1);
        FloatRowStore[] s = d.write(dir);
        int[] subset = TestData.range(10, 103);
        try (NDManager m = NDManager.newBaseManager()) {
            RowStoreDataset ds = TestData.dataset(s, subset, 32, true, 7);
            List<Integer> e0 = epoch(ds, m, d, new int[] {32, 32, 29});
            List<Integer> e1 = epoch(ds, m, d, null);
            assertEquals(93, e0.size());
            assertEquals(new java.util.TreeSet<>(e0), new java.util.TreeSet<>(e1));
            assertEquals(93, new java.util.HashSet<>(e0).size());
            assertEquals(10, (int) java.util.Collections.min(e0));
            assertFalse(e0.equals(e1), "a new permutation each epoch");

            RowStoreDataset again = TestData.dataset(s, subset, 32, true, 7);
            again.setEpoch(1);
            assertEquals(e1, epoch(again, m, d, null), "order depends only on (seed, epoch)");
            RowStoreDataset otherSeed = TestData.dataset(s, subset, 32, true, 8);
            assertFalse(e0.equals(epoch(otherSeed, m, d, null)));

            RowStoreDataset sequential = TestData.dataset(s, subset, 50, false, 7);
            List<Integer> seq = epoch(sequential, m, d, new int[] {50, 43});
            assertEquals(java.util.stream.IntStream.range(10, 103).boxed().toList(), seq);
        }
    }

    @Test
    void customSamplerIsHonouredAndRecordAccessWorks() throws Exception {
        TestData d = TestData.linear(20, 4, 2, 2);
        FloatRowStore[] s = d.write(dir);
        try (NDManager m = NDManager.newBaseManager()) {
            RowStoreDataset ds = TestData.dataset(s, null, 8, true, 1);
            List<Integer> seen = new ArrayList<>();
            for (Batch batch : ds.getData(m, new BatchSampler(new SequenceSampler(), 6, false))) {
                try (batch) {
                    @SuppressWarnings("unchecked")
                    List<Integer> rows = (List<Integer>) batch.getIndices();
                    seen.addAll(rows);
                    assertEquals(rows.size(), batch.getSize());
                }
            }
            assertEquals(java.util.stream.IntStream.range(0, 20).boxed().toList(), seen);
            assertEquals(20, ds.size());
            assertArrayEquals(
                    d.x[13], ds.get(m, 13).getData().singletonOrThrow().toFloatArray());
        }
    }

    @Test
    void batchesSurviveTheNextBatchBeingBuilt() throws IOException {
        // the iterator reuses its staging buffers; arrays it handed out must not change afterwards
        TestData d = TestData.linear(64, 5, 2, 3);
        FloatRowStore[] s = d.write(dir);
        try (NDManager m = NDManager.newBaseManager()) {
            RowStoreDataset ds = TestData.dataset(s, null, 16, false, 1);
            List<Batch> kept = new ArrayList<>();
            for (Batch b : ds.getData(m)) kept.add(b);
            for (int k = 0; k < kept.size(); k++) {
                try (Batch b = kept.get(k)) {
                    float[] x = b.getData().singletonOrThrow().toFloatArray();
                    assertArrayEquals(d.x[k * 16], java.util.Arrays.copyOfRange(x, 0, 5));
                }
            }
        }
    }

    @Test
    void labelRowsPairFeatureRowsWithRowsOfASmallerLabelStore() throws Exception {
        // features for 10 tracks; labels only for tracks 7, 2, 5 (in a 3-row store, rows 0..2)
        TestData d = TestData.linear(10, 4, 3, 5);
        FloatRowStore[] s = d.write(dir);
        float[][] small = {d.y[7], d.y[2], d.y[5]};
        Path lp = dir.resolve("small-labels.f32");
        FloatRowStore.write(lp, small);
        try (FloatRowStore labels = FloatRowStore.open(lp);
                NDManager m = NDManager.newBaseManager()) {
            RowStoreDataset ds = RowStoreDataset.builder()
                    .features(s[0])
                    .rows(new int[] {7, 2, 5})
                    .labels(labels)
                    .labelRows(new int[] {0, 1, 2})
                    .batchSize(2)
                    .shuffle(true)
                    .seed(9)
                    .build();
            List<Integer> seen = epoch(ds, m, d, null); // checks x and y of every row against the full data
            assertEquals(List.of(2, 5, 7), seen.stream().sorted().toList());
            assertArrayEquals(
                    d.y[5], ds.get(m, 2).getLabels().singletonOrThrow().toFloatArray());
            org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class,
                    () -> RowStoreDataset.builder()
                            .features(s[0])
                            .rows(new int[] {7, 2})
                            .labels(labels)
                            .labelRows(new int[] {0, 1, 2})
                            .build());
            org.junit.jupiter.api.Assertions.assertThrows(
                    IndexOutOfBoundsException.class,
                    () -> RowStoreDataset.builder()
                            .features(s[0])
                            .rows(new int[] {7})
                            .labels(labels)
                            .labelRows(new int[] {3})
                            .build());
        }
    }
}
