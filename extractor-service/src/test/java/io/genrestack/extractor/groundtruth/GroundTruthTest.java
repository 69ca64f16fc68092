package io.genrestack.extractor.groundtruth;

import io.genrestack.common.Sources;
import io.genrestack.extractor.groundtruth.GroundTruth.Problem;
import io.genrestack.extractor.groundtruth.GroundTruth.Row;
import io.genrestack.extractor.input.TestData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GroundTruth on the 8 real TSVs, the ragged data-page rows, and broken rows. */
class GroundTruthTest {

    static GroundTruth read(String source, String side) throws IOException {
        String file = side.equals("train")
                ? GroundTruthFiles.trainFileName(source)
                : GroundTruthFiles.validationFileName(source);
        return GroundTruth.read(source, TestData.groundtruth().resolve(file));
    }

    /** Labels per row, in file order, by the first 8 hex digits of the recording MBID. */
    private static Map<String, Integer> labelCounts(GroundTruth gt) {
        Map<String, Integer> m = new LinkedHashMap<>();
        gt.rows()
                .values()
                .forEach(r -> m.put(r.mbid().substring(0, 8), r.labels().size()));
        return m;
    }

    @Test
    void allEightOfficialFilesWithTheirPaddedRows() throws IOException {
        Map<String, Map<String, Integer>> expected = new LinkedHashMap<>();
        expected.put("allmusic/train", Map.of("6eafad9e", 5, "bd523884", 1));
        expected.put("allmusic/validation", Map.of("7ded30da", 2, "aaa52449", 1));
        expected.put("discogs/train", Map.of("6eafad9e", 5, "8eed6eed", 2));
        expected.put("discogs/validation", Map.of("7ded30da", 2, "77c17f82", 3));
        expected.put("lastfm/train", Map.of("77a9cc42", 1, "46c7f8fb", 2));
        expected.put("lastfm/validation", Map.of("12d7776c", 3, "8c5a3f2a", 3));
        expected.put("tagtraum/train", Map.of("acf8fff1", 3, "77a9cc42", 3));
        expected.put("tagtraum/validation", Map.of("be9e01e5", 1, "896796e0", 2));
        Set<String> recordings = new HashSet<>();
        int rows = 0;
        for (String source : Sources.ALL) {
            for (String side : List.of("train", "validation")) {
                GroundTruth gt = read(source, side);
                assertEquals(source, gt.source());
                assertEquals(List.of(), gt.problems(), source + "/" + side);
                assertEquals(expected.get(source + "/" + side), labelCounts(gt), source + "/" + side);
                assertEquals(
                        List.of(2, 3),
                        gt.rows().values().stream().map(Row::line).toList());
                for (Row r : gt.rows().values()) {
                    recordings.add(r.mbid());
                    assertTrue(r.labels().stream().noneMatch(String::isBlank));
                    assertEquals(36, r.releaseGroup().length());
                }
                rows += gt.rows().size();
            }
        }
        assertEquals(16, rows);
        assertEquals(13, recordings.size(), "README: the 16 rows cover 13 recordings");
    }

    @Test
    void labelsWithSpacesAmpersandsAndSlashesKeepTheirText() throws IOException {
        GroundTruth am = read("allmusic", "train");
        Row r = am.row("6eafad9e-3e4e-4af7-ad2c-dba94cfedecf").orElseThrow();
        assertEquals("fa7475c1-78a3-31e3-8b27-ca4fef89ba12", r.releaseGroup());
        assertEquals(
                List.of(
                        "stage & screen",
                        "stage & screen---film music",
                        "stage & screen---soundtracks",
                        "stage & screen---television music",
                        "stage & screen---tv soundtracks"),
                r.labels());
        assertEquals(
                List.of("pop/rock"),
                am.row("bd523884-e1b7-4401-b882-743356fc0e33").orElseThrow().labels());
        assertEquals(
                List.of("rock", "rock---brit pop"),
                read("discogs", "train")
                        .row("8eed6eed-24e7-4ac9-98dd-2e20502c1b13")
                        .orElseThrow()
                        .labels());
        assertEquals(
                List.of("trance"),
                read("tagtraum", "validation")
                        .row("be9e01e5-8f93-494d-bbaa-ddcc5a52f629")
                        .orElseThrow()
                        .labels());
    }

    @Test
    void everyLabelOccursInTheSourcesLabelStats() throws IOException {
        for (String source : Sources.ALL) {
            Path stats = TestData.groundtruth()
                    .resolve("label_stats/acousticbrainz-mediaeval2017-" + source + "-train.stats");
            Set<String> known = Files.readAllLines(stats, StandardCharsets.UTF_8).stream()
                    .skip(1)
                    .filter(l -> !l.isBlank())
                    .map(l -> l.split("\t")[0])
                    .collect(Collectors.toSet());
            for (String side : List.of("train", "validation")) {
                for (Row r : read(source, side).rows().values()) {
                    for (String label : r.labels()) {
                        assertTrue(known.contains(label), source + " label not in stats: '" + label + "'");
                    }
                }
            }
        }
    }

