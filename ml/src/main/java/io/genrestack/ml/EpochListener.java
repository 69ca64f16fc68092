package io.genrestack.ml;

/**
 * Receives each finished epoch, with the validation probabilities and true labels (rows in the validation dataset's
 * iteration order, one column per label) in memory-mapped files, so the caller can compute ROC-AUC or other metrics
 * without holding the matrix in heap ({@link ValidationScores#macroAuc()}). The scores are deleted when the call
 * returns. Called after the epoch's checkpoint has been saved. Throwing aborts training (the checkpoint of this epoch
 * is already stored).
 */
@FunctionalInterface
public interface EpochListener {

    void onEpoch(EpochReport report, ValidationScores valScores);

    /**
     * Whether the trainer should collect validation scores for {@link #onEpoch}; false passes null and saves the files.
     */
    default boolean wantsScores() {
        return true;
    }

    /** A listener that ignores everything (and asks for no scores). */
    static EpochListener none() {
        return new EpochListener() {
            @Override
            public void onEpoch(EpochReport report, ValidationScores valScores) {}

            @Override
            public boolean wantsScores() {
                return false;
            }
        };
    }
}
