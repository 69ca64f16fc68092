package io.genrestack.trainer;

import ai.djl.engine.Engine;
import io.genrestack.common.Topics;
import io.genrestack.common.io.PathTrees;
import io.genrestack.common.kafka.ExactlyOncePass;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.model.LabelVocabulary;
import io.genrestack.common.model.ModelKind;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.ScaledFeatures;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackActivations;
import io.genrestack.common.model.TrainParams;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.ml.ColumnAuc;
import io.genrestack.ml.FloatRowStore;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The trainer's job for one (run, source): materialise the source's train and validation rows of the run's
 * {@code scaled-features} range into memory-mapped float32 files on local disk; train the paper's MLP (DJL,
 * PyTorch engine) with early stopping on validation loss, checkpointing every epoch to object storage (a restarted
 * trainer resumes there); store parameters and provenance; then publish, exactly once, the 256-d hidden activations
 * (inference mode) and the sigmoid scores of EVERY track of the run, and, in the same last transaction, the
 * stacker's job for this source.
 */
@ApplicationScoped
public class TrainerStage extends StageTemplate {
    private static final Logger LOG = Logger.getLogger(TrainerStage.class);
    public static final String STEP = "activations";

    @Inject
    TrainerSettings settings;

    @Override
    public String stage() {
        return Topics.STAGE_TRAINER;
    }

    /**
     * The materialised rows of a source. The row files hold the tracks in arrival order, which depends on how the
     * reader interleaves partitions; {@code trainOrder}/{@code validationOrder} list the rows in MBID order, and
     * training iterates (and shuffles) that canonical order, so the same seed gives the same model in every run and
     * after a restart (docs/reliability.md).
     */
    record Materialised(
            int inputDim,
            int train,
            int validation,
            long runRecords,
            Path dir,
            int[] trainOrder,
            int[] validationOrder) {}

    @Override
    public void handle(StageJob job) throws Exception {
        String run = job.runId();
        String source = job.unit();
        TopicRange input = job.features();
        try (StageRun step = open(job, source, STEP)) {
            if (step.alreadyDone()) {
                return;
            }
            LabelVocabulary labels = vocabulary(job, source);
            step.started(
                    "training the " + source + " base model (" + labels.size() + " labels) on " + settings.device());
            ExactlyOnceWriter writer = step.writer();
            Path dir = infra().workDir().resolve(run).resolve("trainer").resolve(source);
            Materialised m = materialise(run, source, input, labels.size(), dir);
            TrainParams p = job.config().base();
            MlpSpec spec = new MlpSpec(m.inputDim(), p.hidden(), labels.size(), p.dropout(), 0.05);
            TrainConfig cfg = TrainConfig.from(p, job.config().trainingSeed())
                    .withDevice(settings.device())
                    .withThreads(settings.threads());
            String paramsKey = RunPaths.modelParams(run, source, ModelKind.BASE);
            MlpModel model;
            BaseProvenance provenance;
            if (writer.resumePoint() != null && infra().store().exists(paramsKey)) {
                // training finished before a crash during publishing: reuse the stored model
                model = MlpModel.load(spec, infra().store().get(paramsKey), cfg.resolveDevice());
                provenance = null;
            } else {
                model = MlpModel.create(spec, job.config().trainingSeed(), cfg.resolveDevice());
                provenance = train(job, source, model, spec, cfg, m, labels);
                infra().store().put(paramsKey, model.saveParameters(), "application/octet-stream");
                infra().store().putJson(RunPaths.provenance(run, source, ModelKind.BASE), provenance);
                step.event(
                        RunEvent.BASE_MODEL_FINISHED,
                        String.format(
                                "%s base model: best epoch %s, validation macro AUC %.4f",
                                source, provenance.bestEpoch(), provenance.bestValidationMacroAuc()),
                        Map.of("train", (long) m.train(), "validation", (long) m.validation()),
                        Map.of("params", paramsKey, "provenance", RunPaths.provenance(run, source, ModelKind.BASE)));
            }
            try (model) {
                publishActivations(job, source, model, input, step);
            }
            writer.flush();
            TopicRange out = writer.outputRange(Topics.ACTIVATIONS);
            if (out.expectedRecords() != m.runRecords()) {
                throw new IllegalStateException(
                        "published " + out.expectedRecords() + " activations for " + m.runRecords() + " tracks");
            }
            StageJob next = job.withModel(source, ModelKind.BASE, paramsKey)
                    .next(Topics.STAGE_STACKER, source, StageJob.ACTIVATIONS, out);
            step.handOver(next, ExactlyOncePass.end(input));
            count("published", out.expectedRecords());
            step.event(
                    RunEvent.ACTIVATIONS_FINISHED,
                    "published " + out.expectedRecords() + " activation records of the " + source + " model",
                    Map.of("activations", out.expectedRecords()),
                    Map.of("params", paramsKey));
            PathTrees.deleteRecursively(dir);
        }
    }

