package io.genrestack.extractor;

import io.genrestack.common.features.FeatureException;
import io.genrestack.common.features.Flattener;
import io.genrestack.common.model.LabelVocabulary;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.extractor.input.InputItem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one feature document of a run into its {@code track-features} record, or into the reason it is dead-lettered:
 * duplicate recording, no ground-truth row, labels outside the training vocabulary, no usable labels, a document that
 * cannot be flattened (in a prediction run only the first and the last: its tracks are unlabelled). The only state it
 * keeps per track is the duplicate index (recording MBID → the input name it was first seen in), the one per-track
 * cost of extraction besides the run's ground truth (docs/capacity.md).
 *
 * <p>{@link #build} is {@link #claim} (the duplicate check, which depends on every earlier document and so runs in
 * input order on one thread) followed by {@link #assemble} (ground truth, labels, flattening), which reads only the
 * run's immutable setup and is safe to call from many threads at once ({@code ExtractorStage}'s workers).
 */
final class TrackBuilder {
    /** The record of a document, or (with a null track) the reason it was refused. */
    record Outcome(TrackFeatures track, String reason) {}

    private final String run;
    private final RunSetup setup;
    private final Flattener flattener;
    private final Map<String, String> seen = new HashMap<>();

    TrackBuilder(String run, RunSetup setup) {
        this.run = run;
        this.setup = setup;
        this.flattener = new Flattener(setup.manifest());
    }

    /**
     * Notes the documents of earlier units of the run (recording MBID → item name), so that their recordings are
     * duplicates here as they are for one instance reading all units in order.
     */
    void rememberEarlier(Map<String, String> earlier) {
        earlier.forEach(seen::putIfAbsent);
    }

    /** The recordings claimed so far with the items they were first seen in (those of {@link #rememberEarlier} too). */
    Map<String, String> claimed() {
        return seen;
    }

    /** Notes a document that was published before a restart, without parsing it, so duplicates are still found. */
    void remember(InputItem.JsonDoc doc) {
        seen.putIfAbsent(doc.mbid(), doc.name());
    }

    /** {@link #claim} then, unless that refused it, {@link #assemble}: the whole work for one document. */
    Outcome build(InputItem.JsonDoc doc) {
        Outcome duplicate = claim(doc);
        return duplicate != null ? duplicate : assemble(doc);
    }

    /**
     * Notes the document's recording as seen; returns the refusal of a duplicate (the recording was seen before), or
     * null. Not thread-safe: call it for every document in input order, on one thread.
     */
    Outcome claim(InputItem.JsonDoc doc) {
        String first = seen.putIfAbsent(doc.mbid(), doc.name());
        if (first != null) {
            return refused(duplicateReason(doc.mbid(), first));
        }
        return null;
    }

    /**
     * The record of a document already {@linkplain #claim claimed}, or the reason it is refused. Thread-safe: reads
     * only the run's setup and the (thread-safe) {@link Flattener}.
     */
    Outcome assemble(InputItem.JsonDoc doc) {
        if (setup.unlabelled()) { // a prediction run: no ground truth, no split
            return track(doc, null, null, Map.of());
        }
        Split split = setup.split(doc.mbid());
        if (split == null) {
            return refused("unknown recording MBID " + doc.mbid() + ": no ground-truth row in any source");
        }
        Map<String, List<Integer>> labels = new TreeMap<>();
        for (var e : setup.vocabularies().entrySet()) {
            var row = setup.row(e.getKey(), doc.mbid());
            if (row == null) {
                continue;
            }
            LabelVocabulary vocab = e.getValue();
            List<String> unknown = vocab.unknown(row.labels());
            if (!unknown.isEmpty()) {
                return refused(e.getKey() + " labels " + unknown + " are not in the training vocabulary");
            }
            List<Integer> idx = new ArrayList<>();
            for (String l : row.labels()) {
                idx.add(vocab.indexOf(l));
            }
            idx.sort(null);
            labels.put(e.getKey(), idx);
        }
        if (labels.isEmpty()) {
            return refused("no usable labels in any source");
        }
        return track(doc, split, setup.releaseGroup(doc.mbid()), labels);
    }

    /** The document flattened into its record, or refused with the reason it cannot be flattened. */
    private Outcome track(InputItem.JsonDoc doc, Split split, String releaseGroup, Map<String, List<Integer>> labels) {
        float[] features;
        try {
            features = flattener.flatten(doc.bytes());
        } catch (FeatureException e) {
            return refused(e.getMessage());
        } catch (RuntimeException e) {
            return refused("cannot flatten: " + e);
        }
        return new Outcome(new TrackFeatures(run, doc.mbid(), split, releaseGroup, doc.name(), labels, features), null);
    }

    /** The reason a second copy of recording {@code mbid} is refused ({@code first}: the item it was first seen in). */
    static String duplicateReason(String mbid, String first) {
        return "duplicate recording MBID " + mbid + " (first seen in " + first + ")";
    }

    private static Outcome refused(String reason) {
        return new Outcome(null, reason);
    }
}
