package io.genrestack.extractor;

import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.serde.Json;
import io.genrestack.extractor.input.InputItem;
import io.genrestack.extractor.input.InputScanner;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Recordings that two units of a run both published, settled at the hand-over so that the run holds what one instance
 * gives. A unit knows the earlier units' folder documents ({@link ExtractionUnits#earlierDocuments}) but not what an
 * earlier unit's archive holds (listing an archive means decompressing it), so a later unit publishes its copy of a
 * recording whose first copy is inside such an archive. Each unit stores the recordings it claimed with the item it
 * claimed them from ({@link #claims}); the hand-over reads them in unit order, and for every recording claimed by more
 * than one unit finds the run's records of it in the merged range. It keeps the one record one instance would have
 * published (the first unit's item; none when that item was refused) and {@linkplain TopicRange#excluded excludes}
 * the others, each turned into the dead letter one instance gives a duplicate: same key, name, reason and document
 * (read again from the input, one candidate at a time).
 *
 * <p>What stays different from one instance: a later copy its unit refused for another reason (one instance says
 * "duplicate") and further copies inside that later unit (they name the unit's own first copy as the first seen).
 * The records, their count and the dead-letter count are the same.
 */
final class UnitDuplicates {
    /** A record the hand-over drops and the dead letter that replaces it. */
    record Dropped(int partition, long offset, TrackFeatures track, String reason, byte[] document) {}

    /** A record of a recording claimed twice, where the merged range holds it. */
    private record Found(int partition, long offset, TrackFeatures track) {}

    private UnitDuplicates() {}

    /** A unit's claims (recording MBID → item name), gzipped lines {@code mbid<TAB>name}, sorted by MBID. */
    static byte[] claims(Map<String, String> claimed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer w = new OutputStreamWriter(new GZIPOutputStream(bytes), StandardCharsets.UTF_8)) {
            for (var e : new TreeMap<>(claimed).entrySet()) {
                w.write(e.getKey());
                w.write('\t');
                w.write(e.getValue());
                w.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Map<String, String> readClaims(byte[] gz) {
        Map<String, String> out = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(new ByteArrayInputStream(gz)), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    out.put(line.substring(0, tab), line.substring(tab + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The records to drop. {@code claimsOf}: unit g's claims (read one unit at a time: what stays is one MBID → item
     * index of the run, as one instance holds); {@code range}: the run's merged {@code track-features} range;
     * {@code units}: the plan, to read dropped documents again.
     */
    static List<Dropped> find(
            String bootstrap,
            String run,
            int parts,
            IntFunction<Map<String, String>> claimsOf,
            TopicRange range,
            ExtractionUnits units,
            InputScanner scanner)
            throws Exception {
        Map<String, String> first = new HashMap<>();
        Set<String> twice = new HashSet<>();
        Map<String, Integer> laterCopies = new HashMap<>(); // item name → the unit that claimed it
        for (int g = 0; g < parts; g++) {
            int unit = g;
            claimsOf.apply(g).forEach((mbid, name) -> {
                if (first.putIfAbsent(mbid, name) != null) {
                    twice.add(mbid);
                    laterCopies.putIfAbsent(name, unit);
                }
            });
        }
        if (twice.isEmpty()) {
            return List.of();
        }
        Map<String, List<Found>> found = new TreeMap<>();
        RangeReader.read(bootstrap, range, r -> {
            if (twice.contains(r.key())) {
                TrackFeatures t = Json.read(r.value(), TrackFeatures.class);
                if (run.equals(t.runId())) {
                    found.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(new Found(r.partition(), r.offset(), t));
                }
            }
        });
        List<Found> drop = new ArrayList<>();
        for (var e : found.entrySet()) {
            String keep = first.get(e.getKey());
            boolean kept = false;
            for (Found f : e.getValue()) { // offset order within a partition; one recording, one partition
                if (!kept && keep.equals(f.track().sourceFile())) {
                    kept = true;
                } else {
                    drop.add(f);
                }
            }
        }
        Map<String, byte[]> documents = documents(drop, laterCopies, units, scanner);
        List<Dropped> out = new ArrayList<>();
        for (Found f : drop) {
            String mbid = f.track().mbid();
            out.add(new Dropped(
                    f.partition(),
                    f.offset(),
                    f.track(),
                    TrackBuilder.duplicateReason(mbid, first.get(mbid)),
                    documents.get(f.track().sourceFile())));
        }
        return out;
    }

    /** {@code excluded} of the merged range: the dropped records' offsets per partition. */
    static Map<Integer, List<Long>> offsets(List<Dropped> dropped) {
        Map<Integer, List<Long>> out = new TreeMap<>();
        for (Dropped d : dropped) {
            out.computeIfAbsent(d.partition(), p -> new ArrayList<>()).add(d.offset());
        }
        out.values().forEach(l -> l.sort(null));
        return out;
    }

    /**
     * The dropped records' documents, read again: only the candidates that hold them, in the units that claimed them
     * ({@code laterCopies}; a dropped first copy has the name of a later one: one input given twice).
     */
    private static Map<String, byte[]> documents(
            List<Found> drop, Map<String, Integer> laterCopies, ExtractionUnits units, InputScanner scanner) {
        Set<String> names = new HashSet<>();
        Set<Integer> holders = new java.util.TreeSet<>();
        for (Found f : drop) {
            names.add(f.track().sourceFile());
            Integer holder = laterCopies.get(f.track().sourceFile());
            if (holder != null) {
                holders.add(holder);
            }
        }
        Map<String, byte[]> out = new HashMap<>();
        for (int g : holders) {
            for (ExtractionUnits.Segment s : units.units().get(g).segments()) {
                List<InputScanner.Candidate> mine = s.of(scanner.candidates(s.location()));
                for (int k = 0; k < mine.size(); k++) {
                    long i = s.from() + k;
                    if (holds(mine.get(k), names)) {
                        scanner.scanSegment(s.location(), i, i + 1, item -> {
                            if (item instanceof InputItem.JsonDoc d && names.contains(d.name())) {
                                out.putIfAbsent(d.name(), d.bytes());
                            }
                        });
                    }
                }
            }
        }
        return out;
    }

    private static boolean holds(InputScanner.Candidate c, Set<String> names) {
        if (c.document()) {
            return names.contains(c.name());
        }
        return c.archive() && names.stream().anyMatch(n -> n.startsWith(c.name() + "!/"));
    }
}
