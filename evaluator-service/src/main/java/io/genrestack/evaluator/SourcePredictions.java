package io.genrestack.evaluator;

import io.genrestack.common.model.Split;
import io.genrestack.common.model.TrackPredictions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One source's predictions in a run, checked and aligned as matrices: rows = tracks (sorted by MBID, so every
 * output is deterministic whatever the order the records arrived in), columns = the source's vocabulary. The score
 * rows are the records' own arrays (no copy).
 *
 * @param source the source (taxonomy)
 * @param labels the source's vocabulary, index = column
 * @param train tracks of the TRAIN split (thresholds are tuned on them)
 * @param validation tracks of the VALIDATION split (everything reported is measured on them)
 */
public record SourcePredictions(String source, List<String> labels, SplitMatrix train, SplitMatrix validation) {

    /** The tracks of one split. {@code base[i]}, {@code stacked[i]} and {@code truth[i]} belong to {@code mbids[i]}. */
    public record SplitMatrix(List<String> mbids, boolean[][] truth, float[][] base, float[][] stacked)
            implements SplitColumns {
        @Override
        public int tracks() {
            return mbids.size();
        }

        @Override
        public void truth(int label, boolean[] out) {
            for (int i = 0; i < truth.length; i++) {
                out[i] = truth[i][label];
            }
        }

        @Override
        public void scores(boolean stackedModel, int label, float[] out) {
            float[][] m = stackedModel ? stacked : base;
            for (int i = 0; i < m.length; i++) {
                out[i] = m[i][label];
            }
        }

        @Override
        public String mbid(int track) {
            return mbids.get(track);
        }
    }

    public SourcePredictions {
        labels = List.copyOf(labels);
    }

    /**
     * Checks and aligns the records of one source: every record must belong to {@code source}, have a split, carry
     * one base and one stacked score per vocabulary label (finite), true label indices inside the vocabulary, and
     * no (MBID) may occur twice.
     *
     * @throws IllegalArgumentException naming the first offending record
     */
    public static SourcePredictions of(String source, List<String> labels, List<TrackPredictions> records) {
        int width = labels.size();
        List<TrackPredictions> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparing(TrackPredictions::mbid, Comparator.nullsFirst(Comparator.naturalOrder())));
        Set<String> seen = new HashSet<>();
        List<TrackPredictions> train = new ArrayList<>();
        List<TrackPredictions> validation = new ArrayList<>();
        for (TrackPredictions p : sorted) {
            check(source, width, p);
            if (!seen.add(p.mbid())) {
                throw new IllegalArgumentException(
                        "prediction of " + source + " track " + p.mbid() + " occurs twice in the run's predictions");
            }
            (p.split() == Split.TRAIN ? train : validation).add(p);
        }
        return new SourcePredictions(source, labels, matrix(train, width), matrix(validation, width));
    }

    /**
     * Checks one record of {@code source} (all but uniqueness): its source, an MBID, a split, one non-NaN base and
     * stacked score per label, true label indices inside the {@code width}-label vocabulary.
     */
    static void check(String source, int width, TrackPredictions p) {
        String what = "prediction of " + source + " track " + p.mbid();
        if (!source.equals(p.source())) {
            throw new IllegalArgumentException(what + " belongs to source " + p.source());
        }
        if (p.mbid() == null || p.mbid().isBlank()) {
            throw new IllegalArgumentException("a " + source + " prediction has no recording MBID");
        }
        if (p.split() == null) {
            throw new IllegalArgumentException(what + " has no split");
        }
        checkScores(what, "base", p.baseScores(), width);
        checkScores(what, "stacked", p.stackedScores(), width);
        if (p.labels() != null) {
            for (Integer l : p.labels()) {
                if (l == null || l < 0 || l >= width) {
                    throw new IllegalArgumentException(
                            what + " has true label index " + l + " outside the " + width + "-label vocabulary");
                }
            }
        }
    }

    private static void checkScores(String what, String model, float[] scores, int width) {
        if (scores == null || scores.length != width) {
            throw new IllegalArgumentException(what + " has " + (scores == null ? "no" : scores.length) + " " + model
                    + " scores, the vocabulary has " + width + " labels");
        }
        for (int i = 0; i < scores.length; i++) {
            if (Float.isNaN(scores[i])) {
                throw new IllegalArgumentException(what + " has a NaN " + model + " score for label " + i);
            }
        }
    }

    private static SplitMatrix matrix(List<TrackPredictions> rows, int width) {
        int n = rows.size();
        List<String> mbids = new ArrayList<>(n);
        boolean[][] truth = new boolean[n][];
        float[][] base = new float[n][];
        float[][] stacked = new float[n][];
        for (int i = 0; i < n; i++) {
            TrackPredictions p = rows.get(i);
            mbids.add(p.mbid());
            truth[i] = new boolean[width];
            if (p.labels() != null) {
                for (int l : p.labels()) {
                    truth[i][l] = true;
                }
            }
            base[i] = p.baseScores();
            stacked[i] = p.stackedScores();
        }
        return new SplitMatrix(List.copyOf(mbids), truth, base, stacked);
    }
}
