package io.genrestack.extractor.input;

import io.genrestack.extractor.input.InputItem.BadItem;
import io.genrestack.extractor.input.InputItem.JsonDoc;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.genrestack.extractor.input.InputScannerTest.bad;
import static io.genrestack.extractor.input.InputScannerTest.docs;
import static io.genrestack.extractor.input.InputScannerTest.scan;
import static io.genrestack.testkit.HostileCorpus.bzip2;
import static io.genrestack.testkit.HostileCorpus.file;
import static io.genrestack.testkit.HostileCorpus.link;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Archives built here with commons-compress, full of entries a scanner must refuse. */
class HostileArchiveTest {

    private static final String A = "aaaaaaaa-1111-4111-8111-111111111111";
    private static final String B = "bbbbbbbb-2222-4222-8222-222222222222";
    private static final String C = "cccccccc-3333-4333-8333-333333333333";
    private static final String D = "dddddddd-4444-4444-8444-444444444444";

    private static byte[] json(String mbid) {
        return ("{\"metadata\":{\"tags\":{\"musicbrainz_recordingid\":[\"" + mbid + "\"]}}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static TarArchiveOutputStream tarOver(OutputStream out) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        return tar;
    }

    @Test
    void everyHostileEntryIsABadItemWithItsReasonAndGoodEntriesComeThrough(@TempDir Path tmp) throws IOException {
        Path archive = tmp.resolve("hostile.tar.bz2");
        byte[] oversize = new byte[10_000];
        Arrays.fill(oversize, (byte) ' ');
        try (OutputStream out = new BZip2CompressorOutputStream(Files.newOutputStream(archive));
                TarArchiveOutputStream tar = tarOver(out)) {
            TarArchiveEntry dir = new TarArchiveEntry("data/01/");
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            file(tar, "data/01/" + A + ".json", json(A), false);
            file(tar, "../" + A + ".json", json(A), false);
            file(tar, "data/../../" + A + ".json", json(A), false);
            file(tar, "/tmp/" + A + ".json", json(A), true);
            link(tar, "data/01/" + B + ".json", TarConstants.LF_SYMLINK, "/etc/passwd");
            link(tar, "data/01/" + B + "-2.json", TarConstants.LF_LINK, "data/01/" + A + ".json");
            file(tar, "data/01/notes.txt", "hello".getBytes(StandardCharsets.UTF_8), false);
            file(tar, "data/01/sample.json", json(A), false);
            file(tar, "data/01/" + C + ".json", oversize, false);
            file(tar, "data/01/._" + D + ".json", new byte[212], false);
            file(tar, "data/01/.DS_Store", new byte[6148], false);
            file(tar, "__MACOSX/data/01/" + D + ".json", json(D), false);
            file(tar, "./data/02/" + D + "-7.json", json(D), false);
        }

        List<InputItem> items = scan(new InputScanner(4096), archive);
        String p = "hostile.tar.bz2!/";
        assertEquals(
                List.of(p + "data/01/" + A + ".json", p + "data/02/" + D + "-7.json"),
                docs(items).stream().map(JsonDoc::name).toList());
        assertEquals(List.of(A, D), docs(items).stream().map(JsonDoc::mbid).toList());
        assertArrayEquals(json(D), docs(items).get(1).bytes());

        Map<String, String> bad = bad(items);
        assertEquals(InputScanner.ESCAPES_ARCHIVE, bad.get(p + "../" + A + ".json"));
        assertEquals(InputScanner.ESCAPES_ARCHIVE, bad.get(p + "data/../../" + A + ".json"));
        assertEquals(InputScanner.ESCAPES_ARCHIVE, bad.get(p + "/tmp/" + A + ".json"), bad::toString);
        assertEquals(InputScanner.LINK_REFUSED + " (-> /etc/passwd)", bad.get(p + "data/01/" + B + ".json"));
        assertEquals(
                InputScanner.LINK_REFUSED + " (-> data/01/" + A + ".json)", bad.get(p + "data/01/" + B + "-2.json"));
        assertEquals(InputScanner.NOT_JSON, bad.get(p + "data/01/notes.txt"));
        assertEquals(InputScanner.NOT_AN_MBID, bad.get(p + "data/01/sample.json"));
        assertEquals(
                InputScanner.TOO_LARGE + "10000 bytes exceeds the limit of 4096 bytes",
                bad.get(p + "data/01/" + C + ".json"));
        assertEquals(8, bad.size(), bad::toString);
        assertEquals(10, items.size(), "junk and the directory are not emitted at all");
        assertTrue(items.stream()
                .noneMatch(i -> i.name().contains("._")
                        || i.name().contains(".DS_Store")
                        || i.name().contains("__MACOSX")));
    }

    @Test
    void truncatedSecondBzip2StreamKeepsWhatCameBeforeTheDamage(@TempDir Path tmp) throws IOException {
        // Two tar entries, each in its own bzip2 stream (concatenated streams are legal: pbzip2 writes them);
        // the second stream is cut in half.
        ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
        int firstEnd;
        try (TarArchiveOutputStream tar = tarOver(tarBytes)) {
            file(tar, "x/" + A + ".json", json(A), false);
            tar.flush();
            firstEnd = tarBytes.size();
            byte[] noise = new byte[300_000];
            new java.util.Random(7).nextBytes(noise);
            file(tar, "x/" + B + ".json", noise, false);
        }
        byte[] all = tarBytes.toByteArray();
        assertEquals(1024, firstEnd, "first entry: one header block and one data block");
        byte[] first = bzip2(Arrays.copyOfRange(all, 0, firstEnd));
        byte[] second = bzip2(Arrays.copyOfRange(all, firstEnd, all.length));
        Path cut = tmp.resolve("cut.tar.bz2");
        try (OutputStream o = Files.newOutputStream(cut)) {
            o.write(first);
            o.write(second, 0, second.length / 2);
        }
        Path good = tmp.resolve("good.tbz2");
        try (OutputStream out = new BZip2CompressorOutputStream(Files.newOutputStream(good));
                TarArchiveOutputStream tar = tarOver(out)) {
            file(tar, C + ".json", json(C), false);
        }

        List<InputItem> items = scan(new InputScanner(), cut, good);
        assertEquals(3, items.size(), items::toString);
        assertEquals(
                "cut.tar.bz2!/x/" + A + ".json",
                assertInstanceOf(JsonDoc.class, items.get(0)).name());
        BadItem b = assertInstanceOf(BadItem.class, items.get(1));
        assertEquals("cut.tar.bz2", b.name());
        assertTrue(
                b.reason().startsWith(InputScanner.CORRUPT_ARCHIVE)
                        && b.reason().length() > InputScanner.CORRUPT_ARCHIVE.length(),
                b.reason());
        assertEquals(C, assertInstanceOf(JsonDoc.class, items.get(2)).mbid());
    }

    @Test
    void notBzip2AtAllIsACorruptArchive(@TempDir Path tmp) throws IOException {
        Path fake = tmp.resolve("fake.tar.bz2");
        Files.write(fake, json(A));
        List<InputItem> items = scan(new InputScanner(), fake);
        assertEquals(1, items.size());
        BadItem b = assertInstanceOf(BadItem.class, items.get(0));
        assertEquals("fake.tar.bz2", b.name());
        assertTrue(b.reason().startsWith(InputScanner.CORRUPT_ARCHIVE), b.reason());
    }

    @Test
    void sinkExceptionsAreNotSwallowed(@TempDir Path tmp) throws IOException {
        Path archive = tmp.resolve("ok.tar.bz2");
        try (OutputStream out = new BZip2CompressorOutputStream(Files.newOutputStream(archive));
                TarArchiveOutputStream tar = tarOver(out)) {
            file(tar, A + ".json", json(A), false);
        }
        IllegalStateException thrown = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class,
                () -> new InputScanner().scan(List.of(archive), item -> {
                    throw new IllegalStateException("sink down");
                }));
        assertEquals("sink down", thrown.getMessage());
    }

