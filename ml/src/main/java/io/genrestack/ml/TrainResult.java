package io.genrestack.ml;

import java.util.List;

/**
 * Outcome of {@link MlpTrainer#train}. The model passed to the trainer holds the parameters of {@code bestEpoch}.
 *
 * @param bestEpoch epoch whose parameters were restored (1-based)
 * @param bestValLoss its validation loss
 * @param history one report per completed epoch, including epochs before a resume
 * @param stoppedEarly true if patience ran out before maxEpochs
 * @param resumedFromEpoch last epoch of the checkpoint this run resumed from, or 0 for a fresh run
 * @param seconds wall time of this call
 * @param device the device the model trained on
 */
public record TrainResult(
        int bestEpoch,
        double bestValLoss,
        List<EpochReport> history,
        boolean stoppedEarly,
        int resumedFromEpoch,
        double seconds,
        String device) {

    public TrainResult {
        history = List.copyOf(history);
    }

    /** Number of completed epochs. */
    public int epochs() {
        return history.size();
    }
}
