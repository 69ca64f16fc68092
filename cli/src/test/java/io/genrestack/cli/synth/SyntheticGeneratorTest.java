package io.genrestack.cli.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.genrestack.cli.Genrestack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks the synthetic data set against the real AcousticBrainz files and the official ground-truth format, its
 * determinism, its label/overlap/release-group structure, and that its labels are learnable from its features.
 */
class SyntheticGeneratorTest {

    static final int TRACKS = 3000;
    static final long SEED = 20180901L;
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

    @TempDir
    static Path shared;

    static Path out;
    static SyntheticGenerator.Summary summary;
    static Map<String, List<String[]>> tsv = new TreeMap<>();

    static Path sharedData() {
        String p = System.getProperty("genrestack.shared.data");
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        return Path.of(System.getProperty("genrestack.repo.root", "."))
                .resolve("../shared/data")
                .normalize();
    }

    @BeforeAll
    static void generate() throws IOException {
        out = shared.resolve("synthetic");
        summary = SyntheticGenerator.generate(SyntheticGenerator.Options.of(TRACKS, SEED, out));
        System.out.println(SynthCommand.format(summary));
        for (String s : SyntheticGenerator.SOURCES) {
            List<String> lines = Files.readAllLines(gtFile(out, s));
            List<String[]> rows = new ArrayList<>();
            for (String l : lines) {
                rows.add(l.split("\t", -1));
            }
            tsv.put(s, rows);
        }
    }

    static Path gtFile(Path root, String source) {
        return root.resolve("groundtruth").resolve("acousticbrainz-mediaeval-" + source + "-all.tsv");
    }

    static Path trackFile(Path root, String mbid) {
        return root.resolve("lowlevel").resolve(mbid.substring(0, 2)).resolve(mbid + ".json");
    }

