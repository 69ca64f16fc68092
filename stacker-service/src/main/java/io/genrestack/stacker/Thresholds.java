package io.genrestack.stacker;

import io.genrestack.common.Topics;
import io.genrestack.common.metrics.LabelColumn;
import io.genrestack.common.model.LabelThresholds;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.ml.FloatRowStore;
import io.genrestack.ml.MlpModel;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The per-label decision thresholds of a run's stacked models, as the evaluator's MediaEval submission decides
 * labels: each label's F1-optimal threshold on the run's TRAIN predictions ({@link LabelColumn#bestF1Threshold},
 * the rule of {@code MediaEvalMetrics.tuneThresholds}). The stacker stores them ({@link RunPaths#thresholds}) when it
 * trains the stacked models, on the same stacking inputs; for a run stacked before that, a prediction run tunes them
 * once: the run's recorded stacker inputs ({@code state/stacker/<source>/input.json}) name
 * its {@code activations} ranges, which are materialised again ({@link StackingInputs}), scored by the stored
 * stacked models in the same chunks as the stacker's own {@code predictions} (so the scores, and the thresholds, are
 * the evaluator's), and the thresholds written to object storage. Heap: one label column of train tracks at a time;
 * the train scores go to a memory-mapped file.
 */
final class Thresholds {
    private static final Logger LOG = Logger.getLogger(Thresholds.class);

    private Thresholds() {}

    /** The thresholds of every source of {@code models} (in {@link RunModels#sources} order). */
    static float[][] of(ObjectStore store, String bootstrap, Path scratch, RunModels models) throws Exception {
        String run = models.run;
        float[][] out = new float[models.sources.size()][];
        boolean missing = false;
        for (int m = 0; m < out.length; m++) {
            String s = models.sources.get(m);
            Optional<LabelThresholds> t = store.getJsonIfExists(RunPaths.thresholds(run, s), LabelThresholds.class);
            if (t.isPresent()
                    && t.get().thresholds().size() == models.vocabulary(m).size()) {
                out[m] = t.get().values();
            } else {
                missing = true;
            }
        }
        if (!missing) {
            return out;
        }
        long t0 = System.nanoTime();
        LabelThresholds[] tuned = tune(store, bootstrap, scratch, models);
        for (int m = 0; m < tuned.length; m++) {
            store.putJson(RunPaths.thresholds(run, models.sources.get(m)), tuned[m]);
            out[m] = tuned[m].values();
        }
        LOG.infof(
                "[%s] decision thresholds of %s tuned on the train predictions in %.1f s",
                run, models.sources, (System.nanoTime() - t0) / 1e9);
        return out;
    }

    /** Tunes every source's thresholds from the run's own stacking inputs (see the class comment). */
    static LabelThresholds[] tune(ObjectStore store, String bootstrap, Path scratch, RunModels models)
            throws Exception {
        String run = models.run;
        List<StackingInputs.ModelInput> inputs = new ArrayList<>();
        for (int m = 0; m < models.sources.size(); m++) {
            String s = models.sources.get(m);
            String key = RunPaths.stageState(run, Topics.STAGE_STACKER, s, StackerStage.INPUT);
            StageJob recorded = store.getJsonIfExists(key, StageJob.class)
                    .orElseThrow(() -> new IllegalStateException("run " + run + " has no recorded stacker input " + key
                            + ": the decision thresholds of its " + s + " model cannot be tuned"));
            inputs.add(new StackingInputs.ModelInput(
                    s, recorded.activations(), models.vocabulary(m).size()));
        }
        LabelThresholds[] out = new LabelThresholds[inputs.size()];
        try (StackingInputs data = StackingInputs.build(bootstrap, run, inputs, scratch.resolve("inputs"))) {
            for (int m = 0; m < inputs.size(); m++) {
                out[m] = tune(run, data, m, models.stacked(m), scratch);
            }
        }
        return out;
    }

    /** Source {@code m}'s thresholds: its stacked scores of the train tracks, column by column. */
    static LabelThresholds tune(String run, StackingInputs data, int m, MlpModel model, Path scratch) throws Exception {
        SourceRows rows = data.sources[m];
        int n = rows.nLabels;
        int nt = rows.train.length;
        Path file = scratch.resolve("train-scores-" + rows.source + ".f32");
        Files.createDirectories(scratch);
        try (FloatRowStore.Writer w = FloatRowStore.create(file, n)) {
            int next = 0; // index into rows.train (positions, ascending)
            for (int from = 0; from < rows.tracks.length; from += StackerStage.PREDICT_CHUNK) {
                int k = Math.min(StackerStage.PREDICT_CHUNK, rows.tracks.length - from);
                float[] y = model.predict(data.stackedRows(rows.tracks, from, k), k);
                for (int i = 0; i < k; i++) {
                    if (next < nt && rows.train[next] == from + i) {
                        w.append(y, i * n);
                        next++;
                    }
                }
            }
        }
        float[] thresholds = new float[n];
        try (FloatRowStore scores = FloatRowStore.open(file)) {
            float[] column = new float[nt];
            boolean[] truth = new boolean[nt];
            float[] one = new float[1];
            LabelColumn sorted = new LabelColumn(nt);
            for (int l = 0; l < n; l++) {
                for (int j = 0; j < nt; j++) {
                    scores.read(j, l, column, j, 1);
                    rows.labels.read(rows.train[j], l, one, 0, 1);
                    truth[j] = one[0] > 0.5f;
                }
                thresholds[l] = sorted.load(column, truth, nt).bestF1Threshold();
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return LabelThresholds.of(run, rows.source, nt, thresholds);
    }
}
