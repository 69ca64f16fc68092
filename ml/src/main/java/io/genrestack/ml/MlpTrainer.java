package io.genrestack.ml;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.loss.Loss;
import ai.djl.translate.TranslateException;
import io.genrestack.common.io.PathTrees;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Trains an {@link MlpModel} the way the paper's Keras code does: binary cross-entropy on sigmoid outputs (computed
 * on logits), Adam, mini-batches, early stopping on validation loss with patience, and the best epoch's parameters
 * restored at the end. Saves a {@link Checkpoint} after every epoch and resumes from the checkpointer's latest one.
 *
 * <p>Determinism: initial weights come from {@link MlpModel#create}'s seeded Java RNG; before each epoch the engine's
 * RNG (dropout masks) is reseeded from {@code (seed, epoch)}, and a {@link RowStoreDataset} is told the epoch so its
 * shuffle depends only on {@code (seed, epoch)}. Together with the saved Adam state, a resumed run repeats the
 * uninterrupted run exactly on the CPU. Reseeding touches the engine-global RNG: do not train two models concurrently
 * in one JVM if you need reproducibility.
 *
 * <p>Memory: each batch is closed after its step, per-epoch accumulators live in a sub-manager, and the DJL
 * {@link Trainer} and optimizer state are closed before returning. Native memory is batch-sized. The heap holds no
 * per-sample data: the validation scores of an epoch go batch by batch to a memory-mapped {@link ValidationScores}
 * file pair, which the listener reads (e.g. {@link ValidationScores#macroAuc()}, label column by label column).
 */
public final class MlpTrainer {

    private static final Logger LOG = Logger.getLogger(MlpTrainer.class);

    private final Path scratch;

    /** A trainer whose per-epoch validation files go to the system's temporary directory. */
    public MlpTrainer() {
        this(Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * A trainer whose per-epoch {@link ValidationScores} files go to a fresh sub-directory of {@code scratch} (created
     * if needed, deleted when {@link #train} returns); they take 8 bytes per validation sample × label.
     */
    public MlpTrainer(Path scratch) {
        this.scratch = scratch;
    }

    /**
     * Trains {@code model} in place.
     *
     * @param model model to train; on return it holds the best epoch's parameters
     * @param train training batches (shuffled as the dataset decides; {@link RowStoreDataset} recommended)
     * @param validation validation batches in a fixed order (no shuffle): the scores passed to the listener follow it
     * @param cfg optimiser and loop settings; its device must be the model's device
     * @param listener per-epoch callback, or null
     * @param checkpointer where to save/resume checkpoints, or null for none
     */
    public TrainResult train(
            MlpModel model,
            Dataset train,
            Dataset validation,
            TrainConfig cfg,
            EpochListener listener,
            Checkpointer checkpointer)
            throws IOException, TranslateException {
        long t0 = System.nanoTime();
        EpochListener lis = listener == null ? EpochListener.none() : listener;
        Checkpointer ckp = checkpointer == null ? Checkpointer.none() : checkpointer;
        Device device = model.device();
        Device requested = cfg.resolveDevice();
        if (!requested.equals(device)) {
            throw new IllegalArgumentException("model lives on " + device + " but the config asks for " + requested
                    + "; create the model with MlpModel.create(spec, seed, cfg.device())");
        }
        configureThreads(cfg.threads());
        LOG.infof(
                "training %s on %s (engine %s %s, %d intra-op threads): %d parameters, batch %d, lr %g, "
                        + "max %d epochs, patience %d",
                describe(model.spec()),
                device,
                Engine.getInstance().getEngineName(),
                Engine.getInstance().getVersion(),
                intraOpThreads(),
                model.parameterCount(),
                cfg.batchSize(),
                cfg.lr(),
                cfg.maxEpochs(),
                cfg.patience());

        TrainState state = TrainState.initial();
        byte[] bestParams = null;
        byte[] optimizerState = null;
        Optional<Checkpoint> resume = ckp.latest();
        if (resume.isPresent()) {
            Checkpoint cp = resume.get();
            model.loadParameters(cp.params());
            state = cp.state();
            bestParams = cp.bestParams();
            optimizerState = cp.optimizerState();
            LOG.infof(
                    "resuming after epoch %d (best %.5f at epoch %d, %d epochs without improvement, "
                            + "optimizer state %s)",
                    cp.epoch(),
                    state.bestValLoss(),
                    state.bestEpoch(),
                    state.epochsWithoutImprovement(),
                    optimizerState == null ? "absent: Adam moments restart from zero" : "restored");
        }
        int resumedFrom = state.epoch();
        List<EpochReport> history = new ArrayList<>(state.history());
        int featureDim = model.spec().inputDim();
        Files.createDirectories(scratch);
        Path epochDir = Files.createTempDirectory(scratch, "validation-");

        try (ResumableAdam adam = new ResumableAdam(cfg, model.djlModel().getNDManager())) {
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss())
                    .optOptimizer(adam)
                    .optDevices(new Device[] {device});
            try (Trainer trainer = model.djlModel().newTrainer(tc)) {
                trainer.initialize(new Shape(cfg.batchSize(), featureDim)); // keeps existing weights, enables gradients
                if (optimizerState != null) {
                    adam.importState(optimizerState, model.parameters());
                }
                while (state.epoch() < cfg.maxEpochs() && state.epochsWithoutImprovement() < cfg.patience()) {
                    int epoch = state.epoch() + 1;
                    long e0 = System.nanoTime();
                    Engine.getInstance().setRandomSeed(epochSeed(cfg.seed(), epoch));
                    if (train instanceof RowStoreDataset rs) {
                        rs.setEpoch(epoch - 1);
                    }
                    double[] tr = trainEpoch(trainer, train);
                    double trainSeconds = (System.nanoTime() - e0) / 1e9;
                    ValidationScores.Writer out = lis.wantsScores()
                            ? new ValidationScores.Writer(epochDir, model.spec().nLabels())
                            : null;
                    ValidationScores scores = null;
                    try {
                        double valLoss = validate(trainer, validation, out);
                        scores = out == null ? null : out.finish();
                        double seconds = (System.nanoTime() - e0) / 1e9;

                        boolean improved = valLoss < state.bestValLoss();
                        byte[] params = model.saveParameters();
                        if (improved) bestParams = params;
                        EpochReport report =
                                new EpochReport(epoch, tr[0], valLoss, tr[1] / trainSeconds, seconds, improved);
                        history.add(report);
                        state = improved
                                ? new TrainState(epoch, epoch, valLoss, 0, history)
                                : new TrainState(
                                        epoch,
                                        state.bestEpoch(),
                                        state.bestValLoss(),
                                        state.epochsWithoutImprovement() + 1,
                                        history);
                        ckp.save(
                                new Checkpoint(epoch, params, bestParams, state, adam.exportState(model.parameters())));
                        logEpoch(cfg, state, report, history, resumedFrom);
                        lis.onEpoch(report, scores);
                    } finally {
                        if (out != null) {
                            out.close();
                        }
                        if (scores != null) {
                            scores.close();
                        }
                    }
                }
            }
        } finally {
            PathTrees.deleteRecursively(epochDir);
        }
        boolean stoppedEarly = state.epochsWithoutImprovement() >= cfg.patience();
        if (bestParams != null) {
            model.loadParameters(bestParams);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.infof(
                "training done: %d epochs%s, best epoch %d (val loss %.5f) restored, %.1f s",
                state.epoch(), stoppedEarly ? " (early stop)" : "", state.bestEpoch(), state.bestValLoss(), seconds);
        return new TrainResult(
                state.bestEpoch(), state.bestValLoss(), history, stoppedEarly, resumedFrom, seconds, device.toString());
    }

    /** One pass over the training data; returns {mean loss, samples}. */
    private static double[] trainEpoch(Trainer trainer, Dataset train) throws IOException, TranslateException {
        long samples = 0;
        try (NDManager epochManager = trainer.getManager().newSubManager()) {
            NDArray lossSum = epochManager.zeros(new Shape(), DataType.FLOAT32);
            for (Batch batch : train.getData(trainer.getManager())) {
                try (batch) {
                    NDArray loss;
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDList logits = trainer.forward(batch.getData());
                        loss = trainer.getLoss().evaluate(batch.getLabels(), logits);
                        collector.backward(loss);
                    }
                    trainer.step();
                    // outside the collector: no autograd graph is attached to the running sum
                    lossSum.addi(loss.mul(batch.getSize()));
                    samples += batch.getSize();
                }
            }
            double mean = samples == 0 ? Double.NaN : lossSum.getFloat() / (double) samples;
            return new double[] {mean, samples};
        }
    }

    /**
     * Validation loss (dropout off); with {@code out}, appends each batch's sigmoid scores and labels to it, in
     * iteration order (off the heap: only one batch is copied at a time).
     */
    private static double validate(Trainer trainer, Dataset validation, ValidationScores.Writer out)
            throws IOException, TranslateException {
        long samples = 0;
        try (NDManager epochManager = trainer.getManager().newSubManager()) {
            NDArray lossSum = epochManager.zeros(new Shape(), DataType.FLOAT32);
            for (Batch batch : validation.getData(trainer.getManager())) {
                try (batch) {
                    NDArray logits = trainer.evaluate(batch.getData()).singletonOrThrow();
                    NDArray loss = trainer.getLoss().evaluate(batch.getLabels(), new NDList(logits));
                    lossSum.addi(loss.mul(batch.getSize()));
                    samples += batch.getSize();
                    if (out != null) {
                        float[] p = Activation.sigmoid(logits).toFloatArray();
                        float[] y = batch.getLabels()
                                .singletonOrThrow()
                                .toType(DataType.FLOAT32, false)
                                .toFloatArray();
                        out.append(p, y, batch.getSize());
                    }
                }
            }
            return samples == 0 ? Double.NaN : lossSum.getFloat() / (double) samples;
        }
    }

    private static void logEpoch(
            TrainConfig cfg, TrainState s, EpochReport r, List<EpochReport> history, int resumedFrom) {
        double avg = history.stream()
                .skip(resumedFrom)
                .mapToDouble(EpochReport::seconds)
                .average()
                .orElse(r.seconds());
        int maxLeft = cfg.maxEpochs() - s.epoch();
        int minLeft = Math.min(maxLeft, cfg.patience() - s.epochsWithoutImprovement());
        LOG.infof(
                "epoch %d/%d train_loss=%.5f val_loss=%.5f%s (best %.5f @%d) %.0f samples/s %.1f s; ETA %s..%s",
                r.epoch(),
                cfg.maxEpochs(),
                r.trainLoss(),
                r.valLoss(),
                r.best() ? " *" : "",
                s.bestValLoss(),
                s.bestEpoch(),
                r.samplesPerSecond(),
                r.seconds(),
                duration(minLeft * avg),
                duration(maxLeft * avg));
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /** Engine seed for an epoch: depends only on (seed, epoch). */
    static int epochSeed(long seed, int epoch) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        return (int) ((z ^ (z >>> 29)) & 0x7fffffff);
    }

    private static void configureThreads(int threads) {
        if (threads > 0 && "PyTorch".equals(Engine.getInstance().getEngineName())) {
            JniUtils.setNumThreads(threads);
        }
    }

    /** PyTorch intra-op threads of this process, or -1 for another engine. */
    public static int intraOpThreads() {
        return "PyTorch".equals(Engine.getInstance().getEngineName()) ? JniUtils.getNumThreads() : -1;
    }

    private static String describe(MlpSpec s) {
        return s.hasHidden()
                ? String.format("MLP %d→%d→%d (dropout %.2f)", s.inputDim(), s.hiddenDim(), s.nLabels(), s.dropout())
                : String.format("linear %d→%d (dropout %.2f)", s.inputDim(), s.nLabels(), s.dropout());
    }
}