    /** Writes the source's train/validation rows (features + multi-hot labels) to float32 files; counts the run. */
    Materialised materialise(String run, String source, TopicRange input, int nLabels, Path dir) throws Exception {
        PathTrees.deleteRecursively(dir);
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        FloatRowStore.Writer[] w = new FloatRowStore.Writer[4]; // trainX, trainY, valX, valY
        int[] dim = {-1};
        long[] counts = new long[3]; // run records, train, validation
        List<String> trainMbids = new ArrayList<>();
        List<String> valMbids = new ArrayList<>();
        try {
            RangeReader.read(infra().bootstrap(), input, r -> {
                ScaledFeatures s = Json.read(r.value(), ScaledFeatures.class);
                if (!run.equals(s.runId())) {
                    return;
                }
                counts[0]++;
                List<Integer> idx = s.labels().get(source);
                if (idx == null) {
                    return; // not tagged by this source: activations only
                }
                if (dim[0] < 0) {
                    dim[0] = s.features().length;
                    w[0] = FloatRowStore.create(dir.resolve("train-x.f32"), dim[0]);
                    w[1] = FloatRowStore.create(dir.resolve("train-y.f32"), nLabels);
                    w[2] = FloatRowStore.create(dir.resolve("val-x.f32"), dim[0]);
                    w[3] = FloatRowStore.create(dir.resolve("val-y.f32"), nLabels);
                }
                float[] y = new float[nLabels];
                for (int i : idx) {
                    y[i] = 1f;
                }
                int side = s.split() == Split.TRAIN ? 0 : 2;
                w[side].append(s.features());
                w[side + 1].append(y);
                (side == 0 ? trainMbids : valMbids).add(s.mbid());
                counts[s.split() == Split.TRAIN ? 1 : 2]++;
            });
        } finally {
            for (FloatRowStore.Writer x : w) {
                if (x != null) {
                    x.close();
                }
            }
        }
        if (counts[0] != input.expectedRecords()) {
            throw new IllegalStateException("run " + run + ": the scaler announced " + input.expectedRecords()
                    + " records but the range holds " + counts[0] + "; refusing to train on a partial set");
        }
        if (counts[1] == 0 || counts[2] == 0) {
            throw new IllegalStateException("run " + run + ": source " + source + " has " + counts[1] + " train and "
                    + counts[2] + " validation tracks; both are needed (training and early stopping)");
        }
        LOG.infof(
                "[%s] %s: materialised %d train + %d validation rows × %d features in %.1f s (%s)",
                run, source, counts[1], counts[2], dim[0], (System.nanoTime() - t0) / 1e9, dir);
        return new Materialised(
                dim[0], (int) counts[1], (int) counts[2], counts[0], dir, mbidOrder(trainMbids), mbidOrder(valMbids));
    }

