package io.genrestack.extractor.split;

import io.genrestack.common.Sources;
import io.genrestack.common.model.Split;
import io.genrestack.extractor.groundtruth.GroundTruth;
import io.genrestack.extractor.groundtruth.GroundTruthFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The split given by the official train/validation TSVs, made consistent across sources.
 *
 * <p>Conflicts reported (sorted by kind, then id): {@link ConflictKind#TRACK_ON_BOTH_SIDES}, a recording that
 * is in a train TSV and in a validation TSV (of the same or different sources), and
 * {@link ConflictKind#RELEASE_GROUP_ON_BOTH_SIDES}, a release group carried by train rows and by validation
 * rows (in any sources).
 *
 * <p>Resolution (deterministic, <b>validation wins</b>): recordings and release groups are joined into
 * connected components as in {@link JointSplit}; a component with at least one validation row goes to
 * VALIDATION as a whole, every other component to TRAIN. So no recording and no release group ends up on both
 * sides, the official validation set is kept whole, and only official train recordings can move (counted in
 * {@link #movedToValidation()}).
 */
public final class GivenSplit {

    /** What kind of inconsistency a {@link Conflict} is. */
    public enum ConflictKind {
        TRACK_ON_BOTH_SIDES,
        RELEASE_GROUP_ON_BOTH_SIDES
    }

    /** One inconsistency of the official split: the recording or release group MBID, and where it occurs. */
    public record Conflict(ConflictKind kind, String id, String detail) {}

    private final Map<String, GroundTruth> train;
    private final Map<String, GroundTruth> validation;
    private final Map<String, Split> assignments;
    private final List<Conflict> conflicts;
    private final int movedToValidation;

    private GivenSplit(
            Map<String, GroundTruth> train,
            Map<String, GroundTruth> validation,
            Map<String, Split> assignments,
            List<Conflict> conflicts,
            int moved) {
        this.train = Collections.unmodifiableMap(train);
        this.validation = Collections.unmodifiableMap(validation);
        this.assignments = Collections.unmodifiableMap(assignments);
        this.conflicts = List.copyOf(conflicts);
        this.movedToValidation = moved;
    }

    /**
     * Reads the official TSVs of {@link Sources#ALL} found in {@code dir}
     * ({@code acousticbrainz-mediaeval-<source>-<train|validation>.tsv}); files that are absent are skipped.
     */
    public static GivenSplit fromTsvs(Path dir) throws IOException {
        Map<String, Path> tr = new LinkedHashMap<>();
        Map<String, Path> va = new LinkedHashMap<>();
        for (String s : Sources.ALL) {
            Path t = dir.resolve(GroundTruthFiles.trainFileName(s));
            Path v = dir.resolve(GroundTruthFiles.validationFileName(s));
            if (Files.isRegularFile(t)) {
                tr.put(s, t);
            }
            if (Files.isRegularFile(v)) {
                va.put(s, v);
            }
        }
        return fromTsvs(tr, va);
    }

    /** Reads the given train and validation TSVs, keyed by source. */
    public static GivenSplit fromTsvs(Map<String, Path> trainBySource, Map<String, Path> validationBySource)
            throws IOException {
        List<GroundTruth> tr = new ArrayList<>();
        for (Map.Entry<String, Path> e : trainBySource.entrySet()) {
            tr.add(GroundTruth.read(e.getKey(), e.getValue()));
        }
        List<GroundTruth> va = new ArrayList<>();
        for (Map.Entry<String, Path> e : validationBySource.entrySet()) {
            va.add(GroundTruth.read(e.getKey(), e.getValue()));
        }
        return of(tr, va);
    }

    /** Builds the split from parsed ground truths (at most one train and one validation per source). */
    public static GivenSplit of(Collection<GroundTruth> trainTruths, Collection<GroundTruth> validationTruths) {
        Map<String, GroundTruth> tr = bySource(trainTruths);
        Map<String, GroundTruth> va = bySource(validationTruths);

        // Where each recording / release group occurs: side -> sources.
        Map<String, Map<Split, Set<String>>> trackSides = new TreeMap<>();
        Map<String, Map<Split, Set<String>>> groupSides = new TreeMap<>();
        Components graph = new Components();
        for (Split side : Split.values()) {
            for (GroundTruth gt : (side == Split.TRAIN ? tr : va).values()) {
                for (GroundTruth.Row row : gt.rows().values()) {
                    graph.add(row);
                    note(trackSides, row.mbid(), side, gt.source());
                    note(groupSides, row.releaseGroup(), side, gt.source());
                }
            }
        }
        List<Conflict> conflicts = new ArrayList<>();
        trackSides.forEach((id, sides) -> {
            if (sides.size() == 2) {
                conflicts.add(new Conflict(ConflictKind.TRACK_ON_BOTH_SIDES, id, describe(sides)));
            }
        });
        groupSides.forEach((id, sides) -> {
            if (sides.size() == 2) {
                conflicts.add(new Conflict(ConflictKind.RELEASE_GROUP_ON_BOTH_SIDES, id, describe(sides)));
            }
        });
        conflicts.sort(Comparator.comparing(Conflict::kind).thenComparing(Conflict::id));

        Map<String, Split> out = new HashMap<>();
        int moved = 0;
        for (List<String> component : graph.recordingComponents()) {
            boolean anyValidation = false;
            for (String m : component) {
                if (trackSides.get(m).containsKey(Split.VALIDATION)) {
                    anyValidation = true;
                    break;
                }
            }
            Split side = anyValidation ? Split.VALIDATION : Split.TRAIN;
            for (String m : component) {
                out.put(m, side);
                if (side == Split.VALIDATION && !trackSides.get(m).containsKey(Split.VALIDATION)) {
                    moved++;
                }
            }
        }
        return new GivenSplit(tr, va, out, conflicts, moved);
    }

    private static Map<String, GroundTruth> bySource(Collection<GroundTruth> truths) {
        Map<String, GroundTruth> m = new TreeMap<>();
        for (GroundTruth gt : truths) {
            if (m.put(gt.source(), gt) != null) {
                throw new IllegalArgumentException("two ground truths for source " + gt.source() + " on one side");
            }
        }
        return m;
    }

    private static void note(Map<String, Map<Split, Set<String>>> where, String id, Split side, String source) {
        where.computeIfAbsent(id, k -> new java.util.EnumMap<>(Split.class))
                .computeIfAbsent(side, k -> new TreeSet<>())
                .add(source);
    }

    private static String describe(Map<Split, Set<String>> sides) {
        return "train in " + sides.get(Split.TRAIN) + ", validation in " + sides.get(Split.VALIDATION);
    }

    /** Side of every recording after resolution, by recording MBID. */
    public Map<String, Split> assignments() {
        return assignments;
    }

    /** Side of a recording, or null when it is in no TSV. */
    public Split splitOf(String mbid) {
        return assignments.get(mbid);
    }

    /** Inconsistencies found in the official split, sorted by kind then id. */
    public List<Conflict> conflicts() {
        return conflicts;
    }

    /** Recordings only in train TSVs that resolution moved to VALIDATION. */
    public int movedToValidation() {
        return movedToValidation;
    }

    /** The parsed train TSVs, by source. */
    public Map<String, GroundTruth> train() {
        return train;
    }

    /** The parsed validation TSVs, by source. */
    public Map<String, GroundTruth> validation() {
        return validation;
    }

    /** Row problems of every TSV read. */
    public List<GroundTruth.Problem> problems() {
        List<GroundTruth.Problem> all = new ArrayList<>();
        train.values().forEach(gt -> all.addAll(gt.problems()));
        validation.values().forEach(gt -> all.addAll(gt.problems()));
        return all;
    }
}
