package io.genrestack.evaluator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code genrestack.evaluator.*} (env {@code GENRESTACK_EVALUATOR_*}): the report's figures. */
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

    default SourceEvaluation.Options options() {
        return new SourceEvaluation.Options(
                Math.max(0, curveLabels()), Math.max(2, curvePoints()), Math.max(2, microThresholds()));
    }
}
