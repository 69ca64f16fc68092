package io.genrestack.stacker;

import io.genrestack.common.io.PathTrees;
import io.genrestack.common.metrics.Bootstrap;
import io.genrestack.common.metrics.BootstrapColumn;
import io.genrestack.common.metrics.ResampleFile;
import io.genrestack.common.model.AblationReport;
import io.genrestack.common.model.Ablations;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrainParams;
import io.genrestack.common.model.TrainingCurve;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.ml.ColumnAuc;
import io.genrestack.ml.FloatRowStore;
import io.genrestack.ml.MlpModel;
import io.genrestack.ml.MlpSpec;
import io.genrestack.ml.MlpTrainer;
import io.genrestack.ml.RowStoreDataset;
import io.genrestack.ml.TrainConfig;
import io.genrestack.ml.TrainResult;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A target source's ablations ({@link Ablations}, {@link RunConfig#ablations()}): stacked models trained on a subset
 * of the base models' activation blocks, with the full model's spec, hyper-parameters and seed and early stopping on
 * the same validation tracks, scored against the full stacked model with a paired bootstrap. Written to
 * {@link RunPaths#ablations} as an {@link AblationReport}; a file for the same inputs, request, resamples and seed
 * is reused, so a retried job does not train them again.
 *
 * <p>Bounded memory: a subset's input columns are copied, for the source's tagged tracks only, into a scratch
 * {@link FloatRowStore} (tagged tracks × 256 × subset sources floats) that is deleted after its model; the
 * validation predictions go to another scratch store; the resamples' multiplicities lie in a mapped file
 * ({@link ResampleFile}, validation tracks × resamples bytes). The heap holds {@value #BLOCK} score and truth
 * columns of the validation tracks at a time.
 */
final class AblationTrainer {
    private static final Logger LOG = Logger.getLogger(AblationTrainer.class);
    /** The reference model's name in the table. */
    static final String FULL = "full";
    /** Label columns gathered per pass over the validation predictions. */
    private static final int BLOCK = 16;
    /** Tracks predicted per call of a model. */
    private static final int CHUNK = 1024;
    /** Coverage of the bootstrap intervals (the evaluator's). */
    static final double LEVEL = 0.95;

    private AblationTrainer() {}

    /**
     * Source {@code m}'s ablations when the run asks for any, else nothing.
     *
     * @param full the source's full stacked model (trained or reused; not closed here)
     * @param ranges the activations range of each base model (compared with an earlier file's)
     * @return the report written or reused; empty when the run asks for no ablation
     */
    static Optional<AblationReport> runIfAsked(
            String run,
            RunConfig config,
            StackingInputs data,
            int m,
            MlpModel full,
            Map<String, TopicRange> ranges,
            ObjectStore store,
            StackerSettings settings)
            throws Exception {
        if (config == null || config.ablations().isEmpty()) {
            return Optional.empty();
        }
        SourceRows rows = data.sources[m];
        String key = RunPaths.ablations(run, rows.source);
        int resamples = rows.validation.length == 0 ? 0 : Math.max(0, settings.ablationResamples());
        Optional<AblationReport> earlier = store.getJsonIfExists(key, AblationReport.class);
        if (earlier.isPresent()
                && ranges.equals(earlier.get().inputs())
                && config.ablations().equals(earlier.get().requested())
                && earlier.get().resamples() == resamples
                && earlier.get().seed() == config.seed()) {
            LOG.infof("[%s] ablations of %s: reusing %s for the same inputs", run, rows.source, key);
            return earlier;
        }
        AblationReport report = train(run, config, data, m, full, ranges, resamples, settings);
        store.putJson(key, report);
        return Optional.of(report);
    }

    /** Trains and scores every requested subset of source {@code m}. */
    static AblationReport train(
            String run,
            RunConfig config,
            StackingInputs data,
            int m,
            MlpModel full,
            Map<String, TopicRange> ranges,
            int resamples,
            StackerSettings settings)
            throws Exception {
        SourceRows rows = data.sources[m];
        String source = rows.source;
        List<Ablations.Subset> subsets = Ablations.subsets(config.ablations(), source, data.models);
        Path dir = data.dir().resolve("ablations-" + source);
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        try (ResampleFile weights = resamples == 0
                ? null
                : ResampleFile.draw(dir.resolve("resamples.u8"), config.seed(), rows.validation.length, resamples)) {
            int[] validationTracks = rows.trackRows(rows.validation);
            Scored reference = score(
                    rows,
                    dir.resolve("full-predicted.f32"),
                    weights,
                    (from, k) -> full.predict(data.stackedRows(validationTracks, from, k), k));
            AblationReport.Model fullModel =
                    model(FULL, data.models, data.inputDim(), reference, reference, null, 0, null);
            List<AblationReport.Model> out = new ArrayList<>();
            for (Ablations.Subset s : subsets) {
                List<String> missing = s.sources().stream()
                        .filter(x -> !data.models.contains(x))
                        .toList();
                int width = s.sources().size() * data.hiddenDim;
                if (!missing.isEmpty()) {
                    out.add(skipped(s, width, "the run has no base model of " + missing));
                } else if (s.sources().equals(data.models)) {
                    out.add(skipped(s, width, "the same inputs as the full stacked model"));
                } else {
                    out.add(trainSubset(run, config, data, m, s, reference, weights, dir, settings));
                }
            }
            LOG.infof(
                    "[%s] ablations of %s: %s in %.1f s",
                    run,
                    source,
                    out.stream()
                            .map(a -> a.name() + "=" + (a.valMacroAuc() == null ? "-" : fmt(a.valMacroAuc())))
                            .toList(),
                    (System.nanoTime() - t0) / 1e9);
            return new AblationReport(
                    run,
                    source,
                    config.ablations(),
                    ranges,
                    rows.validation.length,
                    resamples,
                    config.seed(),
                    LEVEL,
                    fullModel,
                    out,
                    Instant.now());
        } finally {
            PathTrees.deleteRecursively(dir);
        }
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    private static AblationReport.Model skipped(Ablations.Subset s, int width, String why) {
        return new AblationReport.Model(
                s.name(), s.sources(), width, null, 0, null, null, null, null, List.of(), null, null, null, why);
    }

    /** One subset's model: its input columns copied to a scratch store, trained, scored, the store deleted. */
    private static AblationReport.Model trainSubset(
            String run,
            RunConfig config,
            StackingInputs data,
            int m,
            Ablations.Subset subset,
            Scored reference,
            ResampleFile weights,
            Path dir,
            StackerSettings settings)
            throws Exception {
        SourceRows rows = data.sources[m];
        int h = data.hiddenDim;
        int[] blocks = subset.sources().stream().mapToInt(data.models::indexOf).toArray();
        int width = blocks.length * h;
        Path inputPath = dir.resolve("input-" + subset.name() + ".f32");
        try {
            // the subset's columns of the source's tagged tracks: row p = position p of SourceRows
            try (FloatRowStore.Writer w = FloatRowStore.create(inputPath, width)) {
                float[] row = new float[width];
                for (int t : rows.tracks) {
                    for (int b = 0; b < blocks.length; b++) {
                        data.stacked.read(t, blocks[b] * h, row, b * h, h);
                    }
                    w.append(row);
                }
            }
            try (FloatRowStore input = FloatRowStore.open(inputPath)) {
                TrainParams p = config.stacked();
                long seed = config.trainingSeed();
                MlpSpec spec = MlpSpec.stacked(width, rows.nLabels).withDropout(p.dropout());
                RowStoreDataset train = RowStoreDataset.builder()
                        .features(input)
                        .rows(rows.train)
                        .labels(rows.labels)
                        .labelRows(rows.train)
                        .batchSize(p.batchSize())
                        .shuffle(true)
                        .seed(seed)
                        .build();
                RowStoreDataset validation = RowStoreDataset.builder()
                        .features(input)
                        .rows(rows.validation)
                        .labels(rows.labels)
                        .labelRows(rows.validation)
                        .batchSize(Math.max(256, p.batchSize()))
                        .shuffle(false)
                        .build();
                TrainConfig cfg =
                        TrainConfig.from(p, seed).withDevice(settings.device()).withThreads(settings.threads());
                List<Double> aucs = new ArrayList<>();
                long t0 = System.nanoTime();
                try (MlpModel model = MlpModel.create(spec, seed, settings.device())) {
                    TrainResult result = new MlpTrainer(dir.resolve("trainer-" + subset.name()))
                            .train(
                                    model,
                                    train,
                                    validation,
                                    cfg,
                                    (report, scores) ->
                                            aucs.add(scores.macroAuc().macro()),
                                    null);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    Scored scored = score(
                            rows,
                            dir.resolve("predicted-" + subset.name() + ".f32"),
                            weights,
                            (from, k) -> model.predict(gather(input, rows.validation, from, k), k));
                    List<TrainingCurve.Point> history = new ArrayList<>();
                    for (int i = 0; i < result.history().size(); i++) {
                        var r = result.history().get(i);
                        history.add(new TrainingCurve.Point(
                                r.epoch(), r.trainLoss(), r.valLoss(), i < aucs.size() ? aucs.get(i) : null));
                    }
                    LOG.infof(
                            "[%s] ablation %s of %s: %d inputs %s, validation macro AUC %s (full %s), best epoch %d"
                                    + " of %d, %.1f s",
                            run,
                            subset.name(),
                            rows.source,
                            width,
                            subset.sources(),
                            fmt(scored.auc.macro()),
                            fmt(reference.auc.macro()),
                            result.bestEpoch(),
                            result.epochs(),
                            seconds);
                    return model(subset.name(), subset.sources(), width, scored, reference, result, seconds, history);
                }
            }
        } finally {
            Files.deleteIfExists(inputPath);
        }
    }

    /** Rows {@code positions[from..from+k)} of {@code store}, row-major. */
    private static float[] gather(FloatRowStore store, int[] positions, int from, int k) {
        int d = store.cols();
        float[] x = new float[k * d];
        for (int i = 0; i < k; i++) {
            store.readRow(positions[from + i], x, i * d);
        }
        return x;
    }

    /** Predicts {@code k} validation tracks from validation position {@code from}: {@code k × labels} scores. */
    @FunctionalInterface
    private interface Predictor {
        float[] predict(int from, int k);
    }

    /** A model's validation macro AUC and its macro AUC in every resample (empty without bootstrap). */
    private record Scored(ColumnAuc.MacroAuc auc, double[] resampled) {}

    /** Scores the source's validation tracks with {@code predictor} into a scratch store, then its AUCs. */
    private static Scored score(SourceRows rows, Path path, ResampleFile weights, Predictor predictor)
            throws IOException {
        int nv = rows.validation.length;
        try {
            try (FloatRowStore.Writer w = FloatRowStore.create(path, rows.nLabels)) {
                for (int from = 0; from < nv; from += CHUNK) {
                    int k = Math.min(CHUNK, nv - from);
                    float[] y = predictor.predict(from, k);
                    for (int i = 0; i < k; i++) {
                        w.append(y, i * rows.nLabels);
                    }
                }
            }
            try (FloatRowStore predicted = FloatRowStore.open(path)) {
                ColumnAuc.MacroAuc auc = ColumnAuc.macro(predicted, null, rows.labels, rows.validation);
                double[] resampled =
                        weights == null ? new double[0] : resampled(predicted, rows.labels, rows.validation, weights);
                return new Scored(auc, resampled);
            }
        } finally {
            Files.deleteIfExists(path);
        }
    }

    /**
     * The macro AUC of every resample: each label column's exact AUC per resample ({@link BootstrapColumn}), summed
     * in label order ({@link Bootstrap.MacroSums}), the evaluator's computation.
     */
    static double[] resampled(FloatRowStore scores, FloatRowStore truth, int[] truthRows, Bootstrap.Weights weights) {
        int n = truthRows.length;
        int labels = scores.cols();
        BootstrapColumn column = new BootstrapColumn(n, weights.resamples());
        Bootstrap.MacroSums sums = new Bootstrap.MacroSums(weights.resamples());
        double[] aucs = new double[weights.resamples()];
        float[][] s = new float[Math.min(BLOCK, labels)][n];
        boolean[][] t = new boolean[s.length][n];
        float[] sPart = new float[BLOCK];
        float[] tPart = new float[BLOCK];
        for (int start = 0; start < labels; start += BLOCK) {
            int width = Math.min(BLOCK, labels - start);
            for (int i = 0; i < n; i++) {
                scores.read(i, start, sPart, 0, width);
                truth.read(truthRows[i], start, tPart, 0, width);
                for (int c = 0; c < width; c++) {
                    s[c][i] = sPart[c];
                    t[c][i] = tPart[c] > 0.5f;
                }
            }
            for (int c = 0; c < width; c++) {
                column.load(s[c], t[c], n).aucs(weights, aucs);
                sums.add(aucs);
            }
        }
        return sums.macros();
    }

    /** A row of the table: the model's AUC, its interval and (for a subset) its paired difference to the full one. */
    private static AblationReport.Model model(
            String name,
            List<String> inputs,
            int width,
            Scored scored,
            Scored reference,
            TrainResult result,
            double seconds,
            List<TrainingCurve.Point> history) {
        AblationReport.Interval interval = null;
        AblationReport.Difference difference = null;
        Integer valid = null;
        boolean isFull = scored == reference;
        if (scored.resampled.length > 0) {
            Bootstrap.Comparison c = Bootstrap.compare(reference.resampled, scored.resampled, LEVEL);
            interval = new AblationReport.Interval(
                    finite(c.stacked().low()), finite(c.stacked().high()));
            valid = c.validResamples();
            if (!isFull) {
                difference = new AblationReport.Difference(
                        finite(scored.auc.macro() - reference.auc.macro()),
                        finite(c.difference().low()),
                        finite(c.difference().high()),
                        finite(c.stackedWins()));
            }
        } else if (!isFull) {
            difference =
                    new AblationReport.Difference(finite(scored.auc.macro() - reference.auc.macro()), null, null, null);
        }
        return new AblationReport.Model(
                name,
                inputs,
                width,
                finite(scored.auc.macro()),
                scored.auc.evaluated(),
                result == null ? null : result.bestEpoch(),
                result == null ? null : result.epochs(),
                result == null ? null : result.stoppedEarly(),
                result == null ? null : seconds,
                history,
                interval,
                difference,
                valid,
                null);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
