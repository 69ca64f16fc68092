package io.genrestack.common.model;

import java.util.List;

/**
 * Topic {@code predictions}, key = recording MBID. For one source and one track tagged by that source: the base
 * model's and the stacked model's sigmoid scores over the source's labels, and the true label indices. Written by the
 * stacker for train and validation tracks (the evaluator tunes MediaEval thresholds on train, reports on validation).
 */
public record TrackPredictions(
        String runId,
        String mbid,
        String source,
        Split split,
        List<Integer> labels,
        float[] baseScores,
        float[] stackedScores) {

    @Override
    public boolean equals(Object o) {
        return ArrayRecords.equals(this, o);
    }

    @Override
    public int hashCode() {
        return ArrayRecords.hashCode(this);
    }

    @Override
    public String toString() {
        return ArrayRecords.toString(this);
    }
}
