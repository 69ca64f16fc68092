package io.genrestack.common.model;

import com.fasterxml.jackson.annotation.JsonAlias;

import java.util.List;

/**
 * The training-curve view of a model's {@code provenance.json} (both the trainer's base-model provenance and the
 * stacker's stacked-model provenance read into it): the restored epoch and one point per trained epoch. The two
 * provenance formats spell the validation fields differently ({@code validationLoss}/{@code validationMacroAuc} for
 * base models, {@code valLoss}/{@code valMacroAuc} for stacked ones); both are accepted. The evaluator copies it
 * into {@code report.json} ({@code training.<source>.<base|stacked>}) and draws it in the report.
 *
 * @param bestEpoch the epoch whose parameters were restored (early stopping on validation loss), 1-based
 * @param history one point per trained epoch, in epoch order
 */
public record TrainingCurve(int bestEpoch, List<Point> history) {

    public TrainingCurve {
        history = history == null ? List.of() : List.copyOf(history);
    }

    /**
     * One epoch.
     *
     * @param epoch 1-based
     * @param trainLoss mean training binary cross-entropy (dropout on)
     * @param validationLoss mean validation binary cross-entropy at the end of the epoch
     * @param validationMacroAuc validation macro ROC-AUC at the end of the epoch
     *        (a value that is not finite, e.g. the provenance's NaN of an undefined AUC, is null, as in report.json)
     */
    public record Point(
            int epoch,
            Double trainLoss,
            @JsonAlias("valLoss") Double validationLoss,
            @JsonAlias("valMacroAuc") Double validationMacroAuc) {

        public Point {
            trainLoss = finite(trainLoss);
            validationLoss = finite(validationLoss);
            validationMacroAuc = finite(validationMacroAuc);
        }

        private static Double finite(Double v) {
            return v == null || !Double.isFinite(v) ? null : v;
        }
    }

    /** Whether there is anything to draw: at least one epoch. */
    public boolean drawable() {
        return !history.isEmpty();
    }
}