    @Test
    void bzip2BombIsRefusedAfterBoundedWorkAndTheEntriesBeforeItComeThrough(@TempDir Path tmp) throws IOException {
        Path good = TestData.lowlevel().resolve(A_REAL + ".json");
        io.genrestack.testkit.HostileCorpus.Corpus corpus =
                io.genrestack.testkit.HostileCorpus.write(tmp, Files.readAllBytes(good), A_REAL, 1);
        assertTrue(Files.size(corpus.archive()) < 64 * 1024, "the bomb is small: " + Files.size(corpus.archive()));

        List<InputItem> items = scan(new InputScanner(), corpus.archive());
        Map<String, String> bad = bad(items);
        corpus.expected().forEach((name, fragment) -> {
            if (name.startsWith("hostile.tar.bz2")) {
                if (name.endsWith("!/d/" + A_REAL + ".json")) {
                    // a valid document: the scanner passes it on; the extractor refuses the duplicate MBID
                    assertEquals(A_REAL, docs(items).get(0).mbid());
                } else {
                    assertTrue(bad.containsKey(name), name + " not reported: " + bad);
                    assertTrue(
                            bad.get(name).toLowerCase(java.util.Locale.ROOT).contains(fragment),
                            name + ": " + bad.get(name));
                }
            }
        });
        String reason = bad.get("hostile.tar.bz2");
        assertTrue(reason.startsWith(InputScanner.BOMB), reason);
        long out = Long.parseLong(reason.substring(InputScanner.BOMB.length()).split(" ")[0]);
        assertTrue(
                out > InputScanner.BOMB_MIN_BYTES && out < io.genrestack.testkit.HostileCorpus.BOMB_BYTES / 4,
                "stopped early, after " + out + " of " + io.genrestack.testkit.HostileCorpus.BOMB_BYTES + " bytes");
        assertEquals(7, items.size(), items::toString);
    }

    private static final String A_REAL = "0dad432b-16cc-4bf0-8961-fd31d124b01b";
}
