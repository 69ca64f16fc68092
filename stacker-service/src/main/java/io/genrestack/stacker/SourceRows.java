package io.genrestack.stacker;

import io.genrestack.ml.FloatRowStore;

import java.util.ArrayList;
import java.util.List;

/** The tracks one source tags: track indices, their multi-hot labels (row i ↔ tracks[i]) and split positions. */
final class SourceRows {
    final String source;
    final int nLabels;
    final int[] tracks;
    final FloatRowStore labels;
    final int[] train;
    final int[] validation;

    SourceRows(String source, int nLabels, int[] tracks, FloatRowStore labels, byte[] split) {
        this.source = source;
        this.nLabels = nLabels;
        this.tracks = tracks;
        this.labels = labels;
        int nv = 0;
        for (int t : tracks) {
            nv += split[t] == StackingInputs.VALIDATION ? 1 : 0;
        }
        train = new int[tracks.length - nv];
        validation = new int[nv];
        int a = 0;
        int b = 0;
        for (int p = 0; p < tracks.length; p++) {
            if (split[tracks[p]] == StackingInputs.VALIDATION) {
                validation[b++] = p;
            } else {
                train[a++] = p;
            }
        }
    }

    /** Track indices (stacked-store rows) of the given positions. */
    int[] trackRows(int[] positions) {
        int[] out = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            out[i] = tracks[positions[i]];
        }
        return out;
    }

    /** Label indices of position p. */
    List<Integer> labelIndices(int p) {
        float[] row = labels.row(p);
        List<Integer> out = new ArrayList<>();
        for (int j = 0; j < row.length; j++) {
            if (row[j] > 0.5f) {
                out.add(j);
            }
        }
        return out;
    }
}
