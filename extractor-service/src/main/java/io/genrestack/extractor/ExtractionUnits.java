package io.genrestack.extractor;

import io.genrestack.extractor.input.InputScanner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a run's inputs are split into units that several extractor instances extract at once
 * ({@code genrestack.extractor.units}): the inputs' candidates in scan order ({@link InputScanner#candidates}: each
 * archive, each document, each bad entry of a folder) cut into at most {@code units} contiguous runs of about equal
 * weight (bytes on disk, an archive's ten times: it expands about tenfold). An archive is never cut, a folder is cut
 * into file ranges but never between two submissions of one recording ({@code <mbid>-0.json}, {@code <mbid>-1.json}),
 * and an {@code s3://} folder into chunks of its listing the same way (its objects weighed by nominal sizes). Read
 * in unit order, the units give exactly the items of one scan of all inputs, in the same order.
 *
 * <p>Duplicates across units: a unit refuses a document as a duplicate when an earlier unit holds a folder document
 * (or a {@code .json} input, or an {@code s3://} document) of the same recording ({@link #earlierDocuments}, from the
 * folder walk or listing alone, nothing is read), with the reason one instance gives. A first copy inside an archive
 * of an earlier unit is not known to a later unit (listing an archive means decompressing it); each unit stores the
 * recordings it claimed and the hand-over drops the later copies ({@link UnitDuplicates}).
 *
 * @param units the units, in input order
 */
public record ExtractionUnits(List<Unit> units) {
    /** Expansion assumed for an archive's weight. */
    static final long ARCHIVE_EXPANSION = 10;

    /**
     * Candidates {@code [from, to)} of one input location ({@code to < 0}: to its end; {@code 0, -1}: all of it).
     */
    public record Segment(String location, long from, long to) {
        /** Its candidates among {@code all}, its location's in scan order ({@link InputScanner#candidates}). */
        public List<InputScanner.Candidate> of(List<InputScanner.Candidate> all) {
            int end = to < 0 ? all.size() : (int) Math.min(to, all.size());
            return all.subList((int) Math.min(Math.max(0, from), end), end);
        }
    }

    /** One unit: its segments in input order and its planned weight. */
    public record Unit(List<Segment> segments, long weight) {
        public Unit {
            segments = List.copyOf(segments);
        }
    }

    public ExtractionUnits {
        units = List.copyOf(units);
    }

    /** Number of units. */
    public int size() {
        return units.size();
    }

    /**
     * Recording MBID → item name of the first document of each recording in the folder and {@code .json} segments
     * of units {@code [0, part)}, as {@link InputScanner#candidates} lists them (nothing is read): what a unit's
     * duplicate check must know of the units before it.
     */
    Map<String, String> earlierDocuments(int part, InputScanner scanner) {
        Map<String, String> first = new HashMap<>();
        Map<String, List<InputScanner.Candidate>> listed = new HashMap<>();
        for (int g = 0; g < part; g++) {
            for (Segment s : units.get(g).segments()) {
                for (InputScanner.Candidate c : s.of(listed.computeIfAbsent(s.location(), scanner::candidates))) {
                    if (c.document()) {
                        first.putIfAbsent(c.mbid(), c.name());
                    }
                }
            }
        }
        return first;
    }

    /** The plan of {@code inputs} in at most {@code wanted} units (at least one, possibly with no segment). */
    static ExtractionUnits plan(List<String> inputs, int wanted, InputScanner scanner) {
        record Atom(int location, long index, long weight, String mbid) {}
        List<Atom> atoms = new ArrayList<>();
        long[] sizes = new long[inputs.size()];
        for (int l = 0; l < inputs.size(); l++) {
            List<InputScanner.Candidate> cs = scanner.candidates(inputs.get(l));
            sizes[l] = cs.size();
            for (int i = 0; i < cs.size(); i++) {
                InputScanner.Candidate c = cs.get(i);
                long w = c.archive() ? c.bytes() * ARCHIVE_EXPANSION : Math.max(1, c.bytes());
                atoms.add(new Atom(l, i, w, c.mbid()));
            }
        }
        long total = atoms.stream().mapToLong(Atom::weight).sum();
        int n = Math.max(1, Math.min(wanted, atoms.size()));
        List<List<Atom>> groups = new ArrayList<>();
        List<Atom> current = new ArrayList<>();
        long cumulative = 0;
        Atom previous = null;
        for (Atom a : atoms) {
            boolean sameRecording = previous != null
                    && previous.location() == a.location()
                    && a.mbid() != null
                    && a.mbid().equals(previous.mbid());
            if (!current.isEmpty()
                    && !sameRecording
                    && groups.size() < n - 1
                    && cumulative >= (groups.size() + 1) * (double) total / n) {
                groups.add(current);
                current = new ArrayList<>();
            }
            current.add(a);
            cumulative += a.weight();
            previous = a;
        }
        groups.add(current);
        List<Unit> units = new ArrayList<>();
        for (List<Atom> g : groups) {
            List<Segment> segments = new ArrayList<>();
            int i = 0;
            while (i < g.size()) {
                int j = i;
                while (j + 1 < g.size() && g.get(j + 1).location() == g.get(i).location()) {
                    j++;
                }
                Atom first = g.get(i);
                Atom last = g.get(j);
                boolean startsLocation = first.index() <= 0;
                boolean endsLocation = last.index() < 0 || last.index() == sizes[last.location()] - 1;
                long from = startsLocation ? 0 : first.index();
                long to = endsLocation ? -1 : last.index() + 1;
                segments.add(new Segment(inputs.get(first.location()), from, to));
                i = j + 1;
            }
            units.add(new Unit(segments, g.stream().mapToLong(Atom::weight).sum()));
        }
        return new ExtractionUnits(units);
    }
}
