package io.genrestack.extractor.groundtruth;

import io.genrestack.extractor.input.Mbids;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The rows of one official ground-truth TSV of one source (e.g. {@code acousticbrainz-mediaeval-lastfm-train.tsv}).
 *
 * <p>Format: a header {@code recordingmbid releasegroupmbid genre1 .. genreN}, then one row per recording with
 * its release group and its labels ({@code genre} or {@code genre---subgenre}; labels may contain spaces,
 * {@code &} and {@code /}), tab-separated. Rows with fewer labels are padded with empty fields, or are ragged;
 * both are accepted, and so are rows longer than the header. Empty fields and blank lines are ignored.
 *
 * <p>Problems never throw: a row with an invalid recording MBID, a missing or invalid release group or no
 * labels is left out and reported in {@link #problems()}; for a recording listed twice the first row is kept
 * and the later one reported. A missing header is reported too (the first line is then read as a row).
 * MBIDs are lower-cased; labels keep their text (trimmed), their file order, and lose exact repeats.
 */
public final class GroundTruth {

    /** One annotated recording: its release group, labels in file order, and its 1-based line number. */
    public record Row(String mbid, String releaseGroup, List<String> labels, int line) {
        public Row {
            Objects.requireNonNull(mbid, "mbid");
            Objects.requireNonNull(releaseGroup, "releaseGroup");
            labels = List.copyOf(labels);
        }
    }

    /** A row or header that could not be used, with where it is and why. {@code mbid} may be empty. */
    public record Problem(String source, String file, int line, String mbid, String reason) {}

    private final String source;
    private final String file;
    private final Map<String, Row> rows;
    private final List<Problem> problems;

    private GroundTruth(String source, String file, Map<String, Row> rows, List<Problem> problems) {
        this.source = source;
        this.file = file;
        this.rows = Collections.unmodifiableMap(rows);
        this.problems = List.copyOf(problems);
    }

    /** Reads a TSV file (UTF-8). {@code file()} is the file name. */
    public static GroundTruth read(String source, Path tsv) throws IOException {
        return read(source, tsv, new HashMap<>());
    }

    /**
     * Reads a TSV file (UTF-8) sharing one copy of every recording MBID, release group and label text with the other
     * files read with the same {@code canonical} map (string → itself). A run's ground truth is the extractor's
     * largest index (docs/capacity.md): the same label text is on thousands of rows and a recording is in up to four
     * sources' files, so sharing the strings halves it. The map is only needed while reading.
     */
    public static GroundTruth read(String source, Path tsv, Map<String, String> canonical) throws IOException {
        try (InputStream in = Files.newInputStream(tsv)) {
            return read(source, tsv.getFileName().toString(), in, canonical);
        }
    }

    /** Reads a TSV stream (UTF-8; a leading BOM is ignored). {@code file} names it in problems. */
    public static GroundTruth read(String source, String file, InputStream in) throws IOException {
        return read(source, file, in, new HashMap<>());
    }

    /** {@link #read(String, Path, Map)} for a stream (an object in object storage) named {@code file}. */
    public static GroundTruth read(String source, String file, InputStream in, Map<String, String> canonical)
            throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String text;
        int lineNo = 0;
        boolean first = true;
        while ((text = reader.readLine()) != null) {
            lineNo++;
            if (first && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (text.isBlank()) {
                continue;
            }
            String[] fields = text.split("\t", -1);
            if (first) {
                first = false;
                if (fields[0].trim().equalsIgnoreCase("recordingmbid")) {
                    continue;
                }
                problems.add(new Problem(source, file, lineNo, "", "missing header line; read as a row"));
            }
            parseRow(source, file, lineNo, fields, rows, problems, canonical);
        }
        return new GroundTruth(source, file, rows, problems);
    }

    private static void parseRow(
            String source,
            String file,
            int lineNo,
            String[] fields,
            Map<String, Row> rows,
            List<Problem> problems,
            Map<String, String> canonical) {
        String rawMbid = fields[0].trim();
        Optional<String> mbid = Mbids.normalize(rawMbid);
        if (mbid.isEmpty()) {
            problems.add(new Problem(source, file, lineNo, rawMbid, "bad recording MBID"));
            return;
        }
        String rawGroup = fields.length > 1 ? fields[1].trim() : "";
        if (rawGroup.isEmpty()) {
            problems.add(new Problem(source, file, lineNo, mbid.get(), "missing release group"));
            return;
        }
        Optional<String> group = Mbids.normalize(rawGroup);
        if (group.isEmpty()) {
            problems.add(new Problem(source, file, lineNo, mbid.get(), "bad release group MBID: " + rawGroup));
            return;
        }
        Set<String> labels = new LinkedHashSet<>();
        for (int i = 2; i < fields.length; i++) {
            String label = fields[i].trim();
            if (!label.isEmpty()) {
                labels.add(shared(canonical, label));
            }
        }
        if (labels.isEmpty()) {
            problems.add(new Problem(source, file, lineNo, mbid.get(), "empty label list"));
            return;
        }
        Row previous = rows.get(mbid.get());
        if (previous != null) {
            problems.add(new Problem(
                    source,
                    file,
                    lineNo,
                    mbid.get(),
                    "duplicate recording MBID (first at line " + previous.line() + ", kept)"));
            return;
        }
        String id = shared(canonical, mbid.get());
        rows.put(id, new Row(id, shared(canonical, group.get()), new ArrayList<>(labels), lineNo));
    }

    private static String shared(Map<String, String> canonical, String s) {
        String known = canonical.putIfAbsent(s, s);
        return known == null ? s : known;
    }

    /** The source these rows belong to, e.g. {@code lastfm}. */
    public String source() {
        return source;
    }

    /** The file (name) the rows were read from. */
    public String file() {
        return file;
    }

    /** Usable rows by recording MBID, in file order. */
    public Map<String, Row> rows() {
        return rows;
    }

    /** The row of a recording, if it has a usable one. */
    public Optional<Row> row(String mbid) {
        return Optional.ofNullable(rows.get(mbid));
    }

    /** Rows left out or header issues, in line order. */
    public List<Problem> problems() {
        return problems;
    }

    @Override
    public String toString() {
        return "GroundTruth[" + source + " " + file + ": " + rows.size() + " rows, " + problems.size() + " problems]";
    }
}
