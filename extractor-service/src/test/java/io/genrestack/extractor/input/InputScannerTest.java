package io.genrestack.extractor.input;

import io.genrestack.extractor.input.InputItem.BadItem;
import io.genrestack.extractor.input.InputItem.JsonDoc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** InputScanner on the real files of shared/data. */
class InputScannerTest {

    private static final String TRAIN_ARCHIVE = "acousticbrainz-mediaeval-features-train-01.tar.bz2";
    private static final String VALIDATION_ARCHIVE = "acousticbrainz-mediaeval-features-validation-01.tar.bz2";

    static List<InputItem> scan(InputScanner scanner, Path... inputs) {
        List<InputItem> items = new ArrayList<>();
        scanner.scan(List.of(inputs), items::add);
        return items;
    }

    static List<JsonDoc> docs(List<InputItem> items) {
        return items.stream()
                .filter(JsonDoc.class::isInstance)
                .map(JsonDoc.class::cast)
                .toList();
    }

    static Map<String, String> bad(List<InputItem> items) {
        Map<String, String> m = new LinkedHashMap<>();
        items.stream()
                .filter(BadItem.class::isInstance)
                .map(BadItem.class::cast)
                .forEach(b -> m.put(b.name(), b.reason()));
        return m;
    }

    @Test
    void realArchivesYieldTheTwoJsonsAndSkipMacJunk() throws IOException {
        Path dir = TestData.archives();
        List<InputItem> items = scan(new InputScanner(), dir.resolve(TRAIN_ARCHIVE), dir.resolve(VALIDATION_ARCHIVE));

        // Each archive holds .DS_Store and ._.DS_Store in two folders; validation also the AppleDouble
        // ._01a1a77a-....json (212 bytes, binary). None of them may come out, not even as a BadItem.
        assertEquals(2, items.size(), () -> "items: " + items);
        JsonDoc train = assertInstanceOf(JsonDoc.class, items.get(0));
        JsonDoc validation = assertInstanceOf(JsonDoc.class, items.get(1));
        assertEquals(
                TRAIN_ARCHIVE + "!/acousticbrainz-mediaeval-train/01/01a0a332-d340-4806-a88b-cb60a05355c0.json",
                train.name());
        assertEquals("01a0a332-d340-4806-a88b-cb60a05355c0", train.mbid());
        assertEquals(
                VALIDATION_ARCHIVE
                        + "!/acousticbrainz-mediaeval-validation/01/01a1a77a-f81e-49a5-9fea-7060394409ec.json",
                validation.name());
        assertEquals("01a1a77a-f81e-49a5-9fea-7060394409ec", validation.mbid());

        // README: the lowlevel/ copies are byte-identical to the archive entries.
        assertEquals(66227, train.bytes().length);
        assertEquals(63015, validation.bytes().length);
        assertArrayEquals(
                Files.readAllBytes(TestData.lowlevel().resolve("01a0a332-d340-4806-a88b-cb60a05355c0.json")),
                train.bytes());
        assertArrayEquals(
                Files.readAllBytes(TestData.lowlevel().resolve("01a1a77a-f81e-49a5-9fea-7060394409ec.json")),
                validation.bytes());
        assertEquals(-1, new InputScanner().countCandidates(List.of(dir.resolve(TRAIN_ARCHIVE))));
    }

    @Test
    void lowlevelFolderTenFilesSevenMbids() throws IOException {
        Path dir = TestData.lowlevel();
        InputScanner scanner = new InputScanner();
        List<InputItem> items = scan(scanner, dir);
        assertEquals(10, items.size());
        List<JsonDoc> docs = docs(items);
        assertEquals(10, docs.size());
        assertEquals(10, scanner.countCandidates(List.of(dir)));

        List<String> names = docs.stream().map(JsonDoc::name).toList();
        assertEquals(names.stream().sorted().toList(), names, "sorted path order");
        assertEquals(
                "lowlevel/00c47ea6-3a10-4a32-b1f1-990ac756c6a0-1.json", names.get(0), "named after the input folder");

        Map<String, Long> perMbid =
                docs.stream().collect(Collectors.groupingBy(JsonDoc::mbid, TreeMap::new, Collectors.counting()));
        assertEquals(7, perMbid.size(), perMbid::toString);
        assertEquals(4L, perMbid.get("00c47ea6-3a10-4a32-b1f1-990ac756c6a0"));
        assertEquals(
                new TreeSet<>(
                        List.of("00c47ea6", "01a0a332", "01a1a77a", "0dad432b", "a3b8950a", "be9e01e5", "e8afe383")),
                perMbid.keySet().stream().map(m -> m.substring(0, 8)).collect(Collectors.toCollection(TreeSet::new)));
        for (JsonDoc d : docs) {
            assertArrayEquals(Files.readAllBytes(dir.getParent().resolve(d.name())), d.bytes(), d.name());
        }
    }

    @Test
    void edgeFolderRefusesNonMbidNameAndNonJson() {
        Path dir = TestData.sharedData().resolve("acousticbrainz/lowlevel-edge");
        InputScanner scanner = new InputScanner();
        List<InputItem> items = scan(scanner, dir);
        assertEquals(6, items.size());
        assertEquals(6, scanner.countCandidates(List.of(dir)));
        assertEquals(
                Map.of(
                        "lowlevel-edge/335679c30222c2b482337ef4570fe758.json",
                        InputScanner.NOT_AN_MBID,
                        "lowlevel-edge/README.md",
                        InputScanner.NOT_JSON),
                bad(items));
        assertEquals(
                List.of(
                        "00c47ea6-3a10-4a32-b1f1-990ac756c6a0",
                        "00c47ea6-3a10-4a32-b1f1-990ac756c6a0",
                        "00c47ea6-3a10-4a32-b1f1-990ac756c6a0",
                        "cd3f5efa-bc5e-4064-a765-960494ad4bb4"),
                docs(items).stream().map(JsonDoc::mbid).toList());
    }

