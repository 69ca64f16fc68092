package io.genrestack.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One epoch's validation output, kept off the heap: the sigmoid scores and the true multi-hot labels of every
 * validation sample, in the validation dataset's iteration order, as two {@link FloatRowStore} files (float32,
 * memory-mapped) in the trainer's scratch directory. {@link MlpTrainer} writes them batch by batch, hands them to
 * the {@link EpochListener} and deletes them after the call, so they are valid only inside
 * {@link EpochListener#onEpoch}. Disk: 8 bytes per validation sample × label.
 */
public final class ValidationScores implements AutoCloseable {
    static final String SCORES_FILE = "validation-scores.f32";
    static final String TRUTH_FILE = "validation-truth.f32";

    private final FloatRowStore scores;
    private final FloatRowStore truth;

    private ValidationScores(FloatRowStore scores, FloatRowStore truth) {
        this.scores = scores;
        this.truth = truth;
    }

    /** Sigmoid scores, row i = i-th validation sample of the epoch's iteration. */
    public FloatRowStore scores() {
        return scores;
    }

    /** True labels (multi-hot, 1.0 = present), aligned with {@link #scores()}. */
    public FloatRowStore truth() {
        return truth;
    }

    public int rows() {
        return scores.rows();
    }

    /** Validation macro ROC-AUC, label column by label column ({@link ColumnAuc}): identical to the in-heap figure. */
    public ColumnAuc.MacroAuc macroAuc() {
        return ColumnAuc.macro(scores, null, truth, null);
    }

    /** The scores as an in-heap matrix: only for small sets (tests). */
    public float[][] toArray() {
        return scores.toArray();
    }

    @Override
    public void close() {
        scores.close();
        truth.close();
        delete(scores.path());
        delete(truth.path());
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends batches of scores and labels; {@link #finish()} closes the files and opens them for reading. */
    static final class Writer implements AutoCloseable {
        private final Path scoresPath;
        private final Path truthPath;
        private final int cols;
        private final FloatRowStore.Writer scores;
        private final FloatRowStore.Writer truth;

        /** Starts the files of an epoch in {@code dir} (replacing earlier ones) for rows of {@code cols} labels. */
        Writer(Path dir, int cols) throws IOException {
            Files.createDirectories(dir);
            this.scoresPath = dir.resolve(SCORES_FILE);
            this.truthPath = dir.resolve(TRUTH_FILE);
            this.cols = cols;
            this.scores = FloatRowStore.create(scoresPath, cols);
            FloatRowStore.Writer t;
            try {
                t = FloatRowStore.create(truthPath, cols);
            } catch (IOException | RuntimeException e) {
                scores.close();
                throw e;
            }
            this.truth = t;
        }

        /** Appends {@code n} rows of scores and labels, row-major. */
        void append(float[] p, float[] y, int n) throws IOException {
            if (p.length != n * cols || y.length != n * cols) {
                throw new IllegalArgumentException(n + " rows of " + cols + " labels need " + n * cols + " values; got "
                        + p.length + " scores and " + y.length + " labels");
            }
            for (int i = 0; i < n; i++) {
                scores.append(p, i * cols);
                truth.append(y, i * cols);
            }
        }

        /** Closes the files and maps them. */
        ValidationScores finish() throws IOException {
            close();
            return new ValidationScores(FloatRowStore.open(scoresPath), FloatRowStore.open(truthPath));
        }

        @Override
        public void close() throws IOException {
            try (FloatRowStore.Writer a = scores;
                    FloatRowStore.Writer b = truth) {
                // closes both (a closed writer ignores a second close)
            }
        }
    }
}
