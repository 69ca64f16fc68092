package io.genrestack.common.model;

import java.util.List;
import java.util.Objects;

/**
 * Topic {@code predictions}, key = recording MBID. For one source and one track tagged by that source: the base
 * model's and the stacked model's sigmoid scores over the source's labels, and the true label indices. Written by the
 * stacker for train and validation tracks (the evaluator tunes MediaEval thresholds on train, reports on validation).
 */
public record TrackPredictions(String runId, String mbid, String source, Split split, List<Integer> labels,
        float[] baseScores, float[] stackedScores) {

    @Override
    public boolean equals(Object o) {
        return o instanceof TrackPredictions t && Objects.equals(runId, t.runId) && Objects.equals(mbid, t.mbid)
                && Objects.equals(source, t.source) && split == t.split && Objects.equals(labels, t.labels)
                && Vectors.eq(baseScores, t.baseScores) && Vectors.eq(stackedScores, t.stackedScores);
    }

    @Override
    public int hashCode() {
        return (Objects.hash(runId, mbid, source, split, labels) * 31 + Vectors.hash(baseScores)) * 31
                + Vectors.hash(stackedScores);
    }

    @Override
    public String toString() {
        return "TrackPredictions[" + runId + ", " + mbid + ", " + source + ", " + split + ", labels=" + labels
                + ", base=" + Vectors.brief(baseScores) + ", stacked=" + Vectors.brief(stackedScores) + "]";
    }
}