    static List<Path> trackFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root.resolve("lowlevel"))) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** Flattened path → JSON type ("int", "float", "string", "boolean", ...), list indices included. */
    static void flatten(String path, JsonNode n, Map<String, String> out, boolean skipBeats) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (skipBeats && e.getKey().equals("beats_position")) {
                    continue;
                }
                flatten(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out, skipBeats);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                flatten(path + "." + i, n.get(i), out, skipBeats);
            }
        } else {
            String t = n.isIntegralNumber()
                    ? "int"
                    : n.isNumber()
                            ? "float"
                            : n.isTextual()
                                    ? "string"
                                    : n.isBoolean()
                                            ? "boolean"
                                            : n.getNodeType().toString();
            out.put(path, t);
        }
    }

    static Map<String, String> flat(JsonNode n) {
        Map<String, String> m = new TreeMap<>();
        flatten("", n, m, true);
        return m;
    }

    @Test
    void templateResourceIsTheRealMediaEvalFile() throws IOException {
        byte[] resource;
        try (var in = FeatureModel.class.getResourceAsStream("template-lowlevel.json")) {
            resource = in.readAllBytes();
        }
        Path real = sharedData().resolve("acousticbrainz/lowlevel/be9e01e5-8f93-494d-bbaa-ddcc5a52f629.json");
        assertArrayEquals(Files.readAllBytes(real), resource);
    }

    @Test
    void documentsHaveTheShapeAndValueTypesOfRealFiles() throws IOException {
        List<Path> reals;
        try (Stream<Path> s = Files.list(sharedData().resolve("acousticbrainz/lowlevel"))) {
            reals = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(reals.size() >= 10, "real files found: " + reals.size());
        Map<String, Set<String>> realTypes = new TreeMap<>();
        Set<String> realTop = null;
        Set<String> nonNegativeEverywhere = null;
        for (Path p : reals) {
            JsonNode d = MAPPER.readTree(p.toFile());
            Set<String> top = new TreeSet<>();
            d.fieldNames().forEachRemaining(top::add);
            if (realTop == null) {
                realTop = top;
            }
            assertEquals(realTop, top);
            Map<String, String> descriptors = new TreeMap<>();
            for (String sec : List.of("lowlevel", "rhythm", "tonal")) {
                flatten(sec, d.get(sec), descriptors, true);
            }
            for (Map.Entry<String, String> e : descriptors.entrySet()) {
                realTypes.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).add(e.getValue());
            }
            Set<String> nonNeg = new HashSet<>();
            for (String path : descriptors.keySet()) {
                JsonNode v = at(d, path);
                if (v.isNumber() && v.asDouble() >= 0) {
                    nonNeg.add(path);
                }
            }
            if (nonNegativeEverywhere == null) {
                nonNegativeEverywhere = nonNeg;
            } else {
                nonNegativeEverywhere.retainAll(nonNeg);
            }
            // Every real file has the same descriptor layout, so each must equal the union.
            assertEquals(realTypes.keySet(), descriptors.keySet(), "layout of " + p);
        }
        assertEquals(
                2647,
                realTypes.values().stream().filter(t -> !t.contains("string")).count());
        JsonNode template = MAPPER.readTree(FeatureModel.class.getResourceAsStream("template-lowlevel.json"));
        Map<String, String> templateMeta = new TreeMap<>();
        flatten("metadata", template.get("metadata"), templateMeta, true);

        List<Path> generated = trackFiles(out);
        assertEquals(TRACKS, generated.size());
        for (Path p :
                List.of(generated.get(0), generated.get(generated.size() / 2), generated.get(generated.size() - 1))) {
            byte[] bytes = Files.readAllBytes(p);
            assertFalse(
                    new String(bytes, 0, bytes.length, java.nio.charset.StandardCharsets.UTF_8).contains("\n"),
                    "compact one-line JSON like the MediaEval files");
            JsonNode d = MAPPER.readTree(bytes);
            Set<String> top = new TreeSet<>();
            d.fieldNames().forEachRemaining(top::add);
            assertEquals(realTop, top);
            Map<String, String> descriptors = new TreeMap<>();
            for (String sec : List.of("lowlevel", "rhythm", "tonal")) {
                flatten(sec, d.get(sec), descriptors, true);
            }
            assertEquals(realTypes.keySet(), descriptors.keySet(), "same flattened paths as the real files");
            for (Map.Entry<String, String> e : descriptors.entrySet()) {
                assertTrue(
                        realTypes.get(e.getKey()).contains(e.getValue()),
                        e.getKey() + " is " + e.getValue() + ", real files have " + realTypes.get(e.getKey()));
                if (nonNegativeEverywhere.contains(e.getKey())) {
                    assertTrue(at(d, e.getKey()).asDouble() >= 0, e.getKey() + " must stay non-negative");
                }
            }
            Map<String, String> meta = new TreeMap<>();
            flatten("metadata", d.get("metadata"), meta, true);
            assertEquals(templateMeta, meta, "metadata paths and types as in the template");
            String mbid = p.getFileName().toString().replace(".json", "");
            assertTrue(UUID.matcher(mbid).matches(), mbid);
            assertEquals(mbid, d.at("/metadata/tags/musicbrainz_recordingid/0").asText());
            assertEquals(p.getParent().getFileName().toString(), mbid.substring(0, 2));
            // Beats: one position per beat, increasing, inside the track.
            JsonNode beats = d.at("/rhythm/beats_position");
            assertEquals(d.at("/rhythm/beats_count").asInt(), beats.size());
            assertTrue(beats.size() > 20);
            double length = d.at("/metadata/audio_properties/length").asDouble();
            for (int i = 1; i < beats.size(); i++) {
                assertTrue(beats.get(i).asDouble() > beats.get(i - 1).asDouble());
            }
            assertTrue(beats.get(beats.size() - 1).asDouble() < length);
            double bpm = d.at("/rhythm/bpm").asDouble();
            assertEquals(length * bpm / 60, beats.size(), 0.1 * beats.size() + 3, "beats consistent with bpm");
            // Statistics are ordered, the always-constant values stay constant, strings are sharps.
            for (String desc : List.of(
                    "/lowlevel/spectral_centroid",
                    "/lowlevel/average_loudness",
                    "/tonal/hpcp_entropy",
                    "/rhythm/beats_loudness")) {
                JsonNode s = d.at(desc);
                if (s.isObject()) {
                    assertTrue(s.get("min").asDouble() <= s.get("mean").asDouble());
                    assertTrue(s.get("mean").asDouble() <= s.get("max").asDouble());
                    assertTrue(s.get("var").asDouble() >= 0);
                }
            }
            assertEquals(1, d.at("/tonal/thpcp/0").asInt());
            JsonNode peak = d.at("/rhythm/bpm_histogram_first_peak_bpm");
            assertEquals(peak.get("min").asDouble(), peak.get("max").asDouble());
            assertEquals(0, peak.get("var").asDouble());
            Set<String> keys = Set.of(FeatureModel.KEYS);
            assertTrue(keys.contains(d.at("/tonal/key_key").asText()));
            assertTrue(keys.contains(d.at("/tonal/chords_key").asText()));
            assertTrue(
                    Set.of("major", "minor").contains(d.at("/tonal/key_scale").asText()));
            assertTrue(Set.of("major", "minor")
                    .contains(d.at("/tonal/chords_scale").asText()));
        }
    }

    static JsonNode at(JsonNode d, String dotted) {
        return d.at("/" + dotted.replace('.', '/'));
    }

    @Test
    void sameSeedGivesIdenticalBytesAndOtherSeedDiffers(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path c = dir.resolve("c");
        SyntheticGenerator.generate(SyntheticGenerator.Options.of(120, 99, a));
        SyntheticGenerator.generate(SyntheticGenerator.Options.of(120, 99, b));
        SyntheticGenerator.generate(SyntheticGenerator.Options.of(120, 100, c));
        List<Path> fa = relative(a);
        List<Path> fb = relative(b);
        assertEquals(fa, fb);
        assertEquals(120 + 5, fa.size(), "120 tracks, 4 TSVs and synthetic.json");
        for (Path p : fa) {
            assertArrayEquals(Files.readAllBytes(a.resolve(p)), Files.readAllBytes(b.resolve(p)), p.toString());
        }
        List<Path> fc = relative(c);
        assertNotEquals(fa, fc, "another seed gives other MBIDs");
        assertFalse(Arrays.equals(Files.readAllBytes(gtFile(a, "discogs")), Files.readAllBytes(gtFile(c, "discogs"))));
        // Re-generating into a used directory needs overwrite, and then gives the same bytes again.
        Path someTrack = fa.stream()
                .filter(p -> p.toString().endsWith(".json") && p.startsWith("lowlevel"))
                .findFirst()
                .orElseThrow();
        assertThrowsIllegalArgument(() -> SyntheticGenerator.generate(SyntheticGenerator.Options.of(120, 99, a)));
        SyntheticGenerator.generate(new SyntheticGenerator.Options(
                120, 99, a, SyntheticGenerator.DEFAULT_LABEL_SCALE, SyntheticGenerator.DEFAULT_GENRES, true));
        assertArrayEquals(Files.readAllBytes(b.resolve(someTrack)), Files.readAllBytes(a.resolve(someTrack)));
        assertEquals(fb, relative(a));
    }

    static void assertThrowsIllegalArgument(Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException expected) {
            return;
        }
        throw new AssertionError("expected IllegalArgumentException");
    }

    static List<Path> relative(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    @Test
    void groundTruthTsvsFollowTheOfficialFormat() throws IOException {
        Set<String> allTracks = new HashSet<>();
        for (Path p : trackFiles(out)) {
            allTracks.add(p.getFileName().toString().replace(".json", ""));
        }
        Map<String, Set<String>> labelsBySource = new TreeMap<>();
        for (String s : SyntheticGenerator.SOURCES) {
            List<String[]> rows = tsv.get(s);
            String[] header = rows.get(0);
            int n = header.length - 2;
            assertTrue(n >= 2);
            assertEquals("recordingmbid", header[0]);
            assertEquals("releasegroupmbid", header[1]);
            for (int i = 1; i <= n; i++) {
                assertEquals("genre" + i, header[i + 1]);
            }
            int widest = 0;
            Set<String> labels = new TreeSet<>();
            Set<String> seen = new HashSet<>();
            Map<String, String> rgLabels = new HashMap<>();
            for (String[] row : rows.subList(1, rows.size())) {
                assertEquals(n + 2, row.length, "rows are padded with tabs to the header width");
                assertTrue(UUID.matcher(row[0]).matches());
                assertTrue(UUID.matcher(row[1]).matches());
                assertTrue(allTracks.contains(row[0]), "every row has a feature file");
                assertTrue(seen.add(row[0]), "one row per recording");
                List<String> ls = new ArrayList<>();
                boolean padding = false;
                for (int i = 2; i < row.length; i++) {
                    if (row[i].isEmpty()) {
                        padding = true;
                    } else {
                        assertFalse(padding, "labels come before the padding");
                        ls.add(row[i]);
                    }
                }
                assertFalse(ls.isEmpty());
                widest = Math.max(widest, ls.size());
                List<String> sorted = new ArrayList<>(new TreeSet<>(ls));
                assertEquals(sorted, ls, "labels sorted and unique");
                for (String l : ls) {
                    assertEquals(l.toLowerCase(java.util.Locale.ROOT), l);
                    assertEquals(l.trim(), l);
                    int cut = l.indexOf("---");
                    if (cut >= 0) {
                        assertTrue(ls.contains(l.substring(0, cut)), "parent of " + l + " present");
                        assertFalse(l.substring(cut + 3).contains("---"));
                    }
                }
                labels.addAll(ls);
                String prev = rgLabels.putIfAbsent(row[1], String.join("|", ls));
                if (prev != null) {
                    assertEquals(prev, String.join("|", ls), "a release group's tracks share their labels");
                }
            }
            assertEquals(widest, n, "header as wide as the row with the most labels");
            labelsBySource.put(s, labels);
            assertEquals(summary.source(s).labelCounts().keySet(), labels);
        }
        // Overlapping names across sources, and source-specific spellings of the same sub-genre.
        assertTrue(labelsBySource.get("discogs").contains("rock")
                && labelsBySource.get("lastfm").contains("rock"));
        assertTrue(labelsBySource.get("allmusic").contains("pop/rock"));
        assertTrue(labelsBySource.get("tagtraum").contains("rock/pop"));
        long spaced = labelsBySource.get("discogs").stream()
                .filter(l -> l.contains("---") && l.contains(" "))
                .count();
        long squashedSubs = labelsBySource.get("lastfm").stream()
                .filter(l -> l.contains("---") && l.substring(l.indexOf("---")).contains(" "))
                .count();
        assertTrue(spaced > 0);
        assertEquals(0, squashedSubs, "lastfm spells sub-genres without spaces");
        Set<String> shared = new TreeSet<>(labelsBySource.get("discogs"));
        shared.retainAll(labelsBySource.get("lastfm"));
        assertTrue(shared.size() >= 8, "discogs and lastfm share top-level names: " + shared);
    }

    @Test
    void labelCountsAndSourceOverlapAreAsConfigured() throws IOException {
        int[] expected = {61, 39, 40, 38};
        for (int s = 0; s < 4; s++) {
            SyntheticGenerator.SourceSummary src = summary.sources().get(s);
            assertEquals(SyntheticGenerator.SOURCES.get(s), src.source());
            assertEquals(expected[s], SyntheticGenerator.targetLabels(s, SyntheticGenerator.DEFAULT_LABEL_SCALE));
            assertEquals(expected[s], src.targetLabels());
            assertTrue(
                    src.labels() >= src.targetLabels() - 3 && src.labels() <= src.targetLabels(),
                    src.source() + " labels " + src.labels());
            assertTrue(src.minTracksPerLabel() >= 2, src.source() + " min tracks per label " + src.minTracksPerLabel());
            long atLeast10 =
                    src.labelCounts().values().stream().filter(c -> c >= 10).count();
            assertTrue(atLeast10 >= 0.85 * src.labels(), src.source() + " labels with >= 10 tracks: " + atLeast10);
            assertEquals(tsv.get(src.source()).size() - 1, src.tracks());
        }
        // Source sizes follow the source weights (allmusic largest, tagtraum smallest).
        assertTrue(
                summary.source("allmusic").tracks() > summary.source("discogs").tracks());
        assertTrue(summary.source("discogs").tracks() > summary.source("lastfm").tracks());
        assertTrue(
                summary.source("lastfm").tracks() > summary.source("tagtraum").tracks());
        // Overlap: recount from the TSVs.
        Map<String, Integer> sourcesPerTrack = new HashMap<>();
        for (String s : SyntheticGenerator.SOURCES) {
            for (String[] row : tsv.get(s).subList(1, tsv.get(s).size())) {
                sourcesPerTrack.merge(row[0], 1, Integer::sum);
            }
        }
        assertEquals(TRACKS, sourcesPerTrack.size(), "every track is in at least one source");
        int[] overlap = new int[4];
        sourcesPerTrack.values().forEach(k -> overlap[k - 1]++);
        for (int k = 0; k < 4; k++) {
            assertEquals(summary.overlap().get(k), overlap[k]);
            double frac = overlap[k] / (double) TRACKS;
            assertEquals(
                    SyntheticGenerator.SOURCE_COUNT_PROBS[k], frac, 0.06, "share of tracks in " + (k + 1) + " sources");
        }
        assertTrue(overlap[0] + overlap[1] > 0.6 * TRACKS, "most tracks in 1-2 sources");
        assertTrue(overlap[3] > 0.05 * TRACKS, "some tracks in all 4");
        // synthetic.json agrees with the summary.
        JsonNode meta = MAPPER.readTree(out.resolve("synthetic.json").toFile());
        assertEquals(TRACKS, meta.get("tracks").asInt());
        assertEquals(SEED, meta.get("seed").asLong());
        assertEquals(SyntheticGenerator.VERSION, meta.get("version").asInt());
        for (SyntheticGenerator.SourceSummary src : summary.sources()) {
            JsonNode n = meta.at("/sources/" + src.source());
            assertEquals(src.labels(), n.get("labels").asInt());
            assertEquals(src.tracks(), n.get("tracks").asInt());
            assertEquals(src.labelCounts().size(), n.get("labelCounts").size());
        }
    }

    @Test
    void labelScaleChangesTaxonomySizes(@TempDir Path dir) {
        SyntheticGenerator.Summary small =
                SyntheticGenerator.generate(new SyntheticGenerator.Options(600, 5, dir.resolve("s"), 1.0, 12, false));
        LatentTaxonomy latent = LatentTaxonomy.build(12, 1);
        for (int s = 0; s < 4; s++) {
            SyntheticGenerator.SourceSummary src = small.sources().get(s);
            int floor = SourceTaxonomy.minimumLabels(s, latent);
            assertEquals(Math.max(SyntheticGenerator.targetLabels(s, 1.0), floor), src.targetLabels());
            assertTrue(
                    src.labels() >= 0.8 * src.targetLabels() && src.labels() <= src.targetLabels(),
                    src.source() + " " + src.labels() + " of " + src.targetLabels());
        }
        assertEquals(28, SyntheticGenerator.targetLabels(0, 1.0));
        assertEquals(28, small.source("allmusic").targetLabels(), "allmusic: round(sqrt(766))");
        assertEquals(11, SourceTaxonomy.minimumLabels(1, latent), "discogs: 10 top-level labels + rock---heavy metal");
        assertEquals(18, small.source("discogs").targetLabels());
    }

    @Test
    void commandLineWritesTheDataSet(@TempDir Path dir) throws IOException {
        Path o = dir.resolve("cli");
        assertEquals(
                0,
                Genrestack.execute(
                        "synth", "--tracks", "40", "--seed", "3", "--out", o.toString(), "--label-scale", "1.5"));
        assertEquals(40, trackFiles(o).size());
        JsonNode meta = MAPPER.readTree(o.resolve("synthetic.json").toFile());
        assertEquals(40, meta.get("tracks").asInt());
        assertEquals(3, meta.get("seed").asLong());
        assertEquals(1.5, meta.get("labelScale").asDouble());
        for (String s : SyntheticGenerator.SOURCES) {
            assertTrue(Files.size(gtFile(o, s)) > 0);
        }
    }

    @Test
    void releaseGroupsHoldSeveralTracks() {
        Map<String, Set<String>> tracksByRg = new HashMap<>();
        for (String s : SyntheticGenerator.SOURCES) {
            for (String[] row : tsv.get(s).subList(1, tsv.get(s).size())) {
                tracksByRg.computeIfAbsent(row[1], k -> new HashSet<>()).add(row[0]);
            }
        }
        assertEquals(summary.releaseGroups(), tracksByRg.size());
        int[] sizes = tracksByRg.values().stream().mapToInt(Set::size).toArray();
        int max = Arrays.stream(sizes).max().orElseThrow();
        double mean = Arrays.stream(sizes).average().orElseThrow();
        long several = Arrays.stream(sizes).filter(x -> x >= 3).count();
        assertTrue(max <= 10 && Arrays.stream(sizes).min().orElseThrow() >= 1);
        assertTrue(mean > 2 && mean < 5, "mean release group size " + mean);
        assertTrue(several > 0.3 * sizes.length, "release groups with >= 3 tracks: " + several);
    }

    @Test
    void labelsAreLearnableFromFeaturesAndCombiningSourcesHelps() throws IOException {
        Learnability.Result r = Learnability.run(out, 400);
        System.out.println(r);
        assertTrue(r.singleLabelAuc() > 0.7, "frequent label AUC on a release-group split: " + r.singleLabelAuc());
        assertTrue(r.baseMacroAuc() > 0.6, "macro AUC " + r.baseMacroAuc());
        // Combining helps: the linear stacked-lite model beats each source's own base model.
        for (Map.Entry<String, double[]> e : r.perSource().entrySet()) {
            assertTrue(
                    e.getValue()[1] > e.getValue()[0] + 0.005,
                    e.getKey() + " stacked-lite " + e.getValue()[1] + " vs base " + e.getValue()[0]);
        }
    }
}