    @Test
    void folderWithArchivesStreamsThemInPlace() {
        Path dir = TestData.sharedData().resolve("acousticbrainz");
        InputScanner scanner = new InputScanner();
        assertEquals(-1, scanner.countCandidates(List.of(dir)), "archives inside: count unknown");
        List<InputItem> items = scan(scanner, dir);
        List<String> docNames = docs(items).stream().map(JsonDoc::name).toList();
        assertEquals(2 + 10 + 4, docNames.size());
        assertEquals(
                "acousticbrainz/archives/" + TRAIN_ARCHIVE
                        + "!/acousticbrainz-mediaeval-train/01/01a0a332-d340-4806-a88b-cb60a05355c0.json",
                docNames.get(0));
        assertEquals("acousticbrainz/lowlevel/00c47ea6-3a10-4a32-b1f1-990ac756c6a0-1.json", docNames.get(2));
        assertEquals("acousticbrainz/lowlevel-edge/00c47ea6-3a10-4a32-b1f1-990ac756c6a0-0.json", docNames.get(12));
        assertEquals(2, bad(items).size());
    }

    @Test
    void singleJsonFileAndMissingInput(@TempDir Path tmp) {
        Path file = TestData.lowlevel().resolve("be9e01e5-8f93-494d-bbaa-ddcc5a52f629.json");
        InputScanner scanner = new InputScanner();
        List<InputItem> items =
                scan(scanner, file, tmp.resolve("nope"), TestData.sharedData().resolve("README.md"));
        assertEquals(3, items.size());
        JsonDoc d = assertInstanceOf(JsonDoc.class, items.get(0));
        assertEquals("be9e01e5-8f93-494d-bbaa-ddcc5a52f629.json", d.name());
        assertEquals("be9e01e5-8f93-494d-bbaa-ddcc5a52f629", d.mbid());
        assertEquals(62316, d.bytes().length);
        BadItem missing = assertInstanceOf(BadItem.class, items.get(1));
        assertEquals("nope", missing.name());
        assertTrue(missing.reason().startsWith("input does not exist"), missing.reason());
        assertInstanceOf(BadItem.class, items.get(2));
        assertEquals(1, scanner.countCandidates(List.of(file)));
    }

    @Test
    void sizeLimitOnRealFilesRefusesTheLargeOnesOnly() {
        // The four 00c47ea6 submissions are 56017..56788 bytes; the six others are 62316..120684 bytes.
        InputScanner scanner = new InputScanner(60_000);
        List<InputItem> items = scan(scanner, TestData.lowlevel());
        assertEquals(10, items.size());
        assertEquals(4, docs(items).size());
        assertTrue(docs(items).stream().allMatch(d -> d.mbid().startsWith("00c47ea6")));
        Map<String, String> bad = bad(items);
        assertEquals(6, bad.size());
        assertEquals(
                InputScanner.TOO_LARGE + "120684 bytes exceeds the limit of 60000 bytes",
                bad.get("lowlevel/a3b8950a-d1f8-49b9-b88f-89f38726f332.json"));

        // Same limit on the archive entries: 66227 is refused, 63015 too; limit 64000 lets 63015 through.
        Path dir = TestData.archives();
        List<InputItem> arch =
                scan(new InputScanner(64_000), dir.resolve(TRAIN_ARCHIVE), dir.resolve(VALIDATION_ARCHIVE));
        assertEquals(2, arch.size());
        assertTrue(assertInstanceOf(BadItem.class, arch.get(0)).reason().startsWith(InputScanner.TOO_LARGE));
        assertEquals(
                "01a1a77a-f81e-49a5-9fea-7060394409ec",
                assertInstanceOf(JsonDoc.class, arch.get(1)).mbid());
    }

    @Test
    void truncatedRealArchiveIsOneBadItemAndScanningContinues(@TempDir Path tmp) throws IOException {
        byte[] full = Files.readAllBytes(TestData.archives().resolve(TRAIN_ARCHIVE));
        Path cut = tmp.resolve("cut.tar.bz2");
        Files.write(cut, Arrays.copyOf(full, full.length / 2));
        List<InputItem> items =
                scan(new InputScanner(), cut, TestData.archives().resolve(VALIDATION_ARCHIVE));
        assertEquals(2, items.size(), items::toString);
        BadItem b = assertInstanceOf(BadItem.class, items.get(0));
        assertEquals("cut.tar.bz2", b.name());
        assertTrue(b.reason().startsWith(InputScanner.CORRUPT_ARCHIVE), b.reason());
        assertEquals(
                "01a1a77a-f81e-49a5-9fea-7060394409ec",
                assertInstanceOf(JsonDoc.class, items.get(1)).mbid());
    }

    @Test
    void readBoundedStopsAfterLimit() throws IOException {
        byte[] data = new byte[200_000];
        assertEquals(200_000, DocumentReader.readBounded(new java.io.ByteArrayInputStream(data), 200_000).length);
        assertEquals(null, DocumentReader.readBounded(new java.io.ByteArrayInputStream(data), 199_999));
        // An endless stream must not be read further than limit + 1 bytes.
        long[] served = {0};
        java.io.InputStream endless = new java.io.InputStream() {
            @Override
            public int read() {
                served[0]++;
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) 'x');
                served[0] += len;
                return len;
            }
        };
        assertEquals(null, DocumentReader.readBounded(endless, 1_000_000));
        assertEquals(1_000_001, served[0]);
    }
}