    /** Row numbers sorted by MBID. */
    static int[] mbidOrder(List<String> mbids) {
        Integer[] idx = new Integer[mbids.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, java.util.Comparator.comparing(mbids::get));
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    private BaseProvenance train(
            StageJob job,
            String source,
            MlpModel model,
            MlpSpec spec,
            TrainConfig cfg,
            Materialised m,
            LabelVocabulary labels)
            throws Exception {
        String run = job.runId();
        List<BaseProvenance.Epoch> history = new ArrayList<>();
        double[] bestAuc = {Double.NaN};
        try (FloatRowStore trainX = FloatRowStore.open(m.dir().resolve("train-x.f32"));
                FloatRowStore trainY = FloatRowStore.open(m.dir().resolve("train-y.f32"));
                FloatRowStore valX = FloatRowStore.open(m.dir().resolve("val-x.f32"));
                FloatRowStore valY = FloatRowStore.open(m.dir().resolve("val-y.f32"))) {
            int[] valOrder = m.validationOrder();
            RowStoreDataset train = RowStoreDataset.builder()
                    .features(trainX)
                    .labels(trainY)
                    .rows(m.trainOrder())
                    .batchSize(cfg.batchSize())
                    .shuffle(true)
                    .seed(cfg.seed())
                    .build();
            RowStoreDataset val = RowStoreDataset.builder()
                    .features(valX)
                    .labels(valY)
                    .rows(valOrder)
                    .batchSize(cfg.batchSize())
                    .shuffle(false)
                    .build();
            long t0 = System.nanoTime();
            TrainResult result = new MlpTrainer(m.dir())
                    .train(
                            model,
                            train,
                            val,
                            cfg,
                            (report, valScores) -> {
                                ColumnAuc.MacroAuc auc = valScores.macroAuc(); // off heap, label column by label column
                                if (report.best()) {
                                    bestAuc[0] = auc.macro();
                                }
                                history.add(new BaseProvenance.Epoch(
                                        report.epoch(),
                                        report.trainLoss(),
                                        report.valLoss(),
                                        auc.macro(),
                                        report.samplesPerSecond(),
                                        report.seconds()));
                                double elapsed = (System.nanoTime() - t0) / 1e9;
                                String line = String.format(
                                        "%s epoch %d/%d: train loss %.4f, val loss %.4f, val macro AUC %.4f, "
                                                + "%.0f samples/s, %.1f s/epoch%s",
                                        source,
                                        report.epoch(),
                                        cfg.maxEpochs(),
                                        report.trainLoss(),
                                        report.valLoss(),
                                        auc.macro(),
                                        report.samplesPerSecond(),
                                        report.seconds(),
                                        report.best() ? " (best)" : "");
                                LOG.infof(
                                        "[%s] %s (elapsed %.0f s, at most %.0f s left)",
                                        run, line, elapsed, report.seconds() * (cfg.maxEpochs() - report.epoch()));
                                epochFinished(
                                        run,
                                        source,
                                        report.epoch(),
                                        cfg.maxEpochs(),
                                        report.trainLoss(),
                                        report.valLoss(),
                                        auc.macro(),
                                        line);
                            },
                            new ObjectStoreCheckpointer(
                                    infra().store(), RunPaths.checkpoints(run, source, ModelKind.BASE)));
            return new BaseProvenance(
                    run,
                    source,
                    ModelKind.BASE,
                    spec,
                    model.parameterCount(),
                    cfg,
                    cfg.seed(),
                    labels.size(),
                    m.train(),
                    m.validation(),
                    job.features(),
                    job.manifest(),
                    job.stats(),
                    result.bestEpoch(),
                    result.bestValLoss(),
                    bestAuc[0],
                    result.stoppedEarly(),
                    result.resumedFromEpoch(),
                    history,
                    result.device(),
                    Engine.getInstance().getEngineName() + " "
                            + Engine.getInstance().getVersion(),
                    Engine.getDjlVersion(),
                    System.getProperty("java.version"),
                    result.seconds(),
                    Instant.now().toString());
        }
    }

    /** Pass 2: hidden activations and scores of every track of the run, in batches, exactly once. */
    private void publishActivations(StageJob job, String source, MlpModel model, TopicRange input, StageRun out)
            throws Exception {
        ExactlyOnceWriter writer = out.writer();
        String run = job.runId();
        int batch = settings.inferenceBatch();
        int every = Math.max(batch, settings.checkpointEvery() / batch * batch);
        List<ScaledFeatures> buffer = new ArrayList<>(batch);
        long t0 = System.nanoTime();
        ExactlyOncePass.ThrowingRunnable flush = () -> {
            if (buffer.isEmpty()) {
                return;
            }
            int dim = buffer.get(0).features().length;
            float[] x = new float[buffer.size() * dim];
            for (int i = 0; i < buffer.size(); i++) {
                System.arraycopy(buffer.get(i).features(), 0, x, i * dim, dim);
            }
            float[] hidden = model.hidden(x, buffer.size());
            float[] scores = model.predict(x, buffer.size());
            int h = model.spec().hiddenDim();
            int n = model.spec().nLabels();
            for (int i = 0; i < buffer.size(); i++) {
                ScaledFeatures s = buffer.get(i);
                TrackActivations a = new TrackActivations(
                        run,
                        s.mbid(),
                        source,
                        s.split(),
                        s.labels(),
                        java.util.Arrays.copyOfRange(hidden, i * h, (i + 1) * h),
                        java.util.Arrays.copyOfRange(scores, i * n, (i + 1) * n));
                writer.send(Topics.ACTIVATIONS, s.mbid(), Json.bytes(a));
            }
            buffer.clear();
        };
        out.pass(
                input,
                every,
                r -> {
                    ScaledFeatures s = Json.read(r.value(), ScaledFeatures.class);
                    if (!run.equals(s.runId())) {
                        return;
                    }
                    buffer.add(s);
                    if (buffer.size() >= batch) {
                        flush.run();
                    }
                },
                flush);
        LOG.infof("[%s] %s: activations published in %.1f s", run, source, (System.nanoTime() - t0) / 1e9);
    }
}
