package io.genrestack.ml;

import io.genrestack.common.metrics.RocAuc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MlpTrainerTest {

    static final int N = 3000;
    static final int D = 200;
    static final int L = 8;
    static final int N_TRAIN = 2400;

    @TempDir
    static Path dir;

    static TestData data;
    static FloatRowStore[] stores;

    @BeforeAll
    static void data() throws IOException {
        data = TestData.linear(N, D, L, 2024);
        Files.createDirectories(dir.resolve("main"));
        stores = data.write(dir.resolve("main"));
    }

    static RowStoreDataset train(FloatRowStore[] s, int from, int to, long seed) {
        return TestData.dataset(s, TestData.range(from, to), 32, true, seed);
    }

    static RowStoreDataset val(FloatRowStore[] s, int from, int to) {
        return TestData.dataset(s, TestData.range(from, to), 256, false, 0);
    }

    /** Overfitting setup: 60 noisy training rows, no dropout, so validation loss turns up after a few epochs. */
    static TrainResult overfit(MlpModel model, Checkpointer ckp, EpochListener lis) throws Exception {
        TrainConfig cfg = TrainConfig.defaults()
                .withThreads(1)
                .withLr(3e-3)
                .withMaxEpochs(60)
                .withPatience(3)
                .withSeed(5)
                .withBatchSize(16);
        return new MlpTrainer()
                .train(
                        model,
                        TestData.dataset(stores, TestData.range(0, 60), 16, true, 5),
                        val(stores, N_TRAIN, N),
                        cfg,
                        lis,
                        ckp);
    }

    static MlpSpec overfitSpec() {
        return new MlpSpec(D, 256, L, 0.0, 0.05);
    }

    @Test
    void learnsTheSignalWellAboveAShuffledLabelControl() throws Exception {
        TrainConfig cfg = TrainConfig.defaults().withThreads(1).withMaxEpochs(6).withSeed(1);
        float[][] valX = data.xRows(N_TRAIN, N);
        float[][] valY = data.yRows(N_TRAIN, N);
        List<Double> epochAucs = new ArrayList<>();
        double auc;
        TrainResult result;
        try (MlpModel model = MlpModel.create(MlpSpec.paper(D, L), 1)) {
            result = new MlpTrainer()
                    .train(
                            model,
                            train(stores, 0, N_TRAIN, 1),
                            val(stores, N_TRAIN, N),
                            cfg,
                            (r, scores) -> {
                                float[][] s = scores.toArray();
                                epochAucs.add(TestData.macroAuc(s, valY));
                                // the files hold the validation set's labels in its order, and the column-by-column AUC
                                // is the in-heap RocAuc figure to the bit
                                assertArrayEquals(valY, scores.truth().toArray());
                                assertEquals(
                                        RocAuc.macro(s, ColumnAucTest.positive(valY))
                                                .macro(),
                                        scores.macroAuc().macro(),
                                        0.0);
                            },
                            null);
            auc = TestData.macroAuc(model.predict(valX), valY);
        }
        assertEquals(result.epochs(), epochAucs.size());
        assertEquals(epochAucs.get(result.bestEpoch() - 1), auc, 2e-3, "restored model scores like its epoch");
        assertTrue(result.history().get(0).trainLoss()
                > result.history().get(result.epochs() - 1).trainLoss());

        Path ctl = dir.resolve("control");
        Files.createDirectories(ctl);
        FloatRowStore[] c = data.shuffledLabels(99).write(ctl);
        float[][] ctlY = c[1].toArray();
        double controlAuc;
        try (MlpModel model = MlpModel.create(MlpSpec.paper(D, L), 1)) {
            new MlpTrainer().train(model, train(c, 0, N_TRAIN, 1), val(c, N_TRAIN, N), cfg, null, null);
            controlAuc = TestData.macroAuc(model.predict(valX), java.util.Arrays.copyOfRange(ctlY, N_TRAIN, N));
        }
        System.out.printf(
                "macro AUC %.4f, shuffled-label control %.4f, best epoch %d%n", auc, controlAuc, result.bestEpoch());
        assertTrue(auc > 0.80, "AUC " + auc);
        assertTrue(Math.abs(controlAuc - 0.5) < 0.07, "control AUC " + controlAuc);
        assertTrue(auc - controlAuc > 0.2);
    }

    @Test
    void earlyStoppingRestoresTheBestEpoch() throws Exception {
        float[][] valX = data.xRows(N_TRAIN, N);
        float[][] valY = data.yRows(N_TRAIN, N);
        try (MlpModel model = MlpModel.create(overfitSpec(), 3)) {
            TrainResult r = overfit(model, new InMemoryCheckpointer(), null);
            List<EpochReport> h = r.history();
            assertTrue(r.stoppedEarly(), "stopped early: " + h);
            assertTrue(r.bestEpoch() >= 2, "val loss improved at least once: " + h);
            assertEquals(r.bestEpoch() + 3, h.size(), "stops after patience epochs without improvement");
            EpochReport best = h.get(r.bestEpoch() - 1);
            assertTrue(best.best());
            assertEquals(best.valLoss(), r.bestValLoss());
            for (EpochReport e : h) assertTrue(e.valLoss() >= best.valLoss());
            double last = h.get(h.size() - 1).valLoss();
            assertTrue(last > best.valLoss() + 1e-3, "val loss rose: " + h);

            double restored = TestData.bce(model.logits(MlpModel.flatten(valX), valX.length), valY);
            assertEquals(best.valLoss(), restored, 1e-5, "model holds the best epoch's parameters");
        }
    }

    /** Saves like its delegate, then fails after saving {@code crashAfter}: a crash right after a checkpoint. */
    static final class CrashingCheckpointer implements Checkpointer {
        final Checkpointer delegate;
        final int crashAfter;

        CrashingCheckpointer(Checkpointer delegate, int crashAfter) {
            this.delegate = delegate;
            this.crashAfter = crashAfter;
        }

        @Override
        public void save(Checkpoint c) throws IOException {
            delegate.save(c);
            if (c.epoch() == crashAfter) throw new IOException("simulated crash after epoch " + crashAfter);
        }

        @Override
        public Optional<Checkpoint> latest() throws IOException {
            return delegate.latest();
        }
    }

    @Test
    void resumeFromACheckpointRepeatsTheUninterruptedRunExactly() throws Exception {
        TrainResult full;
        byte[] fullParams;
        try (MlpModel model = MlpModel.create(overfitSpec(), 3)) {
            full = overfit(model, new InMemoryCheckpointer(), null);
            fullParams = model.saveParameters();
        }
        DirectoryCheckpointer disk = new DirectoryCheckpointer(dir.resolve("ckpt"));
        try (MlpModel model = MlpModel.create(overfitSpec(), 3)) {
            IOException e =
                    assertThrows(IOException.class, () -> overfit(model, new CrashingCheckpointer(disk, 2), null));
            assertTrue(e.getMessage().contains("simulated"));
        }
        Checkpoint saved = disk.latest().orElseThrow();
        assertEquals(2, saved.epoch());
        assertNotNull(saved.optimizerState());

        TrainResult resumed;
        byte[] resumedParams;
        try (MlpModel model = MlpModel.create(overfitSpec(), 777)) { // other init: the checkpoint must win
            resumed = overfit(model, disk, null);
            resumedParams = model.saveParameters();
        }
        assertEquals(2, resumed.resumedFromEpoch());
        assertEquals(full.epochs(), resumed.epochs());
        assertEquals(full.bestEpoch(), resumed.bestEpoch());
        assertEquals(full.bestValLoss(), resumed.bestValLoss());
        assertEquals(full.stoppedEarly(), resumed.stoppedEarly());
        for (int i = 0; i < full.epochs(); i++) {
            EpochReport a = full.history().get(i);
            EpochReport b = resumed.history().get(i);
            assertEquals(a.epoch(), b.epoch());
            assertEquals(a.trainLoss(), b.trainLoss(), "train loss epoch " + a.epoch());
            assertEquals(a.valLoss(), b.valLoss(), "val loss epoch " + a.epoch());
            assertEquals(a.best(), b.best());
        }
        assertArrayEquals(fullParams, resumedParams, "same final (best) parameters");

        // A finished run's checkpoint resumes to the same result without training further.
        try (MlpModel model = MlpModel.create(overfitSpec(), 1)) {
            TrainResult again = overfit(model, disk, null);
            assertEquals(full.epochs(), again.epochs());
            assertEquals(full.epochs(), again.resumedFromEpoch());
            assertArrayEquals(fullParams, model.saveParameters());
        }
    }

    @Test
    void resumeWithoutOptimizerStateKeepsHistoryAndEarlyStoppingState() throws Exception {
        InMemoryCheckpointer mem = new InMemoryCheckpointer();
        try (MlpModel model = MlpModel.create(overfitSpec(), 3)) {
            assertThrows(IOException.class, () -> overfit(model, new CrashingCheckpointer(mem, 2), null));
        }
        Checkpoint c = mem.latest().orElseThrow();
        InMemoryCheckpointer stripped = new InMemoryCheckpointer();
        stripped.save(new Checkpoint(c.epoch(), c.params(), c.bestParams(), c.state()));
        try (MlpModel model = MlpModel.create(overfitSpec(), 3)) {
            TrainResult r = overfit(model, stripped, null);
            assertEquals(2, r.resumedFromEpoch());
            assertEquals(c.state().history(), r.history().subList(0, 2));
            assertTrue(r.epochs() > 2);
        }
    }

    @Test
    void sameSeedGivesIdenticalParametersAndActivations() throws Exception {
        // two intra-op threads on purpose: exact equality must hold with a multi-threaded CPU backend too
        TrainConfig cfg = TrainConfig.defaults().withThreads(2).withMaxEpochs(2).withSeed(17);
        float[][] valX = data.xRows(N_TRAIN, N);
        float[][][] h = new float[3][][];
        byte[][] p = new byte[3][];
        long[] seeds = {17, 17, 18};
        for (int i = 0; i < 3; i++) {
            try (MlpModel model = MlpModel.create(MlpSpec.paper(D, L), seeds[i])) {
                // small on purpose: two OpenMP threads crawl when the 2 shared cores are oversubscribed
                new MlpTrainer()
                        .train(
                                model,
                                train(stores, 0, 320, seeds[i]),
                                val(stores, N_TRAIN, N_TRAIN + 200),
                                cfg.withSeed(seeds[i]),
                                null,
                                null);
                h[i] = model.hidden(valX);
                p[i] = model.saveParameters();
            }
        }
        assertEquals(N - N_TRAIN, h[0].length);
        assertEquals(256, h[0][0].length);
        for (float[] r : h[0]) for (float v : r) assertTrue(v >= 0f);
        assertEquals(2, MlpTrainer.intraOpThreads());
        assertArrayEquals(p[0], p[1], "identical parameters");
        assertArrayEquals(h[0], h[1], "identical activations");
        assertFalse(java.util.Arrays.equals(p[0], p[2]), "another seed trains differently");
    }

    @Test
    void residentMemoryDoesNotGrowAcrossEpochs() throws Exception {
        // wider inputs so that a leaked batch per step would show: 94 batches x 128 kB per epoch
        TestData wide = TestData.linear(3000, 1000, L, 7);
        Path wdir = dir.resolve("wide");
        Files.createDirectories(wdir);
        FloatRowStore[] s = wide.write(wdir);
        List<Long> rss = new ArrayList<>();
        TrainConfig cfg = TrainConfig.defaults()
                .withThreads(1)
                .withMaxEpochs(10)
                .withPatience(100)
                .withSeed(3);
        try (MlpModel model = MlpModel.create(MlpSpec.paper(1000, L), 3)) {
            new MlpTrainer()
                    .train(
                            model,
                            train(s, 0, N_TRAIN, 3),
                            val(s, N_TRAIN, N),
                            cfg,
                            new EpochListener() {
                                @Override
                                public void onEpoch(EpochReport r, ValidationScores scores) {
                                    System.gc(); // G1 gives unused heap back, so what remains is mostly native memory
                                    rss.add(TestData.rssKb());
                                }

                                @Override
                                public boolean wantsScores() {
                                    return false;
                                }
                            },
                            new InMemoryCheckpointer());
        }
        System.out.println("VmRSS after each epoch (kB): " + rss);
        assertEquals(10, rss.size());
        long growth = rss.get(9) - rss.get(2);
        assertTrue(growth < 40_000, "RSS grew " + growth + " kB between epoch 3 and 10: " + rss);
    }
}
