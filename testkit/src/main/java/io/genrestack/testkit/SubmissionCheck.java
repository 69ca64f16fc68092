package io.genrestack.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rules of the MediaEval 2018 AcousticBrainz Genre Task's submission checker ({@code evaluation/check.R} of
 * MTG/acousticbrainz-genre-dataset, which reads a run file with {@code readLines}, splits each line on tabs and
 * stops at the first error), for tests of the files GenreStack writes. A file passes when:
 * <ul>
 * <li>every line has at least two tab-separated fields (so no header and no empty line: a header's fields are not
 * labels of the vocabulary);</li>
 * <li>the labels of a line (fields after the first, empty ones dropped) are at least one, distinct, and all in the
 * source's vocabulary;</li>
 * <li>no recording MBID is on two lines;</li>
 * <li>the MBIDs are exactly the expected set: none unknown, none missing.</li>
 * </ul>
 */
public final class SubmissionCheck {
    private SubmissionCheck() {}

    /** The file's lines, parsed: MBID → its labels, in file order. */
    public static Map<String, List<String>> parse(String text) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : lines(text)) {
            String[] parts = line.split("\t", -1);
            out.put(parts[0], Arrays.asList(parts).subList(1, parts.length));
        }
        return out;
    }

    /** Null when {@code text} passes check.R's rules for this vocabulary and MBID set, else check.R's message. */
    public static String check(String text, Collection<String> vocabulary, Collection<String> expectedMbids) {
        Set<String> vocab = new HashSet<>(vocabulary);
        List<String> lines = lines(text);
        List<String> mbids = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String[] parts = line.split("\t", -1);
            int fields = parts.length;
            while (fields > 0 && parts[fields - 1].isEmpty()) {
                fields--; // R's strsplit drops trailing empty strings
            }
            if (fields < 2) {
                return "malformed line " + (i + 1) + " '" + line + "'";
            }
            mbids.add(parts[0]);
            List<String> labels = new ArrayList<>();
            for (int k = 1; k < fields; k++) {
                if (!parts[k].isEmpty()) {
                    labels.add(parts[k]);
                }
            }
            if (labels.isEmpty()) {
                return "no labels in line " + (i + 1) + " '" + parts[0] + "'";
            }
            if (new HashSet<>(labels).size() != labels.size()) {
                return "duplicate labels in line " + (i + 1) + " '" + parts[0] + "'";
            }
            List<String> unknown =
                    labels.stream().filter(l -> !vocab.contains(l)).toList();
            if (!unknown.isEmpty()) {
                return "unknown labels in line " + (i + 1) + ": '" + String.join("', '", unknown)
                        + "'. Perhaps wrong source?";
            }
        }
        Set<String> seen = new HashSet<>();
        for (String m : mbids) {
            if (!seen.add(m)) {
                return "duplicate RecordID '" + m + "'";
            }
        }
        Set<String> expected = new TreeSet<>(expectedMbids);
        List<String> unknownIds =
                new TreeSet<>(seen).stream().filter(m -> !expected.contains(m)).toList();
        if (!unknownIds.isEmpty()) {
            return "unknown RecordID '" + String.join("', '", unknownIds) + "'";
        }
        List<String> missing = expected.stream().filter(m -> !seen.contains(m)).toList();
        if (!missing.isEmpty()) {
            return "missing RecordID '" + String.join("', '", missing) + "'";
        }
        return null;
    }

    /** Lines as R's {@code readLines} gives them: split at {@code \n}, a final newline ends the last line. */
    static List<String> lines(String text) {
        List<String> out = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }
}
