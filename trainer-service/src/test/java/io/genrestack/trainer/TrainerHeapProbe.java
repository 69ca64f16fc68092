package io.genrestack.trainer;

import io.genrestack.common.model.Split;
import io.genrestack.common.model.TrackActivations;
import io.genrestack.common.model.TrainParams;
import io.genrestack.common.serde.Json;
import io.genrestack.ml.FloatRowStore;
import io.genrestack.ml.MlpModel;
import io.genrestack.ml.MlpSpec;
import io.genrestack.ml.MlpTrainer;
import io.genrestack.ml.RowStoreDataset;
import io.genrestack.ml.TrainConfig;
import io.genrestack.testkit.ForkedHeap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The trainer's core work at a given size, for {@link TrainerHeapTest} in a forked JVM with a small heap: the
 * materialised train/validation stores and MBID lists the stage builds from the features range, one base-model epoch
 * through {@link MlpTrainer} with the stage's per-epoch validation macro ROC-AUC, then the activations pass over every
 * track in inference batches, each record serialised as the stage sends it. Kafka and object storage are left out;
 * everything the stage keeps per track is here.
 *
 * <p>Arguments: tracks, labels, features, work directory, and optionally {@code hold} (a negative control that keeps
 * every epoch's validation scores and truth in heap, as the trainer did before, so the test can see it fail).
 */
public final class TrainerHeapProbe {
    private TrainerHeapProbe() {}

    public static void main(String[] args) throws Exception {
        ForkedHeap.start();
        int tracks = Integer.parseInt(args[0]);
        int labels = Integer.parseInt(args[1]);
        int features = Integer.parseInt(args[2]);
        Path dir = Path.of(args[3]);
        boolean hold = args.length > 4 && args[4].equals("hold");
        Files.createDirectories(dir);
        Random rnd = new Random(7);

        // what materialise() writes and keeps: four stores on disk, the MBIDs of each side in heap
        List<String> trainMbids = new ArrayList<>();
        List<String> valMbids = new ArrayList<>();
        float[][] centroids = new float[labels][features];
        for (float[] c : centroids) {
            for (int j = 0; j < features; j++) {
                c[j] = (float) rnd.nextGaussian();
            }
        }
        try (FloatRowStore.Writer tx = FloatRowStore.create(dir.resolve("train-x.f32"), features);
                FloatRowStore.Writer ty = FloatRowStore.create(dir.resolve("train-y.f32"), labels);
                FloatRowStore.Writer vx = FloatRowStore.create(dir.resolve("val-x.f32"), features);
                FloatRowStore.Writer vy = FloatRowStore.create(dir.resolve("val-y.f32"), labels)) {
            float[] x = new float[features];
            float[] y = new float[labels];
            for (int t = 0; t < tracks; t++) {
                Arrays.fill(y, 0f);
                int genre = rnd.nextInt(labels);
                y[genre] = 1f;
                y[rnd.nextInt(labels)] = 1f;
                for (int j = 0; j < features; j++) {
                    x[j] = centroids[genre][j] * 0.5f + (float) rnd.nextGaussian();
                }
                boolean val = rnd.nextInt(5) == 0;
                (val ? vx : tx).append(x);
                (val ? vy : ty).append(y);
                (val ? valMbids : trainMbids).add(new UUID(rnd.nextLong(), rnd.nextLong()).toString());
            }
        }
        ForkedHeap.checkpoint("materialised");

        TrainParams p = TrainParams.paperBase();
        MlpSpec spec = new MlpSpec(features, p.hidden(), labels, p.dropout(), 0.05);
        TrainConfig cfg = TrainConfig.defaults()
                .withLr(p.learningRate())
                .withBatchSize(p.batchSize())
                .withMaxEpochs(1)
                .withPatience(p.patience())
                .withSeed(7)
                .withThreads(1);
        List<Object> held = new ArrayList<>();
        try (FloatRowStore trainX = FloatRowStore.open(dir.resolve("train-x.f32"));
                FloatRowStore trainY = FloatRowStore.open(dir.resolve("train-y.f32"));
                FloatRowStore valX = FloatRowStore.open(dir.resolve("val-x.f32"));
                FloatRowStore valY = FloatRowStore.open(dir.resolve("val-y.f32"));
                MlpModel model = MlpModel.create(spec, 7, cfg.resolveDevice())) {
            int[] valOrder = TrainerStage.mbidOrder(valMbids);
            RowStoreDataset train = RowStoreDataset.builder()
                    .features(trainX)
                    .labels(trainY)
                    .rows(TrainerStage.mbidOrder(trainMbids))
                    .batchSize(cfg.batchSize())
                    .shuffle(true)
                    .seed(7)
                    .build();
            RowStoreDataset val = RowStoreDataset.builder()
                    .features(valX)
                    .labels(valY)
                    .rows(valOrder)
                    .batchSize(cfg.batchSize())
                    .shuffle(false)
                    .build();
            new MlpTrainer(dir)
                    .train(
                            model,
                            train,
                            val,
                            cfg,
                            (report, scores) -> {
                                if (hold) {
                                    held.add(scores.toArray());
                                    boolean[][] truth = new boolean[scores.rows()][labels];
                                    float[] row = new float[labels];
                                    for (int i = 0; i < truth.length; i++) {
                                        scores.truth().readRow(i, row);
                                        for (int j = 0; j < labels; j++) {
                                            truth[i][j] = row[j] > 0.5f;
                                        }
                                    }
                                    held.add(truth);
                                }
                                double auc = scores.macroAuc().macro();
                                ForkedHeap.checkpoint("epoch-" + report.epoch());
                                System.out.printf(
                                        "epoch %d: val loss %.4f, val macro AUC %.4f%n",
                                        report.epoch(), report.valLoss(), auc);
                            },
                            null);

            // the activations pass: every track in inference batches, one record each
            int batch = 256;
            long bytes = 0;
            float[] x = new float[batch * features];
            FloatRowStore[] sides = {trainX, valX};
            List<List<String>> mbids = List.of(trainMbids, valMbids);
            for (int side = 0; side < 2; side++) {
                FloatRowStore xs = sides[side];
                for (int from = 0; from < xs.rows(); from += batch) {
                    int k = Math.min(batch, xs.rows() - from);
                    for (int i = 0; i < k; i++) {
                        xs.readRow(from + i, x, i * features);
                    }
                    float[] in = k == batch ? x : Arrays.copyOf(x, k * features);
                    float[] hidden = model.hidden(in, k);
                    float[] s = model.predict(in, k);
                    for (int i = 0; i < k; i++) {
                        TrackActivations a = new TrackActivations(
                                "probe",
                                mbids.get(side).get(from + i),
                                "allmusic",
                                side == 0 ? Split.TRAIN : Split.VALIDATION,
                                Map.of("allmusic", List.of(1, 2)),
                                Arrays.copyOfRange(hidden, i * p.hidden(), (i + 1) * p.hidden()),
                                Arrays.copyOfRange(s, i * labels, (i + 1) * labels));
                        bytes += Json.bytes(a).length;
                    }
                    if (side == 1 && from == 0) {
                        ForkedHeap.checkpoint("activations");
                    }
                }
            }
            System.out.printf("activations: %d tracks, %.1f MB of records%n", tracks, bytes / 1e6);
        }
        System.out.println("held " + held.size());
        ForkedHeap.done();
    }
}
