package io.genrestack.ml;

import java.util.List;

/**
 * Early-stopping state after a completed epoch; together with the parameters it is all a resumed run needs.
 *
 * @param epoch last completed epoch (1-based; 0 = nothing trained yet)
 * @param bestEpoch epoch with the lowest validation loss so far (0 if none)
 * @param bestValLoss that loss ({@code +Infinity} if none)
 * @param epochsWithoutImprovement epochs since the best one
 * @param history reports of epochs 1..epoch
 */
public record TrainState(
        int epoch, int bestEpoch, double bestValLoss, int epochsWithoutImprovement, List<EpochReport> history) {

    public TrainState {
        history = List.copyOf(history);
    }

    /** State before the first epoch. */
    public static TrainState initial() {
        return new TrainState(0, 0, Double.POSITIVE_INFINITY, 0, List.of());
    }
}
