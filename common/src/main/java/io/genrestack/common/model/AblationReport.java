package io.genrestack.common.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code runs/<run>/ablations/<source>.json}: one target source's ablations ({@link Ablations},
 * {@link RunConfig#ablations()}), written by the stacker after the source's full stacked model and read by the
 * evaluator into the report. Every model here is scored on the same validation tracks (the source's, in MBID order),
 * and the paired bootstrap draws the same resamples for all of them ({@code io.genrestack.common.metrics.Bootstrap}
 * with the run config's seed, as the evaluator's): {@code difference} is {@code subset − full} resample by resample.
 * Undefined numbers (no validation label with both classes, no valid resample) are null.
 *
 * @param runId the run
 * @param source the target source
 * @param requested the run's {@code ablations} values
 * @param inputs the activations range of each base model: a retried job whose inputs are the same reuses the file
 * @param validationTracks the source's validation tracks (all figures are measured on them)
 * @param resamples bootstrap resamples ({@code genrestack.stacker.ablation-resamples}; 0: no intervals)
 * @param seed seed of the resample indices (the run config's seed)
 * @param level coverage of the intervals (0.95)
 * @param full the run's stacked model of the source (all base models), the reference of every difference
 * @param subsets one entry per requested subset, in the order asked
 * @param finished when the file was written
 */
public record AblationReport(
        String runId,
        String source,
        List<String> requested,
        Map<String, TopicRange> inputs,
        int validationTracks,
        int resamples,
        long seed,
        double level,
        Model full,
        List<Model> subsets,
        Instant finished) {

    public AblationReport {
        requested = requested == null ? List.of() : List.copyOf(requested);
        subsets = subsets == null ? List.of() : List.copyOf(subsets);
    }

    /**
     * One stacked model of the table.
     *
     * @param name {@code full}, {@code own}, {@code without-<source>} or an explicit subset ({@code allmusic+discogs})
     * @param inputModels the base models whose activations form its input, in block order
     * @param inputDim its input width (256 × input models)
     * @param valMacroAuc validation macro ROC-AUC of the restored (best-epoch) model
     * @param evaluatedLabels labels with both classes in validation (the macro mean's)
     * @param bestEpoch the restored epoch (null: not trained here, e.g. the full model or a skipped subset)
     * @param epochs epochs trained
     * @param stoppedEarly whether patience ran out before the epoch cap
     * @param seconds wall time of its training
     * @param history one point per trained epoch
     * @param interval percentile interval of its macro AUC over the resamples
     * @param difference this model − the full model, paired over the same resamples (null for the full model)
     * @param validResamples resamples where both this and the full model have a macro AUC
     * @param skipped why it was not trained (null when it was): a source the run lacks, or the full model's inputs
     */
    public record Model(
            String name,
            List<String> inputModels,
            int inputDim,
            Double valMacroAuc,
            int evaluatedLabels,
            Integer bestEpoch,
            Integer epochs,
            Boolean stoppedEarly,
            Double seconds,
            List<TrainingCurve.Point> history,
            Interval interval,
            Difference difference,
            Integer validResamples,
            String skipped) {

        public Model {
            inputModels = inputModels == null ? List.of() : List.copyOf(inputModels);
            history = history == null ? List.of() : List.copyOf(history);
        }
    }

    /** A percentile interval ({@code low} = 2.5 %, {@code high} = 97.5 % quantile at level 0.95). */
    public record Interval(Double low, Double high) {}

    /**
     * A subset's macro AUC minus the full model's.
     *
     * @param observed on the validation tracks themselves
     * @param low lower end of the paired percentile interval
     * @param high upper end
     * @param wins share of the valid resamples where the subset's macro AUC is higher than the full model's
     */
    public record Difference(Double observed, Double low, Double high, Double wins) {}

    /** The subset named {@code name}, or null. */
    public Model subset(String name) {
        return subsets.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
    }
}
