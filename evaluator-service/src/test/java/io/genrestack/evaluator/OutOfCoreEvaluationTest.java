package io.genrestack.evaluator;

import io.genrestack.common.model.Split;
import io.genrestack.common.model.TrackPredictions;
import io.genrestack.common.serde.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The out-of-core evaluation (records appended to a {@link ColumnStore} on disk in arrival order, evaluated column by
 * column with a k-way merged micro AUC) against the former in-memory evaluation ({@link InMemoryEvaluation}: whole
 * matrices, matrix metrics): on random predictions with many ties, several row blocks and a partial last block, in
 * shuffled order, every figure of the report (the bootstrap intervals included: the in-memory reference evaluates
 * each resampled matrix with {@code RocAuc.macro}), both ROC figures and the submission file must be identical.
 */
class OutOfCoreEvaluationTest {
    static final String SOURCE = "allmusic";

    static List<String> labels(int width) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            l.add(i % 3 == 2 ? "genre" + (i / 3) + "---sub" + i : "genre" + i);
        }
        return l;
    }

    /** Scores on a coarse grid (ties within and across labels); label 0 never true in validation, 1 never in train. */
    static List<TrackPredictions> records(long seed, int train, int validation, int width) {
        Random r = new Random(seed);
        List<TrackPredictions> out = new ArrayList<>();
        for (int i = 0; i < train + validation; i++) {
            Split split = i < train ? Split.TRAIN : Split.VALIDATION;
            List<Integer> truth = new ArrayList<>();
            float[] base = new float[width];
            float[] stacked = new float[width];
            for (int l = 0; l < width; l++) {
                boolean never = (l == 0 && split == Split.VALIDATION) || (l == 1 && split == Split.TRAIN);
                boolean t = !never && r.nextDouble() < 0.08;
                if (t) {
                    truth.add(l);
                }
                base[l] = Math.round((0.3 * (t ? 1 : 0) + r.nextDouble()) * 16) / 16f;
                stacked[l] = r.nextInt(10) == 0 ? 0.5f : Math.round((0.8 * (t ? 1 : 0) + r.nextDouble()) * 64) / 64f;
            }
            if (i % 7 == 0) {
                base[3] = -0.0f; // -0.0 ties +0.0
                stacked[3] = 0.0f;
            }
            out.add(new TrackPredictions(
                    "run", new UUID(seed, i * 7919L % 100_003).toString(), SOURCE, split, truth, base, stacked));
        }
        Collections.shuffle(out, r);
        return out;
    }

    static SourceEvaluation outOfCore(
            Path dir, List<String> labels, List<TrackPredictions> records, SourceEvaluation.Options options)
            throws Exception {
        try (ColumnStore store = new ColumnStore(dir.resolve("store"), SOURCE, labels)) {
            for (TrackPredictions p : records) {
                store.add(p);
            }
            store.finish();
            assertTrue(Files.exists(dir.resolve("store/validation/base.f32")), "column files on disk");
            return SourceEvaluation.evaluate(
                    SOURCE,
                    labels,
                    store.train(),
                    store.validation(),
                    Map.of("labels", "x"),
                    options,
                    dir.resolve("scratch"));
        }
    }

    static void assertIdentical(SourceEvaluation expected, SourceEvaluation actual) throws Exception {
        assertEquals(
                new String(Json.READABLE.writeValueAsBytes(expected.report())),
                new String(Json.READABLE.writeValueAsBytes(actual.report())));
        assertEquals(expected.report(), actual.report());
        assertEquals(expected.baseSvg(), actual.baseSvg());
        assertEquals(expected.stackedSvg(), actual.stackedSvg());
        assertEquals(expected.submissionTsv(), actual.submissionTsv());
    }

    @Test
    void outOfCoreFiguresAreBitIdenticalToTheInMemoryOnes(@TempDir Path dir) throws Exception {
        List<String> labels = labels(70);
        List<TrackPredictions> records = records(42, 2300, 1500, labels.size()); // 3 blocks + part, 2 + part
        for (SourceEvaluation.Options o :
                List.of(SourceEvaluation.Options.defaults(), new SourceEvaluation.Options(3, 50, 37, 0, 7))) {
            SourceEvaluation expected = InMemoryEvaluation.evaluate(
                    SourcePredictions.of(SOURCE, labels, records), Map.of("labels", "x"), o);
            SourceEvaluation actual = outOfCore(dir, labels, records, o);
            assertIdentical(expected, actual);
            assertTrue(actual.report().base().skippedLabels().contains("genre0"));
            assertTrue(actual.report().stacked().microAuc()
                    > actual.report().base().microAuc());
        }
        // the in-memory entry point is the same computation (another seed, fewer resamples)
        SourceEvaluation.Options few = new SourceEvaluation.Options(4, 300, 1000, 100, 9);
        assertIdentical(
                InMemoryEvaluation.evaluate(SourcePredictions.of(SOURCE, labels, records), Map.of("labels", "x"), few),
                SourceEvaluation.evaluate(SourcePredictions.of(SOURCE, labels, records), Map.of("labels", "x"), few));
        try (var left = Files.list(dir)) {
            assertEquals(
                    List.of(),
                    left.filter(p -> !p.getFileName().toString().equals("scratch"))
                            .toList(),
                    "column files deleted");
        }
        try (var left = Files.list(dir.resolve("scratch"))) {
            assertEquals(0, left.count(), "scratch files deleted");
        }
    }

    @Test
    void splitsWithoutTracksGiveTheSameUndefinedFigures(@TempDir Path dir) throws Exception {
        List<String> labels = labels(5);
        List<TrackPredictions> onlyTrain = records(3, 40, 0, labels.size());
        SourceEvaluation.Options o = SourceEvaluation.Options.defaults();
        assertIdentical(
                InMemoryEvaluation.evaluate(SourcePredictions.of(SOURCE, labels, onlyTrain), Map.of("labels", "x"), o),
                outOfCore(dir, labels, onlyTrain, o));
        List<TrackPredictions> onlyValidation = records(4, 0, 30, labels.size());
        assertIdentical(
                InMemoryEvaluation.evaluate(
                        SourcePredictions.of(SOURCE, labels, onlyValidation), Map.of("labels", "x"), o),
                outOfCore(dir, labels, onlyValidation, o));
    }

    @Test
    void inconsistentRecordsAreRejected(@TempDir Path dir) throws Exception {
        List<String> labels = labels(4);
        try (ColumnStore s = new ColumnStore(dir.resolve("a"), SOURCE, labels)) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> s.add(new TrackPredictions(
                            "run", "x", SOURCE, Split.TRAIN, List.of(4), new float[4], new float[4])));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> s.add(new TrackPredictions(
                            "run", "x", SOURCE, Split.TRAIN, List.of(0), new float[3], new float[4])));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> s.add(new TrackPredictions(
                            "run",
                            "x",
                            SOURCE,
                            Split.TRAIN,
                            List.of(0),
                            new float[] {0, Float.NaN, 0, 0},
                            new float[4])));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> s.add(new TrackPredictions(
                            "run", "x", "lastfm", Split.TRAIN, List.of(0), new float[4], new float[4])));
            s.add(new TrackPredictions("run", "dup", SOURCE, Split.TRAIN, List.of(0), new float[4], new float[4]));
            s.add(new TrackPredictions("run", "dup", SOURCE, Split.VALIDATION, List.of(0), new float[4], new float[4]));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, s::finish);
            assertTrue(e.getMessage().contains("occurs twice"), e.getMessage());
        }
    }

    @Test
    void mbidOrderIsStringOrder() {
        Random r = new Random(5);
        List<String> m = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String u = new UUID(r.nextLong(), r.nextLong()).toString();
            m.add(i % 50 == 0 ? u.toUpperCase(java.util.Locale.ROOT) : i % 61 == 0 ? "t" + i : u);
        }
        m.add(m.get(7)); // a duplicate sorts next to its twin
        m.add("a");
        MbidIndex index = new MbidIndex();
        m.forEach(index::add);
        int[] order = MbidOrder.sort(index);
        List<String> sorted = new ArrayList<>();
        for (int i : order) {
            sorted.add(index.get(i));
        }
        assertEquals(m.stream().sorted().toList(), sorted);
        assertEquals(m.get(7), index.get(7));
        assertEquals("t61", index.get(61));
    }

    @Test
    void aDuplicateInsideOneSplitIsRejected(@TempDir Path dir) throws Exception {
        try (ColumnStore s = new ColumnStore(dir.resolve("a"), SOURCE, labels(2))) {
            for (String mbid : List.of("b", "a", "b")) {
                s.add(new TrackPredictions(
                        "run", mbid, SOURCE, Split.VALIDATION, List.of(0), new float[2], new float[2]));
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, s::finish);
            assertTrue(e.getMessage().contains("track b occurs twice"), e.getMessage());
        }
    }
}
