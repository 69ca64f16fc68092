package io.genrestack.stacker;

import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrainParams;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code runs/<run>/models/<source>/stacked/provenance.json}: how a stacked model was made, enough to redo or audit
 * it. Written after its parameters; a retried job reuses parameters whose provenance names the same input ranges.
 *
 * @param inputModels the base models whose activations form the input, in block order
 * @param inputDim stacked input width (models × hidden)
 * @param nLabels the source's label count (output width)
 * @param params the run's {@code stacked} hyper-parameters
 * @param counts tracks of the run, tagged by the source, train and validation among them
 * @param inputs the activations range of each base model
 * @param history one entry per trained epoch
 * @param baseValMacroAuc macro ROC-AUC of the base model's scores on the source's validation tracks
 * @param stackedValMacroAuc the same for the restored (best-epoch) stacked model
 * @param finished when the model was saved; {@code /predict} picks the run with the newest stacked models
 */
public record StackedProvenance(
        String runId,
        String source,
        List<String> inputModels,
        int inputDim,
        int nLabels,
        double dropout,
        TrainParams params,
        long seed,
        String device,
        int threads,
        Map<String, Long> counts,
        Map<String, TopicRange> inputs,
        List<Epoch> history,
        int bestEpoch,
        double bestValLoss,
        boolean stoppedEarly,
        double baseValMacroAuc,
        double stackedValMacroAuc,
        double wallSeconds,
        String djlVersion,
        String engine,
        String engineVersion,
        String instance,
        String paramsKey,
        Instant finished) {

    /** One trained epoch: losses (binary cross-entropy), validation macro ROC-AUC, wall time, improvement. */
    public record Epoch(
            int epoch, double trainLoss, double valLoss, double valMacroAuc, double seconds, boolean best) {}
}