    @Test
    void raggedDataPageRows() throws IOException {
        GroundTruth gt =
                GroundTruth.read("lastfm", TestData.groundtruth().resolve("datapage-example-rows.lastfm-inferred.tsv"));
        assertEquals(List.of(), gt.problems());
        assertEquals(
                List.of(5, 3, 1, 2, 7, 3),
                gt.rows().values().stream().map(r -> r.labels().size()).toList());
        assertEquals(
                List.of(
                        "electronic",
                        "electronic---ambient",
                        "electronic---downtempo",
                        "pop",
                        "rock",
                        "rock---indie",
                        "rock---spacerock"),
                gt.row("a4d017d4-e75b-4eac-8f46-1b000ef407b0").orElseThrow().labels());
        assertEquals(
                "6e652b2f-6f94-47ef-834a-a85d25921fce",
                gt.row("c7bee376-0020-461a-90a7-d5af73cfff05").orElseThrow().releaseGroup());
    }

    @Test
    void brokenRowsAreReportedNotThrown() throws IOException {
        String tsv = "\uFEFFrecordingmbid\treleasegroupmbid\tgenre1\tgenre2\r\n"
                + "not-an-mbid\t3b8da78c-a3ab-3f9a-afa0-beb24319df79\trock\t\r\n"
                + "11111111-1111-4111-8111-111111111111\t\trock\t\r\n"
                + "22222222-2222-4222-8222-222222222222\t3b8da78c-a3ab-3f9a-afa0-beb24319df79\t\t\r\n"
                + "33333333-3333-4333-8333-333333333333\t3B8DA78C-A3AB-3F9A-AFA0-BEB24319DF79"
                + "\trock\trock---indie\trock\r\n"
                + "\r\n"
                + "33333333-3333-4333-8333-333333333333\t3b8da78c-a3ab-3f9a-afa0-beb24319df79\tpop\r\n"
                + "44444444-4444-4444-8444-444444444444\n"
                + "55555555-5555-4555-8555-555555555555\tnot-a-group\tpop\n"
                + "66666666-6666-4666-8666-666666666666\t3b8da78c-a3ab-3f9a-afa0-beb24319df79\tjazz\textra\tfields\n";
        GroundTruth gt =
                GroundTruth.read("lastfm", "mem.tsv", new ByteArrayInputStream(tsv.getBytes(StandardCharsets.UTF_8)));
        assertEquals(
                List.of("33333333-3333-4333-8333-333333333333", "66666666-6666-4666-8666-666666666666"),
                List.copyOf(gt.rows().keySet()));
        Row kept = gt.rows().get("33333333-3333-4333-8333-333333333333");
        assertEquals(List.of("rock", "rock---indie"), kept.labels(), "exact repeats dropped, order kept");
        assertEquals("3b8da78c-a3ab-3f9a-afa0-beb24319df79", kept.releaseGroup(), "lower-cased");
        assertEquals(5, kept.line());
        assertEquals(
                List.of("jazz", "extra", "fields"),
                gt.rows().get("66666666-6666-4666-8666-666666666666").labels());
        assertEquals(
                List.of(
                        new Problem("lastfm", "mem.tsv", 2, "not-an-mbid", "bad recording MBID"),
                        new Problem(
                                "lastfm",
                                "mem.tsv",
                                3,
                                "11111111-1111-4111-8111-111111111111",
                                "missing release group"),
                        new Problem("lastfm", "mem.tsv", 4, "22222222-2222-4222-8222-222222222222", "empty label list"),
                        new Problem(
                                "lastfm",
                                "mem.tsv",
                                7,
                                "33333333-3333-4333-8333-333333333333",
                                "duplicate recording MBID (first at line 5, kept)"),
                        new Problem(
                                "lastfm",
                                "mem.tsv",
                                8,
                                "44444444-4444-4444-8444-444444444444",
                                "missing release group"),
                        new Problem(
                                "lastfm",
                                "mem.tsv",
                                9,
                                "55555555-5555-4555-8555-555555555555",
                                "bad release group MBID: not-a-group")),
                gt.problems());
    }

    @Test
    void missingHeaderIsReportedAndTheLineIsStillARow() throws IOException {
        String tsv = "77a9cc42-cc81-49d8-893c-34b9a5b6559d\tf848a1cb-11dd-3dfc-9097-47adbeb3671f\tinstrumental\n";
        GroundTruth gt = GroundTruth.read(
                "lastfm", "nohead.tsv", new ByteArrayInputStream(tsv.getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, gt.rows().size());
        assertEquals(1, gt.problems().size());
        assertEquals(1, gt.problems().get(0).line());
    }

    @Test
    void sourceFromFileName() {
        assertEquals(
                "lastfm",
                GroundTruthFiles.sourceOf("datapage-example-rows.lastfm-inferred.tsv")
                        .orElseThrow());
        assertEquals(
                "tagtraum",
                GroundTruthFiles.sourceOf(GroundTruthFiles.validationFileName("tagtraum"))
                        .orElseThrow());
        assertTrue(GroundTruthFiles.sourceOf("acousticbrainz-mediaeval-spotify-train.tsv")
                .isEmpty());
    }
}
