package io.genrestack.stacker;

import io.genrestack.ml.ColumnAuc;
import io.genrestack.ml.FloatRowStore;
import io.genrestack.ml.MlpModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Validation macro ROC-AUC of one source's base scores, or of its stacked model, read from the {@link StackingInputs}
 * stores label column by label column ({@link ColumnAuc}): no score or truth matrix in heap.
 */
final class StackedAuc {
    /** Tracks predicted per call of the model. */
    private static final int CHUNK = 1024;

    private StackedAuc() {}

    /** Base model {@code m}'s own scores of the source's validation tracks. */
    static ColumnAuc.MacroAuc base(StackingInputs data, int m) {
        SourceRows rows = data.sources[m];
        int[] scoreRows = new int[rows.validation.length];
        for (int i = 0; i < scoreRows.length; i++) {
            scoreRows[i] = data.modelRow[m][rows.tracks[rows.validation[i]]];
        }
        return ColumnAuc.macro(data.scores[m], scoreRows, rows.labels, rows.validation);
    }

    /** {@code model}'s scores of source {@code m}'s validation tracks (written to a scratch store, then deleted). */
    static ColumnAuc.MacroAuc stacked(StackingInputs data, int m, MlpModel model) throws IOException {
        SourceRows rows = data.sources[m];
        int[] tracks = rows.trackRows(rows.validation);
        Path path = data.dir().resolve("predicted-" + rows.source + ".bin");
        try {
            try (FloatRowStore.Writer w =
                    FloatRowStore.create(path, model.spec().nLabels())) {
                for (int from = 0; from < tracks.length; from += CHUNK) {
                    int k = Math.min(CHUNK, tracks.length - from);
                    float[] y = model.predict(data.stackedRows(tracks, from, k), k);
                    for (int i = 0; i < k; i++) {
                        w.append(y, i * w.cols());
                    }
                }
            }
            try (FloatRowStore predicted = FloatRowStore.open(path)) {
                return ColumnAuc.macro(predicted, null, rows.labels, rows.validation);
            }
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
