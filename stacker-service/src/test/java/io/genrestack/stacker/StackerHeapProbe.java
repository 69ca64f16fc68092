package io.genrestack.stacker;

import io.genrestack.common.Sources;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackActivations;
import io.genrestack.common.model.TrackPredictions;
import io.genrestack.common.model.TrainParams;
import io.genrestack.common.serde.Json;
import io.genrestack.ml.MlpModel;
import io.genrestack.ml.MlpSpec;
import io.genrestack.ml.MlpTrainer;
import io.genrestack.ml.RowStoreDataset;
import io.genrestack.ml.TrainConfig;
import io.genrestack.testkit.ForkedHeap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The stacker's core work at a given size, for {@link StackerHeapTest} in a forked JVM with a small heap: four base
 * models' activation records (256-d hidden, the real label widths) generated on the fly and fed to
 * {@link StackingInputs#build} as the range reader would, one stacked-model epoch per source with the base and
 * stacked validation macro ROC-AUC ({@link StackedAuc}, {@link MlpTrainer}), then the prediction records of every
 * tagged track, serialised as the stage publishes them. Kafka and object storage are left out.
 *
 * <p>Arguments: tracks, work directory, and optionally {@code hold} (a negative control that keeps each source's
 * validation scores in heap, as the stacker did before).
 */
public final class StackerHeapProbe {
    /** The real sources' label counts (MediaEval 2018). */
    static final int[] LABELS = {766, 315, 327, 296};

    static final int HIDDEN = 256;

    private StackerHeapProbe() {}

    public static void main(String[] args) throws Exception {
        ForkedHeap.start();
        int tracks = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        boolean hold = args.length > 2 && args[2].equals("hold");
        List<String> sources = Sources.ALL;
        String run = "probe";
        List<StackingInputs.ModelInput> inputs = new ArrayList<>();
        for (int m = 0; m < sources.size(); m++) {
            inputs.add(new StackingInputs.ModelInput(
                    sources.get(m), new TopicRange("activations." + sources.get(m), Map.of(), tracks), LABELS[m]));
        }
        StackingInputs.RangeSource ranges = (range, sink) -> {
            int m = sources.indexOf(range.topic().substring("activations.".length()));
            Random values = new Random(100 + m);
            float[] hidden = new float[HIDDEN];
            float[] scores = new float[LABELS[m]];
            for (int t = 0; t < tracks; t++) {
                Random track = new Random(t); // the same MBID, split and labels in every model's record
                String mbid = new UUID(track.nextLong(), track.nextLong()).toString();
                Split split = track.nextInt(5) == 0 ? Split.VALIDATION : Split.TRAIN;
                Map<String, List<Integer>> labels = new LinkedHashMap<>();
                for (int s = 0; s < sources.size(); s++) {
                    if (s == 0 || track.nextInt(10) < 6) { // allmusic tags every track, the others 60 %
                        labels.put(sources.get(s), List.of(track.nextInt(LABELS[s]), track.nextInt(LABELS[s])));
                    }
                }
                for (int j = 0; j < HIDDEN; j++) {
                    hidden[j] = Math.max(0f, (float) values.nextGaussian());
                }
                for (int j = 0; j < scores.length; j++) {
                    scores[j] = values.nextFloat();
                }
                TrackActivations a = new TrackActivations(run, mbid, sources.get(m), split, labels, hidden, scores);
                sink.accept(new ConsumerRecord<>(range.topic(), 0, t, mbid, Json.bytes(a)));
            }
        };
        List<Object> held = new ArrayList<>();
        try (StackingInputs data = StackingInputs.build(ranges, run, inputs, dir)) {
            ForkedHeap.checkpoint("joined");
            TrainParams p = TrainParams.paperStacked();
            MlpModel[] models = new MlpModel[sources.size()];
            try {
                for (int m = 0; m < sources.size(); m++) {
                    SourceRows rows = data.sources[m];
                    MlpSpec spec =
                            MlpSpec.stacked(data.inputDim(), rows.nLabels).withDropout(p.dropout());
                    TrainConfig cfg = new TrainConfig(
                            p.learningRate(), 0.9, 0.999, 1e-8, p.batchSize(), 1, p.patience(), 7, "cpu", 1);
                    RowStoreDataset train = RowStoreDataset.builder()
                            .features(data.stacked)
                            .rows(rows.trackRows(rows.train))
                            .labels(rows.labels)
                            .labelRows(rows.train)
                            .batchSize(p.batchSize())
                            .shuffle(true)
                            .seed(7)
                            .build();
                    RowStoreDataset validation = RowStoreDataset.builder()
                            .features(data.stacked)
                            .rows(rows.trackRows(rows.validation))
                            .labels(rows.labels)
                            .labelRows(rows.validation)
                            .batchSize(Math.max(256, p.batchSize()))
                            .shuffle(false)
                            .build();
                    double base = StackedAuc.base(data, m).macro();
                    models[m] = MlpModel.create(spec, 7, "cpu");
                    String source = rows.source;
                    new MlpTrainer(data.dir())
                            .train(
                                    models[m],
                                    train,
                                    validation,
                                    cfg,
                                    (report, scores) -> {
                                        if (hold) {
                                            held.add(scores.toArray());
                                        }
                                        double auc = scores.macroAuc().macro();
                                        ForkedHeap.checkpoint("epoch-" + source);
                                        System.out.printf(
                                                "%s: base AUC %.4f, stacked epoch %d AUC %.4f%n",
                                                source, base, report.epoch(), auc);
                                    },
                                    null);
                    System.out.printf(
                            "%s: restored model AUC %.4f%n",
                            source, StackedAuc.stacked(data, m, models[m]).macro());
                }
                // the predictions the stage publishes, chunk by chunk
                long bytes = 0;
                int chunk = 1024;
                for (int m = 0; m < models.length; m++) {
                    SourceRows rows = data.sources[m];
                    int n = rows.nLabels;
                    for (int from = 0; from < rows.tracks.length; from += chunk) {
                        int k = Math.min(chunk, rows.tracks.length - from);
                        float[] y = models[m].predict(data.stackedRows(rows.tracks, from, k), k);
                        for (int i = 0; i < k; i++) {
                            int t = rows.tracks[from + i];
                            TrackPredictions tp = new TrackPredictions(
                                    run,
                                    data.mbids[t],
                                    rows.source,
                                    data.split(t),
                                    rows.labelIndices(from + i),
                                    data.baseScores(m, t),
                                    Arrays.copyOfRange(y, i * n, (i + 1) * n));
                            bytes += Json.bytes(tp).length;
                        }
                        if (m == 0 && from == 0) {
                            ForkedHeap.checkpoint("publishing");
                        }
                    }
                }
                System.out.printf("predictions: %.1f MB of records%n", bytes / 1e6);
            } finally {
                for (MlpModel model : models) {
                    if (model != null) {
                        model.close();
                    }
                }
            }
        }
        System.out.println("held " + held.size());
        ForkedHeap.done();
    }
}
