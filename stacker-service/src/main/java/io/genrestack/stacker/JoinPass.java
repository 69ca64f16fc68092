package io.genrestack.stacker;

import io.genrestack.common.io.PathTrees;
import io.genrestack.ml.FloatRowStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Pass 2 of {@link StackingInputs}: one pass over the tracks in MBID order (deterministic, so a retried job sees the
 * same order) that writes the stacked-input store (row = track: the models' hidden blocks, each L2-normalised,
 * concatenated in the models' order) and, per source, a multi-hot label store of only the tracks that source tags.
 * The models' hidden stores are deleted once joined; their score stores are kept for the base scores.
 */
final class JoinPass {
    private JoinPass() {}

    /**
     * Joins the passes (the first model's, then the later ones in order) under {@code dir}; on failure deletes
     * {@code dir}.
     */
    static StackingInputs run(
            String run,
            Path dir,
            List<StackingInputs.ModelInput> inputs,
            ActivationsPass<TrackIndex> first,
            List<ActivationsPass<TrackAlignment>> later,
            long t0)
            throws IOException {
        List<String> models =
                inputs.stream().map(StackingInputs.ModelInput::source).toList();
        int nModels = models.size();
        int hiddenDim = first.hiddenDim;
        TrackIndex index = first.tracks;
        String[] mbids = index.rowOf.keySet().toArray(new String[0]);
        Arrays.sort(mbids);
        int n = mbids.length;
        int[][] modelRow = new int[nModels][n];
        byte[] split = new byte[n];
        Path[] hiddenPaths = new Path[nModels];
        Path[] scoresPaths = new Path[nModels];
        hiddenPaths[0] = first.hiddenPath;
        scoresPaths[0] = first.scoresPath;
        for (int m = 1; m < nModels; m++) {
            hiddenPaths[m] = later.get(m - 1).hiddenPath;
            scoresPaths[m] = later.get(m - 1).scoresPath;
        }
        FloatRowStore[] hidden = new FloatRowStore[nModels];
        FloatRowStore.Writer[] labelWriters = new FloatRowStore.Writer[nModels];
        Growable.Ints[] tagged = new Growable.Ints[nModels];
        try {
            for (int m = 0; m < nModels; m++) {
                hidden[m] = FloatRowStore.open(hiddenPaths[m]);
                labelWriters[m] = FloatRowStore.create(
                        labelsPath(dir, models.get(m)), inputs.get(m).nLabels());
                tagged[m] = new Growable.Ints();
            }
            Path stackedPath = dir.resolve("stacked.bin");
            float[] row = new float[nModels * hiddenDim];
            float[][] multiHot = new float[nModels][];
            for (int m = 0; m < nModels; m++) {
                multiHot[m] = new float[inputs.get(m).nLabels()];
            }
            try (FloatRowStore.Writer sw = FloatRowStore.create(stackedPath, nModels * hiddenDim)) {
                for (int t = 0; t < n; t++) {
                    int r0 = index.rowOf.get(mbids[t]);
                    modelRow[0][t] = r0;
                    for (int m = 1; m < nModels; m++) {
                        modelRow[m][t] = later.get(m - 1).tracks.rowOfFirst[r0];
                    }
                    for (int m = 0; m < nModels; m++) {
                        hidden[m].readRow(modelRow[m][t], row, m * hiddenDim);
                        try {
                            StackedInput.normaliseBlock(row, m * hiddenDim, hiddenDim);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalStateException(
                                    "run " + run + ": activations of " + mbids[t] + " from model " + models.get(m)
                                            + " are not finite",
                                    e);
                        }
                    }
                    sw.append(row);
                    split[t] = index.split.get(r0);
                    int at = index.labelStart.get(r0);
                    int end = index.labelStart.get(r0 + 1);
                    while (at < end) {
                        int m = index.labelPool.get(at++);
                        int count = index.labelPool.get(at++);
                        Arrays.fill(multiHot[m], 0f);
                        for (int k = 0; k < count; k++) {
                            multiHot[m][index.labelPool.get(at++)] = 1f;
                        }
                        labelWriters[m].append(multiHot[m]);
                        tagged[m].add(t);
                    }
                }
            }
            for (int m = 0; m < nModels; m++) {
                labelWriters[m].close();
                hidden[m].close();
                Files.deleteIfExists(hiddenPaths[m]);
            }
            FloatRowStore stacked = FloatRowStore.open(stackedPath);
            FloatRowStore[] scores = new FloatRowStore[nModels];
            SourceRows[] sources = new SourceRows[nModels];
            for (int m = 0; m < nModels; m++) {
                scores[m] = FloatRowStore.open(scoresPaths[m]);
                sources[m] = new SourceRows(
                        models.get(m),
                        inputs.get(m).nLabels(),
                        tagged[m].toArray(),
                        FloatRowStore.open(labelsPath(dir, models.get(m))),
                        split);
            }
            return new StackingInputs(dir, models, hiddenDim, mbids, split, modelRow, stacked, scores, sources);
        } catch (Exception | Error e) {
            for (FloatRowStore.Writer w : labelWriters) {
                if (w != null) {
                    try {
                        w.close();
                    } catch (IOException ignored) {
                        // failing anyway
                    }
                }
            }
            PathTrees.deleteRecursively(dir);
            throw e;
        }
    }

    private static Path labelsPath(Path dir, String source) {
        return dir.resolve("labels-" + source + ".bin");
    }
}
