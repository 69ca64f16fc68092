package io.genrestack.ml;

/**
 * Receives each finished epoch, with the validation probabilities (rows in the validation dataset's iteration order,
 * one column per label) so the caller can compute ROC-AUC or other metrics. Called after the epoch's checkpoint has
 * been saved. Throwing aborts training (the checkpoint of this epoch is already stored).
 */
@FunctionalInterface
public interface EpochListener {

    void onEpoch(EpochReport report, float[][] valScores);

    /** Whether the trainer should collect validation scores for {@link #onEpoch}; false passes null and saves memory. */
    default boolean wantsScores() {
        return true;
    }

    /** A listener that ignores everything (and asks for no scores). */
    static EpochListener none() {
        return new EpochListener() {
            @Override
            public void onEpoch(EpochReport report, float[][] valScores) {
            }

            @Override
            public boolean wantsScores() {
                return false;
            }
        };
    }
}
