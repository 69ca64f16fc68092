package io.genrestack.stacker;

import io.genrestack.common.model.TrackActivations;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A later base model's pass 1 bookkeeping: for each row of the first model's {@link TrackIndex}, the row of the same
 * track in this model's stores ({@code -1} while unseen), and the tracks only this model has.
 */
final class TrackAlignment implements ActivationsPass.Tracks {
    private final TrackIndex index;
    private final String firstModel;
    final int[] rowOfFirst;
    private long onlyHere;
    private final List<String> onlyHereExamples = new ArrayList<>();

    TrackAlignment(TrackIndex index, String firstModel, int firstRows) {
        this.index = index;
        this.firstModel = firstModel;
        this.rowOfFirst = new int[firstRows];
        Arrays.fill(rowOfFirst, -1);
    }

    @Override
    public void add(TrackActivations a, int row, byte side, String where) {
        Integer r0 = index.rowOf.get(a.mbid());
        if (r0 == null) {
            onlyHere++;
            if (onlyHereExamples.size() < 5) {
                onlyHereExamples.add(a.mbid());
            }
            return;
        }
        if (rowOfFirst[r0] >= 0) {
            throw new IllegalStateException(where + ": two activations records (duplicate in the range)");
        }
        rowOfFirst[r0] = row;
        if (index.split.get(r0) != side) {
            throw new IllegalStateException(
                    where + ": split " + a.split() + " differs from model " + firstModel + "'s");
        }
    }

    /**
     * Throws naming the difference when this model ({@code rows} records) does not cover exactly the index's
     * tracks.
     */
    void requireSameTracks(String run, String model, int rows) {
        if (onlyHere == 0 && rows == rowOfFirst.length) {
            return;
        }
        long missing = 0;
        List<String> examples = new ArrayList<>();
        for (var e : index.rowOf.entrySet()) {
            if (rowOfFirst[e.getValue()] < 0) {
                missing++;
                if (examples.size() < 5) {
                    examples.add(e.getKey());
                }
            }
        }
        if (missing == 0 && onlyHere == 0) {
            return;
        }
        throw new IllegalStateException("run " + run + ": the base models cover different tracks: "
                + missing + " tracks have activations from " + firstModel + " but not from " + model + " (e.g. "
                + examples + "), " + onlyHere + " from " + model + " but not from " + firstModel + " (e.g. "
                + onlyHereExamples + ")");
    }
}
