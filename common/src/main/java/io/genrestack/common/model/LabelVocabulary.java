package io.genrestack.common.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.common.serde.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The output label space of one source: every label seen in its TRAIN rows, sorted (natural {@link String}
 * order) and distinct, so a label's index is its output column (of the models' scores and the multi-hot truth).
 * Labels with {@code ---} are subgenres ({@code genre---subgenre}), the others genres. Written by the extractor as
 * {@code runs/<run>/labels/<source>.json} ({@code {"source":..,"labels":[..]}}, job object {@code labels.<source>});
 * read by trainer, stacker ({@code /predict} too) and evaluator with {@link #read(byte[], String, String)}, which
 * validates it the same way for all. The record is Jackson-friendly (only its two components are properties).
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
                throw new IllegalArgumentException(
                        "labels not sorted and distinct at index " + i + ": " + labels.get(i - 1) + " / " + l);
            }
        }
    }

    /** The vocabulary of every label of the given label sets (those of the TRAIN rows of {@code source}). */
    public static LabelVocabulary of(String source, Collection<? extends Collection<String>> trainLabelSets) {
        TreeSet<String> all = new TreeSet<>();
        for (Collection<String> labels : trainLabelSets) {
            all.addAll(labels);
        }
        return new LabelVocabulary(source, new ArrayList<>(all));
    }

    /**
     * Reads a stored vocabulary.
     *
     * @param json the object's bytes
     * @param key the object key (for messages)
     * @param source the source the caller expects it to be of; null: any
     * @throws IllegalStateException when it is not JSON, has no labels, is not sorted and distinct, or is of
     *         another source
     */
    public static LabelVocabulary read(byte[] json, String key, String source) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("label vocabulary " + key + " is not JSON: " + e.getMessage(), e);
        }
        JsonNode labels = node == null ? null : node.get("labels");
        if (labels == null || !labels.isArray() || labels.isEmpty()) {
            throw new IllegalStateException("label vocabulary " + key + " has no labels");
        }
        JsonNode stored = node.get("source");
        String of = stored == null || stored.isNull() ? source : stored.asText();
        if (source != null && !source.equals(of)) {
            throw new IllegalStateException(
                    "label vocabulary " + key + " is of source '" + of + "', expected '" + source + "'");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode l : labels) {
            if (!l.isTextual()) {
                throw new IllegalStateException("label vocabulary " + key + " has a non-text label: " + l);
            }
            out.add(l.asText());
        }
        try {
            return new LabelVocabulary(of == null ? "" : of, out);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("label vocabulary " + key + ": " + e.getMessage(), e);
        }
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
