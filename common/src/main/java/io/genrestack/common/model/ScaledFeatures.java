package io.genrestack.common.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Topic {@code scaled-features}, key = recording MBID. The standardised vector of a track (train-only mean/std,
 * missing values imputed with the train mean, zero-variance features 0), written by the scaler.
 */
public record ScaledFeatures(String runId, String mbid, Split split, Map<String, List<Integer>> labels,
        float[] features) {

    @Override
    public boolean equals(Object o) {
        return o instanceof ScaledFeatures t && Objects.equals(runId, t.runId) && Objects.equals(mbid, t.mbid)
                && split == t.split && Objects.equals(labels, t.labels) && Vectors.eq(features, t.features);
    }

    @Override
    public int hashCode() {
        return Objects.hash(runId, mbid, split, labels) * 31 + Vectors.hash(features);
    }

    @Override
    public String toString() {
        return "ScaledFeatures[" + runId + ", " + mbid + ", " + split + ", " + labels + ", "
                + Vectors.brief(features) + "]";
    }
}
