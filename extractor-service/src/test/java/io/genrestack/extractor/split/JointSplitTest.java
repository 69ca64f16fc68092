package io.genrestack.extractor.split;

import io.genrestack.common.Sources;
import io.genrestack.common.model.Split;
import io.genrestack.extractor.groundtruth.GroundTruth;
import io.genrestack.extractor.groundtruth.GroundTruthFiles;
import io.genrestack.extractor.input.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JointSplitTest {

    private static final int RECORDINGS = 20_000;
    private static final int RELEASE_GROUPS = 5_000;

    /** source -> rows (mbid, release group) of the generated set, in generation order. */
    private static Map<String, List<String[]>> generated;

    private static String uuid(Random rnd) {
        return new UUID(rnd.nextLong(), rnd.nextLong()).toString();
    }

    /**
     * 20 000 recordings on 5 000 release groups (uniform, ~4 per group); each source holds a recording with
     * probability 0.55 (at least one source each); 3 % of a source's rows use another release group than the
     * recording's usual one, which joins groups across sources.
     */
    @BeforeAll
    static void generate() {
        Random rnd = new Random(20180901);
        String[] groups = new String[RELEASE_GROUPS];
        for (int i = 0; i < groups.length; i++) {
            groups[i] = uuid(rnd);
        }
        generated = new LinkedHashMap<>();
        Sources.ALL.forEach(s -> generated.put(s, new ArrayList<>()));
        for (int r = 0; r < RECORDINGS; r++) {
            String mbid = uuid(rnd);
            String usual = groups[rnd.nextInt(groups.length)];
            List<String> in = new ArrayList<>();
            for (String s : Sources.ALL) {
                if (rnd.nextDouble() < 0.55) {
                    in.add(s);
                }
            }
            if (in.isEmpty()) {
                in.add(Sources.ALL.get(rnd.nextInt(4)));
            }
            for (String s : in) {
                String group = rnd.nextDouble() < 0.03 ? groups[rnd.nextInt(groups.length)] : usual;
                generated.get(s).add(new String[] {mbid, group});
            }
        }
    }

    /** Builds the ground truths through the real TSV parser, rows in the given order. */
    private static List<GroundTruth> truths(Map<String, List<String[]>> rowsBySource) throws IOException {
        List<GroundTruth> out = new ArrayList<>();
        for (Map.Entry<String, List<String[]>> e : rowsBySource.entrySet()) {
            StringBuilder sb = new StringBuilder("recordingmbid\treleasegroupmbid\tgenre1\tgenre2\tgenre3\n");
            for (String[] row : e.getValue()) {
                sb.append(row[0]).append('\t').append(row[1]).append("\trock\trock---indie\t\n");
            }
            GroundTruth gt = GroundTruth.read(
                    e.getKey(),
                    e.getKey() + ".tsv",
                    new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.UTF_8)));
            assertEquals(List.of(), gt.problems());
            out.add(gt);
        }
        return out;
    }

    private static Map<String, List<String[]>> shuffled(long seed) {
        Random rnd = new Random(seed);
        List<String> sources = new ArrayList<>(generated.keySet());
        Collections.shuffle(sources, rnd);
        Map<String, List<String[]>> m = new LinkedHashMap<>();
        for (String s : sources) {
            List<String[]> rows = new ArrayList<>(generated.get(s));
            Collections.shuffle(rows, rnd);
            m.put(s, rows);
        }
        return m;
    }

    /** No release group on both sides, per source and over all sources together. */
    private static void assertNoReleaseGroupOnBothSides(List<GroundTruth> truths, Map<String, Split> split) {
        Map<String, Set<Split>> all = new HashMap<>();
        for (GroundTruth gt : truths) {
            Map<String, Set<Split>> perSource = new HashMap<>();
            for (GroundTruth.Row r : gt.rows().values()) {
                Split side = split.get(r.mbid());
                perSource
                        .computeIfAbsent(r.releaseGroup(), k -> EnumSet.noneOf(Split.class))
                        .add(side);
                all.computeIfAbsent(r.releaseGroup(), k -> EnumSet.noneOf(Split.class))
                        .add(side);
            }
            perSource.forEach((g, sides) -> assertEquals(1, sides.size(), gt.source() + " group " + g));
        }
        all.forEach((g, sides) -> assertEquals(1, sides.size(), "group " + g + " across sources"));
    }

    @Test
    void generatedSetKeepsReleaseGroupsTogetherAndHitsTheFraction() throws IOException {
        List<GroundTruth> truths = truths(generated);
        JointSplit split = JointSplit.compute(truths, 42, JointSplit.DEFAULT_TRAIN_FRACTION);
        System.out.println(split);
        assertEquals(RECORDINGS, split.assignments().size());
        assertTrue(split.components() > 1000 && split.components() < RELEASE_GROUPS, split::toString);
        assertTrue(split.largestComponent() > 4, "cross-source links joined groups: " + split);
        assertNoReleaseGroupOnBothSides(truths, split.assignments());
        assertEquals(0.8, split.achievedTrainFraction(), 0.02);
        assertEquals(
                split.trainCount(),
                split.assignments().values().stream()
                        .filter(s -> s == Split.TRAIN)
                        .count());
        for (GroundTruth gt : truths) {
            long train = gt.rows().keySet().stream()
                    .filter(m -> split.splitOf(m) == Split.TRAIN)
                    .count();
            assertEquals(0.8, (double) train / gt.rows().size(), 0.02, gt.source());
        }
    }

    @Test
    void sameSplitWhateverTheInputOrder() throws IOException {
        Map<String, Split> reference =
                JointSplit.compute(truths(generated), 42, 0.8).assignments();
        for (long shuffle : new long[] {1, 2}) {
            List<GroundTruth> t = truths(shuffled(shuffle));
            assertEquals(reference, JointSplit.compute(t, 42, 0.8).assignments(), "shuffle " + shuffle);
        }
        assertEquals(reference, JointSplit.compute(truths(generated), 42, 0.8).assignments(), "re-run");
    }

    @Test
    void otherSeedOtherSplitOtherFraction() throws IOException {
        List<GroundTruth> truths = truths(generated);
        Map<String, Split> a = JointSplit.compute(truths, 42, 0.8).assignments();
        JointSplit other = JointSplit.compute(truths, 43, 0.8);
        long differ =
                a.keySet().stream().filter(m -> a.get(m) != other.splitOf(m)).count();
        // Two independent 80/20 splits disagree on about 2 x 0.8 x 0.2 = 32 % of the recordings.
        assertTrue(differ > RECORDINGS / 5, "differ " + differ);
        assertNoReleaseGroupOnBothSides(truths, other.assignments());

        JointSplit half = JointSplit.compute(truths, 42, 0.5);
        assertEquals(0.5, half.achievedTrainFraction(), 0.02);
        assertNoReleaseGroupOnBothSides(truths, half.assignments());
        assertEquals(0, JointSplit.compute(truths, 42, 0.0).trainCount());
        assertEquals(RECORDINGS, JointSplit.compute(truths, 42, 1.0).trainCount());
    }

    @Test
    void recordingWithDifferentGroupsInTwoSourcesJoinsThem() {
        String r1 = "11111111-0000-4000-8000-000000000000";
        String r2 = "22222222-0000-4000-8000-000000000000";
        String r3 = "33333333-0000-4000-8000-000000000000";
        String r4 = "44444444-0000-4000-8000-000000000000";
        String g1 = "aaaaaaaa-0000-4000-8000-000000000000";
        String g2 = "bbbbbbbb-0000-4000-8000-000000000000";
        String g3 = "cccccccc-0000-4000-8000-000000000000";
        List<GroundTruth.Row> rows = List.of(
                new GroundTruth.Row(r1, g1, List.of("rock"), 2), // lastfm
                new GroundTruth.Row(r1, g2, List.of("rock"), 2), // tagtraum: another group for r1
                new GroundTruth.Row(r2, g2, List.of("rock"), 3),
                new GroundTruth.Row(r3, g1, List.of("rock"), 2),
                new GroundTruth.Row(r4, g3, List.of("rock"), 3));
        Set<Map<String, Split>> seen = new java.util.HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            JointSplit s = JointSplit.computeRows(rows, seed, 0.5);
            assertEquals(2, s.components());
            assertEquals(3, s.largestComponent());
            assertEquals(s.splitOf(r1), s.splitOf(r2));
            assertEquals(s.splitOf(r1), s.splitOf(r3));
            assertNotEquals(s.splitOf(r1), s.splitOf(r4), "target 2 of 4: one component each side");
            seen.add(s.assignments());
        }
        assertEquals(2, seen.size(), "both ways round occur over seeds");
    }

    @Test
    void realTsvs() throws IOException {
        List<GroundTruth> truths = new ArrayList<>();
        for (String s : Sources.ALL) {
            truths.add(GroundTruth.read(s, TestData.groundtruth().resolve(GroundTruthFiles.trainFileName(s))));
            truths.add(GroundTruth.read(s, TestData.groundtruth().resolve(GroundTruthFiles.validationFileName(s))));
        }
        JointSplit split = JointSplit.compute(truths, 42, 0.8);
        assertEquals(13, split.assignments().size());
        // the three recordings in two sources keep the same release group there: 13 singleton components
        assertEquals(13, split.components());
        assertEquals(10, split.trainCount(), "round(0.8 x 13)");
        assertNoReleaseGroupOnBothSides(truths, split.assignments());
    }

    @Test
    void componentKeyIsSha256OfSeedAndMbid() {
        // first 8 bytes of sha256("42:00c47ea6-3a10-4a32-b1f1-990ac756c6a0"), computed with Python hashlib
        assertEquals(-2017666717140630828L, JointSplit.key(42, "00c47ea6-3a10-4a32-b1f1-990ac756c6a0"));
    }
}
