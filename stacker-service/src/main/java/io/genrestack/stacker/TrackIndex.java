package io.genrestack.stacker;

import io.genrestack.common.model.TrackActivations;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The first base model's pass 1 bookkeeping, the stacker's per-track index: row of each MBID in that model's
 * stores, split, and the true label indices of every source (flattened: per row, {@code [source, count, labels…]}
 * runs in {@link #labelPool}, starting at {@code labelStart[row]}).
 */
final class TrackIndex implements ActivationsPass.Tracks {
    private final List<String> models;
    private final int[] vocabSizes;
    final Map<String, Integer> rowOf = new HashMap<>();
    final Growable.Bytes split = new Growable.Bytes();
    final Growable.Ints labelStart = new Growable.Ints();
    final Growable.Ints labelPool = new Growable.Ints();

    /** @param models the run's sources in stacking order; @param vocabSizes their label counts */
    TrackIndex(List<String> models, int[] vocabSizes) {
        this.models = models;
        this.vocabSizes = vocabSizes;
        labelStart.add(0);
    }

    @Override
    public void add(TrackActivations a, int row, byte side, String where) {
        if (rowOf.putIfAbsent(a.mbid(), row) != null) {
            throw new IllegalStateException(where + ": two activations records (duplicate in the range)");
        }
        split.add(side);
        if (a.labels() != null) {
            for (int m = 0; m < models.size(); m++) {
                List<Integer> ls = a.labels().get(models.get(m));
                if (ls == null) {
                    continue;
                }
                labelPool.add(m);
                labelPool.add(ls.size());
                for (Integer l : ls) {
                    if (l == null || l < 0 || l >= vocabSizes[m]) {
                        throw new IllegalStateException(where + ": label index " + l + " of source " + models.get(m)
                                + " is outside its vocabulary of " + vocabSizes[m]);
                    }
                    labelPool.add(l);
                }
            }
        }
        labelStart.add(labelPool.size());
    }
}
