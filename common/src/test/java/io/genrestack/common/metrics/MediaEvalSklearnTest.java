package io.genrestack.common.metrics;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-track and per-label P/R/F of {@link MediaEvalMetrics#evaluate} against scikit-learn's
 * {@code precision_recall_fscore_support(zero_division=0)} where the definitions coincide:
 * <ul>
 *   <li>per track = {@code average="samples"} on the rows that have a true label in the subset, columns of the
 *       subset;</li>
 *   <li>per label = {@code average="macro"} on all rows, the subset's columns that are true for some row.</li>
 * </ul>
 * Fails (never skips) without {@code python3-sklearn}.
 */
class MediaEvalSklearnTest {

    private static final double TOL = 1e-12;

    @TempDir
    static Path dir;

    private static SklearnOracle oracle;

    @BeforeAll
    static void oracle() throws IOException {
        oracle = SklearnOracle.require(dir);
    }

    @Test
    void prfMatchesSklearnOnRandomMultiLabelData() throws IOException {
        List<Check> checks = new ArrayList<>();
        for (long seed = 1; seed <= 5; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int n = 250;
            int labels = 30;
            boolean[] sub = new boolean[labels];
            for (int l = 0; l < labels; l++) {
                sub[l] = l >= 8; // 8 genres, 22 subgenres
            }
            boolean[][] truth = new boolean[n][labels];
            boolean[][] pred = new boolean[n][labels];
            for (int i = 0; i < n; i++) {
                truth[i][rnd.nextInt(8)] = true; // every track has a genre, as in the official data
                for (int l = 0; l < labels; l++) {
                    if (l == 29) {
                        continue; // never true; predicted sometimes below
                    }
                    double prevalence = l < 8 ? 0.15 : 0.05;
                    truth[i][l] |= rnd.nextDouble() < prevalence;
                    // noisy predictor; label 7 never predicted
                    pred[i][l] = l != 7 && (truth[i][l] ? rnd.nextDouble() < 0.6 : rnd.nextDouble() < 0.08);
                }
                pred[i][29] = rnd.nextDouble() < 0.05;
                if (rnd.nextDouble() < 0.05) {
                    java.util.Arrays.fill(pred[i], false); // some tracks with nothing predicted
                }
            }
            MediaEvalMetrics.Report r = MediaEvalMetrics.evaluate(pred, truth, sub);
            boolean[] all = new boolean[labels];
            boolean[] gen = new boolean[labels];
            for (int l = 0; l < labels; l++) {
                all[l] = true;
                gen[l] = !sub[l];
            }
            checks.add(new Check(r.all(), pred, truth, all, "all-" + seed));
            checks.add(new Check(r.genres(), pred, truth, gen, "genres-" + seed));
            checks.add(new Check(r.subgenres(), pred, truth, sub, "subgenres-" + seed));
            assertTrue(r.subgenres().tracks() < n, "some tracks have no true subgenre");
        }
        List<List<String>> jobs = new ArrayList<>();
        for (Check c : checks) {
            jobs.addAll(c.jobs());
        }
        List<Map<String, double[]>> refs = oracle.runBatch(jobs);
        for (int k = 0; k < checks.size(); k++) {
            checks.get(k).verify(refs.get(2 * k), refs.get(2 * k + 1));
        }
    }

    /** One subset of one data set: the two sklearn jobs (per track, per label) and the comparison. */
    private record Check(
            MediaEvalMetrics.Prf mine,
            boolean[][] pred,
            boolean[][] truth,
            boolean[] subset,
            String tag,
            List<Integer> cols,
            List<Integer> rowsWithTruth,
            List<Integer> trueCols) {

        Check(MediaEvalMetrics.Prf mine, boolean[][] pred, boolean[][] truth, boolean[] subset, String tag) {
            this(mine, pred, truth, subset, tag, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (int l = 0; l < subset.length; l++) {
                if (subset[l]) {
                    cols.add(l);
                }
            }
            // per track: rows with a true label in the subset, subset columns
            for (int i = 0; i < truth.length; i++) {
                for (int l : cols) {
                    if (truth[i][l]) {
                        rowsWithTruth.add(i);
                        break;
                    }
                }
            }
            // per label: all rows, subset columns that are true somewhere
            for (int l : cols) {
                for (boolean[] row : truth) {
                    if (row[l]) {
                        trueCols.add(l);
                        break;
                    }
                }
            }
        }

        List<List<String>> jobs() throws IOException {
            List<Integer> allRows = new ArrayList<>();
            for (int i = 0; i < truth.length; i++) {
                allRows.add(i);
            }
            return List.of(
                    List.of(
                            "prf",
                            oracle.writeBooleans(tag + "-tp.txt", select(pred, rowsWithTruth, cols))
                                    .toString(),
                            oracle.writeBooleans(tag + "-tt.txt", select(truth, rowsWithTruth, cols))
                                    .toString()),
                    List.of(
                            "prf",
                            oracle.writeBooleans(tag + "-lp.txt", select(pred, allRows, trueCols))
                                    .toString(),
                            oracle.writeBooleans(tag + "-lt.txt", select(truth, allRows, trueCols))
                                    .toString()));
        }

        void verify(Map<String, double[]> trackRef, Map<String, double[]> labelRef) {
            double[] samples = trackRef.get("samples");
            assertEquals(rowsWithTruth.size(), mine.tracks(), tag + " tracks");
            assertEquals(samples[0], mine.trackP(), TOL, tag + " track P");
            assertEquals(samples[1], mine.trackR(), TOL, tag + " track R");
            assertEquals(samples[2], mine.trackF(), TOL, tag + " track F");
            double[] macro = labelRef.get("macro");
            assertEquals(trueCols.size(), mine.labels(), tag + " labels");
            assertEquals(macro[0], mine.labelP(), TOL, tag + " label P");
            assertEquals(macro[1], mine.labelR(), TOL, tag + " label R");
            assertEquals(macro[2], mine.labelF(), TOL, tag + " label F");
        }
    }

    private static boolean[][] select(boolean[][] m, List<Integer> rows, List<Integer> cols) {
        boolean[][] out = new boolean[rows.size()][cols.size()];
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < cols.size(); j++) {
                out[i][j] = m[rows.get(i)][cols.get(j)];
            }
        }
        return out;
    }
}
