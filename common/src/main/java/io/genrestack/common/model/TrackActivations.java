package io.genrestack.common.model;

import com.fasterxml.jackson.annotation.JsonAlias;

import java.util.List;
import java.util.Map;

/**
 * Topic {@code activations}, key = recording MBID. The output of ONE base model (trained on {@code source}'s ground
 * truth) for one track of the run: its 256-d hidden ReLU activations (inference mode) and its sigmoid scores over
 * that source's labels. Every base model publishes one record for every track of the run, train and validation.
 *
 * @param source the source whose base model produced this record (named like {@link TrackPredictions#source()};
 *        records written before the rename carry it as {@code model}, which is still read)
 * @param labels the track's true labels per source (copied through for the stacker)
 */
public record TrackActivations(
        String runId,
        String mbid,
        @JsonAlias("model") String source,
        Split split,
        Map<String, List<Integer>> labels,
        float[] hidden,
        float[] scores) {

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
