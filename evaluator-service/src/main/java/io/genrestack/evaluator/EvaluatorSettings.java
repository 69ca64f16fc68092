package io.genrestack.evaluator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code genrestack.evaluator.*} (env {@code GENRESTACK_EVALUATOR_*}): the report's figures and intervals. */
@ConfigMapping(prefix = "genrestack.evaluator")
public interface EvaluatorSettings {
    /** Most frequent validation labels drawn in each ROC figure besides the micro-average curve. */
    @WithDefault("4")
    int curveLabels();

    /** Points kept per drawn curve (evenly spaced along it). */
    @WithDefault("300")
    int curvePoints();

    /** Thresholds of the micro-average curve (quantiles of the pooled scores). */
    @WithDefault("1000")
    int microThresholds();

    /**
     * Bootstrap resamples of the validation tracks for the 95 % intervals of each macro ROC-AUC and of the paired
     * stacked − base difference; 0 turns the bootstrap off.
     */
    @WithDefault("1000")
    int bootstrapResamples();

    /** The settings, the resamples seeded with {@code seed} (the run config's). */
    default SourceEvaluation.Options options(long seed) {
        return new SourceEvaluation.Options(
                Math.max(0, curveLabels()),
                Math.max(2, curvePoints()),
                Math.max(2, microThresholds()),
                Math.max(0, bootstrapResamples()),
                seed);
    }
}
