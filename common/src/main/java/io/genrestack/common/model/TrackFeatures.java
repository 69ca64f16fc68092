package io.genrestack.common.model;

import java.util.List;
import java.util.Map;

/**
 * Topic {@code track-features}, key = recording MBID. One record per track and run, written by the extractor.
 *
 * @param runId the run
 * @param mbid recording MBID (from the file name)
 * @param split train or validation, the same for every source; null for an unlabelled track of a prediction run
 * @param releaseGroup the release group used for the split (first source that names one)
 * @param sourceFile where the JSON came from (path, or {@code archive!/entry})
 * @param labels per source that tags this track: label indices into that source's vocabulary (run's
 *        {@code labels/<source>.json}); sources that do not tag the track are absent (all of them in a
 *        prediction run)
 * @param features the flattened feature vector in the run manifest's order; NaN = missing value
 */
public record TrackFeatures(
        String runId,
        String mbid,
        Split split,
        String releaseGroup,
        String sourceFile,
        Map<String, List<Integer>> labels,
        float[] features) {

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
