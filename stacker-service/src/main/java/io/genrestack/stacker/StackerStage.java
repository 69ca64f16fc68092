package io.genrestack.stacker;

import ai.djl.engine.Engine;
import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.ExactlyOncePass;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.model.Instances;
import io.genrestack.common.model.ModelKind;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackPredictions;
import io.genrestack.common.model.TrainParams;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.ml.MlpModel;
import io.genrestack.ml.MlpSpec;
import io.genrestack.ml.MlpTrainer;
import io.genrestack.ml.RowStoreDataset;
import io.genrestack.ml.TrainConfig;
import io.genrestack.ml.TrainResult;
import io.genrestack.platform.StageRun;
import io.genrestack.platform.StageTemplate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stacker's jobs. The trainer sends one job per source once that source's base model has published the hidden
 * activations of every track of the run. Each job is recorded under {@code state/stacker/<source>/input.json}; when
 * every source of the run (the job's {@code labels.*} objects) has one, the run is stacked: the activations are
 * materialised on disk ({@link StackingInputs}), one {@code Dropout → Dense(n)} model per source is trained on the
 * L2-normalised, concatenated activations of all base models (train tracks tagged by the source, early stopping on
 * its validation tracks), saved with provenance, and one {@link TrackPredictions} per source × tagged track is
 * published exactly once, followed in the last transaction by the evaluator's job. Each stacked model's decision
 * thresholds (the evaluator's rule on its train predictions, {@link Thresholds}) are stored for prediction runs.
 *
 * <p>A prediction run's job (unit {@link StageJob#PREDICT}, {@link RunConfig#predicting()}) instead scores the run's
 * unlabelled {@code track-features} with another run's models and writes its MediaEval submission files
 * ({@link PredictionWriter}, {@link Thresholds}).
 */
@ApplicationScoped
public class StackerStage extends StageTemplate {
    private static final Logger LOG = Logger.getLogger(StackerStage.class);
    /** Exactly-once step of the run's output (unit {@code all}). */
    public static final String STEP = "predictions";
    /** File name of a recorded job under {@link RunPaths#stageState}. */
    public static final String INPUT = "input.json";

    /** Exactly-once step of a prediction run (unit {@link StageJob#PREDICT}). */
    public static final String PREDICT_STEP = "submission";

    static final int PREDICT_CHUNK = 1024;

    @Inject
    StackerSettings settings;

    private final Map<String, Boolean> faultInjected = new ConcurrentHashMap<>();

    @Override
    public String stage() {
        return Topics.STAGE_STACKER;
    }

    @Override
    public void handle(StageJob job) throws Exception {
        if (job.config() != null && job.config().predicting()) {
            predict(job);
            return;
        }
        String run = job.runId();
        String unit = job.unit();
        job.activations(); // required
        List<String> expected = expectedSources(job);
        if (!expected.contains(unit)) {
            throw new IllegalArgumentException("stacker job " + job.key() + " is for source '" + unit
                    + "' but the run's label vocabularies are " + expected);
        }
        ObjectStore store = infra().store();
        store.putJson(RunPaths.stageState(run, stage(), unit, INPUT), job);
        Map<String, StageJob> jobs = new LinkedHashMap<>();
        List<String> waiting = new ArrayList<>();
        for (String s : expected) {
            Optional<StageJob> j = s.equals(unit)
                    ? Optional.of(job)
                    : store.getJsonIfExists(RunPaths.stageState(run, stage(), s, INPUT), StageJob.class);
            if (j.isPresent()) {
                jobs.put(s, j.get());
            } else {
                waiting.add(s);
            }
        }
        if (!waiting.isEmpty()) {
            LOG.infof("[%s] stacker input of %s recorded; waiting for %s", run, unit, waiting);
            return;
        }
        stack(run, job, jobs);
    }

    /**
     * A prediction run's job ({@link StageJob#PREDICT}): the run's unlabelled {@code track-features} scored by the
     * base and stacked models of {@link RunConfig#modelRun()}, labels decided with that run's {@link Thresholds}, the
     * submission files and scores written to object storage ({@link PredictionWriter}), then the step marked done
     * (a re-delivered job is a no-op) and {@code predictions-ready} announces the objects.
     */
    private void predict(StageJob job) throws Exception {
        String run = job.runId();
        String modelRun = job.config().modelRun();
        TopicRange range = job.features();
        try (StageRun out = open(job, StageJob.PREDICT, PREDICT_STEP)) {
            if (out.alreadyDone()) {
                return;
            }
            long t0 = System.nanoTime();
            out.started(
                    "predicting " + range.expectedRecords() + " unlabelled tracks with the models of run " + modelRun);
            ObjectStore store = infra().store();
            Path dir = infra().workDir().resolve(run).resolve(stage()).resolve(StageJob.PREDICT);
            Map<String, Long> counts = new LinkedHashMap<>();
            Map<String, String> objects;
            List<String> sources;
            // the job's own copy of the models: the /predict cache may close the ones it holds at any time
            try (RunModels models = RunModels.load(store, modelRun)) {
                sources = models.sources;
                float[][] thresholds = Thresholds.of(store, infra().bootstrap(), dir.resolve("thresholds"), models);
                objects = new LinkedHashMap<>(PredictionWriter.write(
                        run, infra().bootstrap(), range, models, thresholds, dir.resolve("output"), store, counts));
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("runId", run);
            summary.put("modelRun", modelRun);
            summary.put("sources", sources);
            summary.put("counts", counts);
            summary.put("objects", objects);
            summary.put("finished", Instant.now());
            store.putJson(RunPaths.predictionSummary(run), summary);
            objects.put("summary", RunPaths.predictionSummary(run));
            out.handOver(List.of(), ExactlyOncePass.end(range));
            count("predicted", counts.get("tracks"));
            out.event(
                    RunEvent.PREDICTIONS_READY,
                    String.format(
                            "predicted %d tracks for %s with the models of run %s in %.1f s",
                            counts.get("tracks"), sources, modelRun, (System.nanoTime() - t0) / 1e9),
                    counts,
                    objects);
        }
    }

    /** The run's sources: the {@code labels.<source>} objects of the job, in {@link Sources#ALL} order. */
    static List<String> expectedSources(StageJob job) {
        List<String> out = new ArrayList<>();
        job.labelSources().forEach(Sources::index); // rejects unknown sources
        for (String s : Sources.ALL) {
            if (job.labels(s) != null) {
                out.add(s);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("stacker job " + job.key() + " names no labels.<source> objects");
        }
        return out;
    }

    private void stack(String run, StageJob trigger, Map<String, StageJob> jobs) throws Exception {
        RunConfig config = trigger.config();
        try (StageRun out = open(trigger, StageJob.ALL, STEP)) {
            if (out.alreadyDone()) {
                return;
            }
            ProgressMark resume = out.resumePoint();
            long t0 = System.nanoTime();
            List<String> sources = new ArrayList<>(jobs.keySet());
            out.started("stacking " + sources + (resume != null ? " (resuming after " + resume.position() + ")" : ""));
            Map<String, String> merged = new TreeMap<>();
            jobs.values().forEach(j -> merged.putAll(j.objects()));
            StageJob combined = trigger.withObjects(merged).withObjects(trigger.objects());
            List<StackingInputs.ModelInput> inputs = new ArrayList<>();
            Map<String, TopicRange> ranges = new LinkedHashMap<>();
            for (String s : sources) {
                TopicRange range = jobs.get(s).activations();
                ranges.put(s, range);
                inputs.add(new StackingInputs.ModelInput(
                        s, range, vocabulary(combined, s).size()));
            }
            List<MlpModel> open = new ArrayList<>();
            try (StackingInputs data = StackingInputs.build(
                    infra().bootstrap(),
                    run,
                    inputs,
                    infra().workDir().resolve(run).resolve(stage()))) {
                MlpModel[] models = new MlpModel[sources.size()];
                for (int m = 0; m < sources.size(); m++) {
                    models[m] = trainOrReuse(run, config, data, m, ranges);
                    open.add(models[m]);
                    // the run's ablations of this source (RunConfig.ablations; reused when already written)
                    AblationTrainer.runIfAsked(run, config, data, m, models[m], ranges, infra().store(), settings);
                    // the decision thresholds prediction runs use (derived, deterministic: a retry rewrites them)
                    String key = RunPaths.thresholds(run, sources.get(m));
                    if (!infra().store().exists(key)) {
                        infra().store()
                                .putJson(
                                        key,
                                        Thresholds.tune(
                                                run,
                                                data,
                                                m,
                                                models[m],
                                                data.dir().resolve("thresholds")));
                    }
                }
                publish(run, data, models, combined, out, t0);
            } finally {
                open.forEach(MlpModel::close);
            }
        }
    }

    /** Trains source {@code m}'s stacked model, or loads the one an earlier attempt saved for the same inputs. */
    private MlpModel trainOrReuse(
            String run, RunConfig config, StackingInputs data, int m, Map<String, TopicRange> ranges) throws Exception {
        SourceRows rows = data.sources[m];
        String source = rows.source;
        ObjectStore store = infra().store();
        TrainParams p = config.stacked();
        MlpSpec spec = MlpSpec.stacked(data.inputDim(), rows.nLabels).withDropout(p.dropout());
        String paramsKey = RunPaths.modelParams(run, source, ModelKind.STACKED);
        String provKey = RunPaths.provenance(run, source, ModelKind.STACKED);
        Optional<StackedProvenance> earlier = store.getJsonIfExists(provKey, StackedProvenance.class);
        if (earlier.isPresent() && ranges.equals(earlier.get().inputs()) && store.exists(paramsKey)) {
            LOG.infof(
                    "[%s] stacked %s: reusing the model saved at %s for the same inputs",
                    run, source, earlier.get().finished());
            return MlpModel.load(spec, store.get(paramsKey), TrainConfig.resolveDevice(settings.device()));
        }
        if (rows.train.length == 0) {
            throw new IllegalStateException("run " + run + ": no TRAIN track is tagged by " + source);
        }
        if (rows.validation.length == 0) {
            throw new IllegalStateException(
                    "run " + run + ": no VALIDATION track is tagged by " + source + "; early stopping needs some");
        }
        long t0 = System.nanoTime();
        int valBatch = Math.max(256, p.batchSize());
        RowStoreDataset train = RowStoreDataset.builder()
                .features(data.stacked)
                .rows(rows.trackRows(rows.train))
                .labels(rows.labels)
                .labelRows(rows.train)
                .batchSize(p.batchSize())
                .shuffle(true)
                .seed(config.trainingSeed())
                .build();
        RowStoreDataset validation = RowStoreDataset.builder()
                .features(data.stacked)
                .rows(rows.trackRows(rows.validation))
                .labels(rows.labels)
                .labelRows(rows.validation)
                .batchSize(valBatch)
                .shuffle(false)
                .build();
        TrainConfig cfg = TrainConfig.from(p, config.trainingSeed())
                .withDevice(settings.device())
                .withThreads(settings.threads());
        double baseAuc = StackedAuc.base(data, m).macro();
        List<Double> aucs = new ArrayList<>();
        MlpModel model = MlpModel.create(spec, config.trainingSeed(), settings.device());
        try {
            LOG.infof(
                    "[%s] stacked %s: %d inputs (%s) → %d labels; %d train / %d validation tracks",
                    run, source, data.inputDim(), data.models, rows.nLabels, rows.train.length, rows.validation.length);
            TrainResult result = new MlpTrainer(data.dir())
                    .train(
                            model,
                            train,
                            validation,
                            cfg,
                            (report, scores) -> {
                                double auc = scores.macroAuc().macro(); // off heap, label column by label column
                                aucs.add(auc);
                                String line = String.format(
                                        "stacked %s epoch %d/%d: train loss %.5f, val loss %.5f%s, "
                                                + "val macro AUC %.4f, %.1f s",
                                        source,
                                        report.epoch(),
                                        cfg.maxEpochs(),
                                        report.trainLoss(),
                                        report.valLoss(),
                                        report.best() ? " *" : "",
                                        auc,
                                        report.seconds());
                                LOG.infof("[%s] %s", run, line);
                                epochFinished(
                                        run,
                                        source,
                                        report.epoch(),
                                        cfg.maxEpochs(),
                                        report.trainLoss(),
                                        report.valLoss(),
                                        auc,
                                        line);
                            },
                            null);
            // the restored model is the best epoch's: its validation AUC was measured then
            double stackedAuc = result.bestEpoch() >= 1 && result.bestEpoch() <= aucs.size()
                    ? aucs.get(result.bestEpoch() - 1)
                    : StackedAuc.stacked(data, m, model).macro();
            store.put(paramsKey, model.saveParameters(), "application/octet-stream");
            List<StackedProvenance.Epoch> history = new ArrayList<>();
            for (int i = 0; i < result.history().size(); i++) {
                var r = result.history().get(i);
                history.add(new StackedProvenance.Epoch(
                        r.epoch(),
                        r.trainLoss(),
                        r.valLoss(),
                        i < aucs.size() ? aucs.get(i) : Double.NaN,
                        r.seconds(),
                        r.best()));
            }
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("tracks", (long) data.tracks());
            counts.put("tagged", (long) rows.tracks.length);
            counts.put("train", (long) rows.train.length);
            counts.put("validation", (long) rows.validation.length);
            double seconds = (System.nanoTime() - t0) / 1e9;
            StackedProvenance prov = new StackedProvenance(
                    run,
                    source,
                    data.models,
                    data.inputDim(),
                    rows.nLabels,
                    spec.dropout(),
                    p,
                    config.trainingSeed(),
                    result.device(),
                    MlpTrainer.intraOpThreads(),
                    counts,
                    ranges,
                    history,
                    result.bestEpoch(),
                    result.bestValLoss(),
                    result.stoppedEarly(),
                    baseAuc,
                    stackedAuc,
                    seconds,
                    Engine.getDjlVersion(),
                    Engine.getInstance().getEngineName(),
                    Engine.getInstance().getVersion(),
                    Instances.id(),
                    paramsKey,
                    Instant.now());
            store.putJson(provKey, prov);
            Map<String, Long> eventCounts = new LinkedHashMap<>(counts);
            eventCounts.put("epochs", (long) result.epochs());
            eventCounts.put("bestEpoch", (long) result.bestEpoch());
            event(
                    run,
                    source,
                    RunEvent.STACKED_MODEL_FINISHED,
                    String.format(
                            "stacked %s: validation macro AUC base %.4f → stacked %.4f (best epoch %d of %d, %.1f s)",
                            source, baseAuc, stackedAuc, result.bestEpoch(), result.epochs(), seconds),
                    eventCounts,
                    Map.of("params", paramsKey, "provenance", provKey));
            return model;
        } catch (Exception | Error e) {
            model.close();
            throw e;
        }
    }

    /** Publishes every source's predictions and the evaluator job, exactly once, resuming after the last chunk. */
    private void publish(String run, StackingInputs data, MlpModel[] models, StageJob combined, StageRun out, long t0) {
        ExactlyOnceWriter writer = out.writer();
        long skip = out.itemsConsumed();
        long failAfter = settings.failAfterPredictions().orElse(-1);
        boolean inject = failAfter >= 0 && faultInjected.putIfAbsent(run, true) == null;
        int every = Math.max(1, settings.checkpointEvery());
        long pos = 0;
        long sent = 0;
        long sinceCheckpoint = 0;
        long total = 0;
        for (int m = 0; m < models.length; m++) {
            SourceRows rows = data.sources[m];
            int n = rows.nLabels;
            int[] tracks = rows.tracks;
            total += tracks.length;
            for (int from = 0; from < tracks.length; from += PREDICT_CHUNK) {
                int k = Math.min(PREDICT_CHUNK, tracks.length - from);
                if (pos + k <= skip) {
                    pos += k;
                    continue;
                }
                float[] y = models[m].predict(data.stackedRows(tracks, from, k), k);
                for (int i = 0; i < k; i++) {
                    if (pos < skip) {
                        pos++;
                        continue;
                    }
                    if (inject && sent >= failAfter) {
                        throw new IllegalStateException("injected fault after " + failAfter
                                + " predictions (genrestack.stacker.fail-after-predictions)");
                    }
                    int t = tracks[from + i];
                    TrackPredictions tp = new TrackPredictions(
                            run,
                            data.mbids[t],
                            rows.source,
                            data.split(t),
                            rows.labelIndices(from + i),
                            data.baseScores(m, t),
                            Arrays.copyOfRange(y, i * n, (i + 1) * n));
                    writer.send(Topics.PREDICTIONS, tp.mbid(), Json.bytes(tp));
                    writer.count(rows.source + "." + tp.split().name().toLowerCase(java.util.Locale.ROOT), 1);
                    pos++;
                    sent++;
                    if (++sinceCheckpoint >= every) {
                        writer.checkpoint(ProgressMark.items(pos));
                        sinceCheckpoint = 0;
                    }
                }
            }
        }
        writer.flush();
        TopicRange output = writer.outputRange(Topics.PREDICTIONS);
        if (output.expectedRecords() != total) {
            throw new IllegalStateException(
                    "run " + run + ": " + output.expectedRecords() + " predictions committed, expected " + total);
        }
        StageJob next = combined;
        for (String s : data.models) {
            next = next.withModel(s, ModelKind.STACKED, RunPaths.modelParams(run, s, ModelKind.STACKED));
        }
        StageJob evaluator = next.next(Topics.STAGE_EVALUATOR, StageJob.ALL, StageJob.PREDICTIONS, output);
        out.handOver(evaluator, ProgressMark.items(pos));
        count("published", sent);
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String s : data.models) {
            counts.put(s + ".train", writer.count(s + ".train"));
            counts.put(s + ".validation", writer.count(s + ".validation"));
        }
        counts.put("predictions", output.expectedRecords());
        out.event(
                RunEvent.PREDICTIONS_FINISHED,
                String.format(
                        "published %d predictions of %d sources (%d in this attempt) in %.1f s",
                        output.expectedRecords(), data.models.size(), sent, (System.nanoTime() - t0) / 1e9),
                counts,
                Map.of());
    }
}
