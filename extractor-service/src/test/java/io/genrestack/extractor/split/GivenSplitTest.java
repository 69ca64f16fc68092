package io.genrestack.extractor.split;

import io.genrestack.common.model.Split;
import io.genrestack.extractor.groundtruth.GroundTruth;
import io.genrestack.extractor.input.TestData;
import io.genrestack.extractor.split.GivenSplit.Conflict;
import io.genrestack.extractor.split.GivenSplit.ConflictKind;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GivenSplitTest {

    private static GroundTruth tsv(String source, String side, String... rows) throws IOException {
        StringBuilder sb = new StringBuilder("recordingmbid\treleasegroupmbid\tgenre1\n");
        for (String r : rows) {
            sb.append(r).append('\n');
        }
        return GroundTruth.read(
                source,
                source + "-" + side + ".tsv",
                new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void officialFilesAreConsistent() throws IOException {
        GivenSplit g = GivenSplit.fromTsvs(TestData.groundtruth());
        assertEquals(
                Set.of("allmusic", "discogs", "lastfm", "tagtraum"), g.train().keySet());
        assertEquals(g.train().keySet(), g.validation().keySet());
        assertEquals(List.of(), g.conflicts());
        assertEquals(List.of(), g.problems());
        assertEquals(0, g.movedToValidation());
        assertEquals(13, g.assignments().size());
        assertEquals(
                6,
                g.assignments().values().stream().filter(s -> s == Split.TRAIN).count());
        assertEquals(Split.TRAIN, g.splitOf("6eafad9e-3e4e-4af7-ad2c-dba94cfedecf"));
        assertEquals(Split.TRAIN, g.splitOf("77a9cc42-cc81-49d8-893c-34b9a5b6559d"));
        assertEquals(Split.VALIDATION, g.splitOf("7ded30da-4cf1-4ae4-8292-439722df6ea4"));
        assertEquals(Split.VALIDATION, g.splitOf("be9e01e5-8f93-494d-bbaa-ddcc5a52f629"));
        assertEquals(null, g.splitOf("01a0a332-d340-4806-a88b-cb60a05355c0"), "feature file without ground truth");
    }

    @Test
    void conflictsAreReportedAndValidationWins() throws IOException {
        String x = "11111111-0000-4000-8000-000000000000"; // train in lastfm, validation in tagtraum
        String a = "22222222-0000-4000-8000-000000000000"; // train (discogs) on group G ...
        String b = "33333333-0000-4000-8000-000000000000"; // ... which B carries in validation (allmusic)
        String c = "44444444-0000-4000-8000-000000000000"; // train only; group H in allmusic, G in discogs
        String d = "55555555-0000-4000-8000-000000000000"; // train only, unrelated
        String gx = "aaaaaaaa-0000-4000-8000-000000000000";
        String gG = "bbbbbbbb-0000-4000-8000-000000000000";
        String gH = "cccccccc-0000-4000-8000-000000000000";
        String gD = "dddddddd-0000-4000-8000-000000000000";
        List<GroundTruth> train = List.of(
                tsv("lastfm", "train", x + "\t" + gx + "\trock"),
                tsv("discogs", "train", a + "\t" + gG + "\trock", c + "\t" + gG + "\trock"),
                tsv("allmusic", "train", c + "\t" + gH + "\tpop/rock", d + "\t" + gD + "\tblues"));
        List<GroundTruth> validation = List.of(
                tsv("tagtraum", "validation", x + "\t" + gx + "\trock"),
                tsv("allmusic", "validation", b + "\t" + gG + "\tpop/rock"));
        GivenSplit g = GivenSplit.of(train, validation);

        assertEquals(
                List.of(
                        new Conflict(
                                ConflictKind.TRACK_ON_BOTH_SIDES, x, "train in [lastfm], validation in [tagtraum]"),
                        new Conflict(
                                ConflictKind.RELEASE_GROUP_ON_BOTH_SIDES,
                                gx,
                                "train in [lastfm], validation in [tagtraum]"),
                        new Conflict(
                                ConflictKind.RELEASE_GROUP_ON_BOTH_SIDES,
                                gG,
                                "train in [discogs], validation in [allmusic]")),
                g.conflicts());
        assertEquals(
                Map.of(
                        x,
                        Split.VALIDATION,
                        a,
                        Split.VALIDATION,
                        b,
                        Split.VALIDATION,
                        c,
                        Split.VALIDATION,
                        d,
                        Split.TRAIN),
                g.assignments());
        assertEquals(2, g.movedToValidation(), "a and c were only in train TSVs");

        // after resolution no release group is on both sides
        Map<String, Set<Split>> sides = new java.util.HashMap<>();
        for (List<GroundTruth> side : List.of(train, validation)) {
            for (GroundTruth gt : side) {
                for (GroundTruth.Row r : gt.rows().values()) {
                    sides.computeIfAbsent(r.releaseGroup(), k -> new TreeSet<>())
                            .add(g.splitOf(r.mbid()));
                }
            }
        }
        sides.values().forEach(s -> assertEquals(1, s.size()));
    }
}
