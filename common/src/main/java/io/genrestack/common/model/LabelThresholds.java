package io.genrestack.common.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Object {@code runs/<run>/models/<source>/stacked/thresholds.json}: one decision threshold per label of a source's
 * stacked model, tuned on the run's TRAIN predictions as the evaluator's MediaEval submission is
 * ({@code MediaEvalMetrics}: the F1-optimal threshold of each label, rule {@code score >= threshold}; a track with
 * no label at or above its threshold gets its best-scoring label). Written by the stacker when it trains the stacked
 * models (for a run stacked before: the first time a prediction run uses them), read by prediction runs.
 *
 * @param runId the run whose models they belong to
 * @param source the source
 * @param trainTracks the train tracks they were tuned on
 * @param thresholds per label, in vocabulary order; null for a label without a positive train track (+Infinity:
 *        never predicted by threshold; JSON has no infinity)
 */
public record LabelThresholds(String runId, String source, long trainTracks, List<Float> thresholds) {

    public LabelThresholds {
        thresholds =
                thresholds == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(thresholds));
    }

    /** From the tuned values ({@code +Infinity} written as null). */
    public static LabelThresholds of(String runId, String source, long trainTracks, float[] values) {
        List<Float> t = new ArrayList<>(values.length);
        for (float v : values) {
            t.add(v == Float.POSITIVE_INFINITY ? null : v);
        }
        return new LabelThresholds(runId, source, trainTracks, t);
    }

    /** The thresholds as the binariser takes them (null → {@code +Infinity}). */
    public float[] values() {
        float[] out = new float[thresholds.size()];
        for (int i = 0; i < out.length; i++) {
            Float v = thresholds.get(i);
            out[i] = v == null ? Float.POSITIVE_INFINITY : v;
        }
        return out;
    }
}
