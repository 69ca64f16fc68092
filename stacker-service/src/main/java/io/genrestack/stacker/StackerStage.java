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
import jakarta.annotation.PreDestroy;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stacker's jobs. The trainer sends one job per source once that source's base model has published the hidden
 * activations of every track of the run. Each job is recorded under {@code state/stacker/<source>/input.json}; the
 * one that finds every source of the run (the job's {@code labels.*} objects) recorded hands over one model job per
 * source ({@link StageJob#stackModelUnit}), spread over the {@code stacker-jobs} partitions so that up to four
 * instances train a run's models at once. A model job materialises the activations on disk ({@link StackingInputs}),
 * trains (or reuses) its source's {@code Dropout → Dense(n)} model on the L2-normalised, concatenated activations of
 * all base models (train tracks tagged by the source, early stopping on its validation tracks), saves it with
 * provenance and decision thresholds (the evaluator's rule on its train predictions, {@link Thresholds}, for
 * prediction runs), records it done ({@link StackedModelDone}) and sends a publish job. The first publish job that
 * finds every model done loads them and publishes one {@link TrackPredictions} per source × tagged track exactly
 * once, followed in the last transaction by the evaluator's job.
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

    /** Exactly-once step of the hand-over of a run's model jobs (unit {@code all}). */
    public static final String MODELS_STEP = "model-jobs";

    /** Exactly-once step of a model job (unit {@code model-<source>}). */
    public static final String MODEL_STEP = "model";

    /** File name of a model recorded done under {@link RunPaths#stageState} ({@link StackedModelDone}). */
    public static final String MODEL = "model.json";

    static final int PREDICT_CHUNK = 1024;

    /** One run's materialised inputs kept between this instance's jobs of the run. */
    private record Cached(String run, Map<String, TopicRange> ranges, StackingInputs data) {}

    private final Object cacheLock = new Object();
    private Cached cached;
    private final AtomicInteger builds = new AtomicInteger();
    private final ScheduledExecutorService evictor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stacker-inputs-evictor");
        t.setDaemon(true);
        return t;
    });

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
            dropCachedInputs();
            predict(job);
            return;
        }
        String source = StageJob.stackModelSource(job.unit());
        if (source != null) {
            model(job, source);
        } else if (StageJob.ALL.equals(job.unit())) {
            publish(job);
        } else {
            record(job);
        }
    }

    /**
     * An input job (unit = a source, from the trainer): recorded under {@code state/stacker/<source>/input.json};
     * when every source of the run has one, one model job per source is handed over, once (step {@link #MODELS_STEP}
     * of unit {@code all}). Input jobs of a run share its home slot, so one instance takes them one after the other.
     */
    private void record(StageJob job) {
        String run = job.runId();
        String unit = job.unit();
        job.activations(); // required
        List<String> expected = expectedSources(job);
        if (!expected.contains(unit)) {
            throw new IllegalArgumentException("stacker job " + job.key() + " is for source '" + unit
                    + "' but the run's label vocabularies are " + expected);
        }
        infra().store().putJson(RunPaths.stageState(run, stage(), unit, INPUT), job);
        Map<String, StageJob> jobs = new LinkedHashMap<>();
        List<String> waiting = recorded(run, expected, job, jobs);
        if (!waiting.isEmpty()) {
            LOG.infof("[%s] stacker input of %s recorded; waiting for %s", run, unit, waiting);
            return;
        }
        try (StageRun out = open(job, StageJob.ALL, MODELS_STEP)) {
            if (out.alreadyDone()) {
                return;
            }
            StageJob combined = combined(jobs);
            List<StageJob> models = new ArrayList<>();
            for (String s : jobs.keySet()) {
                models.add(StageJob.of(
                        run, stage(), StageJob.stackModelUnit(s), combined.config(), Map.of(), combined.objects()));
            }
            LOG.infof("[%s] every stacker input recorded; handing over the model jobs of %s", run, jobs.keySet());
            out.handOver(models, ProgressMark.items(models.size()));
        }
    }

    /**
     * The recorded input jobs of {@code expected} into {@code jobs} ({@code job} for its own source); returns the
     * sources that have none yet.
     */
    private List<String> recorded(String run, List<String> expected, StageJob job, Map<String, StageJob> jobs) {
        ObjectStore store = infra().store();
        List<String> waiting = new ArrayList<>();
        for (String s : expected) {
            Optional<StageJob> j = job != null && s.equals(job.unit())
                    ? Optional.of(job)
                    : store.getJsonIfExists(RunPaths.stageState(run, stage(), s, INPUT), StageJob.class);
            if (j.isPresent()) {
                jobs.put(s, j.get());
            } else {
                waiting.add(s);
            }
        }
        return waiting;
    }

    /** Every recorded input job of the run (a model or publish job comes only after all are recorded). */
    private Map<String, StageJob> recorded(StageJob job) {
        Map<String, StageJob> jobs = new LinkedHashMap<>();
        List<String> missing = recorded(job.runId(), expectedSources(job), null, jobs);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("stacker job " + job.key() + ": no recorded input of " + missing + " under "
                    + RunPaths.stageState(job.runId(), stage(), missing.get(0), INPUT));
        }
        return jobs;
    }

    /** The input jobs' objects merged (the same for every source but its own base model), the config of the first. */
    private static StageJob combined(Map<String, StageJob> jobs) {
        Map<String, String> merged = new TreeMap<>();
        jobs.values().forEach(j -> merged.putAll(j.objects()));
        return jobs.values().iterator().next().withObjects(merged);
    }

    /** The activations range of each source's input job, in source order. */
    private static Map<String, TopicRange> ranges(Map<String, StageJob> jobs) {
        Map<String, TopicRange> ranges = new LinkedHashMap<>();
        jobs.forEach((s, j) -> ranges.put(s, j.activations()));
        return ranges;
    }

    /**
     * A model job ({@code model-<source>}): the run's inputs materialised (or this instance's copy from its previous
     * job of the run), the source's stacked model trained or reused ({@link #trainOrReuse}), its ablations when the
     * run asks for them ({@link AblationTrainer}), its thresholds stored,
     * the model recorded done ({@code state/stacker/<source>/model.json}), and a publish job (unit {@code all})
     * handed over in the step's one transaction. Every model job sends one; the first that finds every model recorded
     * publishes, the others do nothing.
     */
    private void model(StageJob job, String source) throws Exception {
        String run = job.runId();
        try (StageRun out = open(job, MODEL_STEP)) {
            if (out.alreadyDone()) {
                return;
            }
            Map<String, StageJob> jobs = recorded(job);
            List<String> sources = new ArrayList<>(jobs.keySet());
            int m = sources.indexOf(source);
            if (m < 0) {
                throw new IllegalArgumentException("stacker job " + job.key() + " is for source '" + source
                        + "' but the run's label vocabularies are " + sources);
            }
            StageJob combined = combined(jobs);
            Map<String, TopicRange> ranges = ranges(jobs);
            StackingInputs data = acquireInputs(run, combined, ranges);
            try {
                try (MlpModel model = trainOrReuse(run, combined.config(), data, m, ranges)) {
                    // the run's ablations of this source (RunConfig.ablations; reused when already written)
                    AblationTrainer.runIfAsked(
                            run, combined.config(), data, m, model, ranges, infra().store(), settings);
                    // the decision thresholds prediction runs use (derived, deterministic: a retry rewrites them)
                    String key = RunPaths.thresholds(run, source);
                    if (!infra().store().exists(key)) {
                        infra().store()
                                .putJson(
                                        key,
                                        Thresholds.tune(
                                                run, data, m, model, data.dir().resolve("thresholds")));
                    }
                }
                infra().store()
                        .putJson(
                                RunPaths.stageState(run, stage(), source, MODEL),
                                new StackedModelDone(
                                        run,
                                        source,
                                        ranges,
                                        RunPaths.modelParams(run, source, ModelKind.STACKED),
                                        Instances.id(),
                                        Instant.now()));
            } finally {
                releaseInputs(run, ranges, data, true); // for this instance's next job of the run, or a retry
            }
            out.handOver(
                    StageJob.of(run, stage(), StageJob.ALL, combined.config(), Map.of(), combined.objects()),
                    ProgressMark.items(1));
        }
    }

    /**
     * A publish job (unit {@code all}, sent by every model job, on the run's home slot): when every source's model is
     * recorded done for the run's inputs, the saved models are loaded and the predictions and the evaluator's job
     * published exactly once (step {@link #STEP}, resuming after its last committed chunk); before that it does
     * nothing (a later publish job publishes).
     */
    private void publish(StageJob job) throws Exception {
        String run = job.runId();
        try (StageRun out = open(job, StageJob.ALL, STEP)) {
            if (out.alreadyDone()) {
                return;
            }
            Map<String, StageJob> jobs = recorded(job);
            Map<String, TopicRange> ranges = ranges(jobs);
            List<String> sources = new ArrayList<>(jobs.keySet());
            List<String> pending = new ArrayList<>();
            List<String> instances = new ArrayList<>();
            for (String s : sources) {
                Optional<StackedModelDone> done = infra().store()
                        .getJsonIfExists(RunPaths.stageState(run, stage(), s, MODEL), StackedModelDone.class);
                if (done.isEmpty() || !ranges.equals(done.get().inputs())) {
                    pending.add(s);
                } else {
                    instances.add(s + "@" + done.get().instance());
                }
            }
            if (!pending.isEmpty()) {
                LOG.infof("[%s] stacked models of %s not done yet; a later publish job publishes", run, pending);
                return;
            }
            ProgressMark resume = out.resumePoint();
            long t0 = System.nanoTime();
            out.started("stacking " + sources + " (models " + instances + ")"
                    + (resume != null ? " (resuming after " + resume.position() + ")" : ""));
            StageJob combined = combined(jobs).withObjects(job.objects());
            StackingInputs data = acquireInputs(run, combined, ranges);
            List<MlpModel> models = new ArrayList<>();
            boolean published = false;
            try {
                for (int m = 0; m < sources.size(); m++) {
                    String key = RunPaths.modelParams(run, sources.get(m), ModelKind.STACKED);
                    models.add(MlpModel.load(
                            spec(combined.config(), data, m),
                            infra().store().get(key),
                            TrainConfig.resolveDevice(settings.device())));
                }
                publish(run, data, models.toArray(new MlpModel[0]), combined, out, t0);
                published = true;
            } finally {
                models.forEach(MlpModel::close);
                releaseInputs(run, ranges, data, !published); // kept for a retry, deleted once published
            }
        }
    }

    /** The stacked model's shape for source {@code m}: {@code Dropout → Dense(n)} on the stacked input. */
    private static MlpSpec spec(RunConfig config, StackingInputs data, int m) {
        return MlpSpec.stacked(data.inputDim(), data.sources[m].nLabels)
                .withDropout(config.stacked().dropout());
    }

    /**
     * The run's stacking inputs: the copy this instance kept from its previous job of the same run and inputs
     * ({@code keep-inputs-seconds}), else materialised now ({@link StackingInputs}). The caller owns it until
     * {@link #releaseInputs}.
     */
    private StackingInputs acquireInputs(String run, StageJob combined, Map<String, TopicRange> ranges)
            throws Exception {
        synchronized (cacheLock) {
            if (cached != null && cached.run().equals(run) && cached.ranges().equals(ranges)) {
                StackingInputs data = cached.data();
                cached = null;
                LOG.infof("[%s] stacker inputs: reusing this instance's materialised copy", run);
                return data;
            }
        }
        dropCachedInputs(); // another run's: one copy at most, on disk and in heap
        List<StackingInputs.ModelInput> inputs = new ArrayList<>();
        for (Map.Entry<String, TopicRange> e : ranges.entrySet()) {
            inputs.add(new StackingInputs.ModelInput(
                    e.getKey(), e.getValue(), vocabulary(combined, e.getKey()).size()));
        }
        Path dir = infra().workDir().resolve(run).resolve(stage()).resolve("inputs-" + builds.incrementAndGet());
        return StackingInputs.build(infra().bootstrap(), run, inputs, dir);
    }

    /**
     * Keeps {@code data} for this instance's next job of the run ({@code keep}: deleted after
     * {@code keep-inputs-seconds} without one, or when this instance materialises another run or runs a prediction
     * job), or deletes it now.
     */
    private void releaseInputs(String run, Map<String, TopicRange> ranges, StackingInputs data, boolean keep) {
        int seconds = settings.keepInputsSeconds();
        if (keep && seconds > 0) {
            Cached c = new Cached(run, ranges, data);
            Cached old;
            synchronized (cacheLock) {
                old = cached;
                cached = c;
            }
            if (old != null) {
                old.data().close();
            }
            evictor.schedule(
                    () -> {
                        synchronized (cacheLock) {
                            if (cached != c) {
                                return;
                            }
                            cached = null;
                        }
                        LOG.infof("[%s] stacker inputs: no further job of the run within %d s; deleted", run, seconds);
                        c.data().close();
                    },
                    seconds,
                    TimeUnit.SECONDS);
        } else {
            data.close();
        }
    }

    private void dropCachedInputs() {
        Cached old;
        synchronized (cacheLock) {
            old = cached;
            cached = null;
        }
        if (old != null) {
            old.data().close();
        }
    }

    @PreDestroy
    void close() {
        evictor.shutdownNow();
        dropCachedInputs();
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

    /** Trains source {@code m}'s stacked model, or loads the one an earlier attempt saved for the same inputs. */
    private MlpModel trainOrReuse(
            String run, RunConfig config, StackingInputs data, int m, Map<String, TopicRange> ranges) throws Exception {
        SourceRows rows = data.sources[m];
        String source = rows.source;
        ObjectStore store = infra().store();
        TrainParams p = config.stacked();
        MlpSpec spec = spec(config, data, m);
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
