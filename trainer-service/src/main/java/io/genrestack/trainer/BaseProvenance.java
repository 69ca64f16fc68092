package io.genrestack.trainer;

import io.genrestack.common.model.TopicRange;
import io.genrestack.ml.MlpSpec;
import io.genrestack.ml.TrainConfig;

import java.util.List;

/**
 * {@code runs/<run>/models/<source>/base/provenance.json}: how a base model was made, enough to redo or audit it
 * (the stacked models' counterpart is the stacker's {@code StackedProvenance}). Written after its parameters.
 *
 * @param model the model kind ({@code base})
 * @param spec the network
 * @param train the optimiser and loop settings (from the run's {@code base} parameters, the seed and the device)
 * @param labels the source's label count (output width)
 * @param inputRange the {@code scaled-features} range trained on
 * @param featureManifest object key of the feature manifest
 * @param scalerStats object key of the scaler statistics
 * @param bestEpoch the epoch whose parameters were kept (early stopping on validation loss)
 * @param bestValidationMacroAuc macro ROC-AUC of the kept model on the source's validation tracks
 * @param resumedFromEpoch the checkpointed epoch this training resumed after (0: from scratch)
 * @param history one entry per trained epoch
 * @param finished when training finished (ISO-8601)
 */
public record BaseProvenance(
        String runId,
        String source,
        String model,
        MlpSpec spec,
        long parameterCount,
        TrainConfig train,
        long seed,
        int labels,
        int trainTracks,
        int validationTracks,
        TopicRange inputRange,
        String featureManifest,
        String scalerStats,
        int bestEpoch,
        double bestValidationLoss,
        double bestValidationMacroAuc,
        boolean stoppedEarly,
        int resumedFromEpoch,
        List<Epoch> history,
        String device,
        String engine,
        String djl,
        String java,
        double wallSeconds,
        String finished) {

    /** One trained epoch: losses (binary cross-entropy), validation macro ROC-AUC, throughput and wall time. */
    public record Epoch(
            int epoch,
            double trainLoss,
            double validationLoss,
            double validationMacroAuc,
            double samplesPerSecond,
            double seconds) {}
}
