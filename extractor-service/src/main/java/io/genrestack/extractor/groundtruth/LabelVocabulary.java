package io.genrestack.extractor.groundtruth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The output label space of one source: every label seen in its TRAIN rows, sorted (natural {@link String}
 * order) and distinct, so a label's index is its output column. Labels with {@code ---} are subgenres
 * ({@code genre---subgenre}), the others genres. Stored as JSON ({@code {"source":..,"labels":[..]}}); the
 * record is Jackson-friendly (only its two components are properties).
 */
public record LabelVocabulary(String source, List<String> labels) {

    /** Separator between a genre and its subgenre in a label. */
    public static final String SUBGENRE_SEPARATOR = "---";

    /** Thrown by {@link #encode(List)} for labels that are not in the vocabulary (e.g. unseen in train). */
    public static final class UnknownLabelsException extends IllegalArgumentException {
        private final List<String> unknown;

        public UnknownLabelsException(String source, List<String> unknown) {
            super("labels unknown to the " + source + " vocabulary: " + unknown);
            this.unknown = List.copyOf(unknown);
        }

        /** The unknown labels, in input order. */
        public List<String> unknown() {
            return unknown;
        }
    }

    /** Validates that {@code labels} is sorted, distinct and has no blanks; keeps an immutable copy. */
    public LabelVocabulary {
        Objects.requireNonNull(source, "source");
        labels = List.copyOf(labels);
        for (int i = 0; i < labels.size(); i++) {
            String l = labels.get(i);
            if (l.isBlank()) {
                throw new IllegalArgumentException("blank label at index " + i);
            }
            if (i > 0 && labels.get(i - 1).compareTo(l) >= 0) {
                throw new IllegalArgumentException("labels not sorted and distinct at index " + i + ": "
                        + labels.get(i - 1) + " / " + l);
            }
        }
    }

    /** The vocabulary of every label of the given rows (the TRAIN rows of {@code source}). */
    public static LabelVocabulary fromRows(String source, Collection<GroundTruth.Row> trainRows) {
        TreeSet<String> all = new TreeSet<>();
        for (GroundTruth.Row r : trainRows) {
            all.addAll(r.labels());
        }
        return new LabelVocabulary(source, new ArrayList<>(all));
    }

    /** The vocabulary of a source's training TSV. */
    public static LabelVocabulary fromTrain(GroundTruth train) {
        return fromRows(train.source(), train.rows().values());
    }

    /** Number of labels (output dimension). */
    public int size() {
        return labels.size();
    }

    /** Column of {@code label}, or -1 when unknown. */
    public int indexOf(String label) {
        int i = Collections.binarySearch(labels, label);
        return i >= 0 ? i : -1;
    }

    /** The label of column {@code index}. */
    public String label(int index) {
        return labels.get(index);
    }

    /** True when column {@code index} is a subgenre ({@code genre---subgenre}). */
    public boolean isSubgenre(int index) {
        return labels.get(index).contains(SUBGENRE_SEPARATOR);
    }

    /** The labels among {@code labels} that are not in the vocabulary, in input order (empty when all known). */
    public List<String> unknown(List<String> labels) {
        List<String> out = new ArrayList<>();
        for (String l : labels) {
            if (indexOf(l) < 0) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * The sorted, distinct columns of {@code labels}.
     *
     * @throws UnknownLabelsException when a label is not in the vocabulary; the caller dead-letters the track
     */
    public int[] encode(List<String> labels) {
        List<String> unknown = unknown(labels);
        if (!unknown.isEmpty()) {
            throw new UnknownLabelsException(source, unknown);
        }
        return labels.stream().mapToInt(this::indexOf).distinct().sorted().toArray();
    }

    /** A 0/1 vector of length {@link #size()} for {@code labels} (see {@link #encode(List)} for unknown labels). */
    public float[] multiHot(List<String> labels) {
        float[] v = new float[size()];
        for (int i : encode(labels)) {
            v[i] = 1f;
        }
        return v;
    }
}
