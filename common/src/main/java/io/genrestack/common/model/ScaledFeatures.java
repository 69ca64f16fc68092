package io.genrestack.common.model;

import java.util.List;
import java.util.Map;

/**
 * Topic {@code scaled-features}, key = recording MBID. The standardised vector of a track (train-only mean/std,
 * missing values imputed with the train mean, zero-variance features 0), written by the scaler.
 */
public record ScaledFeatures(
        String runId, String mbid, Split split, Map<String, List<Integer>> labels, float[] features) {

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
