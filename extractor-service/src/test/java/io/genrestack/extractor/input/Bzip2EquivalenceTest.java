package io.genrestack.extractor.input;

import io.genrestack.extractor.input.InputItem.BadItem;
import io.genrestack.extractor.input.InputItem.JsonDoc;
import io.genrestack.testkit.HostileCorpus;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same archives (the real ones of shared/data, a multi-block archive of the real documents, and damaged and hostile
 * ones) through commons-compress and through every native decompressor of {@code auto} found here: the same items
 * (names, MBIDs, bytes, reasons, order), a damaged archive included: a native decompressor that fails (it does, with
 * its own exit status and message, on the truncated, empty and not-bzip2 ones) is followed by commons-compress from the
 * entries already handed over, so the dead letter and the items before it are the Java path's.
 */
class Bzip2EquivalenceTest {

    @TempDir
    static Path tmp;

    private static final Map<String, byte[]> ARCHIVES = new LinkedHashMap<>();

    @BeforeAll
    static void archives() throws IOException {
        for (String name : List.of(
                "acousticbrainz-mediaeval-features-train-01.tar.bz2",
                "acousticbrainz-mediaeval-features-validation-01.tar.bz2")) {
            ARCHIVES.put(name, Files.readAllBytes(TestData.archives().resolve(name)));
        }
        // many bzip2 blocks (900 kB each) of real documents, with a few refused entries among them
        ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
        List<Path> docs;
        try (Stream<Path> s = Files.list(TestData.lowlevel())) {
            docs = s.sorted().toList();
        }
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int copy = 0; copy < 8; copy++) {
                for (Path doc : docs) {
                    HostileCorpus.file(tar, "c" + copy + "/" + doc.getFileName(), Files.readAllBytes(doc), false);
                }
                HostileCorpus.file(tar, "c" + copy + "/notes.txt", "x".getBytes(StandardCharsets.UTF_8), false);
            }
        }
        byte[] big = HostileCorpus.bzip2(tarBytes.toByteArray());
        assertTrue(big.length > 1_000_000, "several bzip2 blocks: " + big.length);
        ARCHIVES.put("big.tar.bz2", big);
        byte[] train = ARCHIVES.get("acousticbrainz-mediaeval-features-train-01.tar.bz2");
        for (int percent : new int[] {10, 50, 90, 99}) {
            ARCHIVES.put("big-cut-" + percent + ".tar.bz2", Arrays.copyOf(big, big.length * percent / 100));
            ARCHIVES.put("train-cut-" + percent + ".tar.bz2", Arrays.copyOf(train, train.length * percent / 100));
        }
        ARCHIVES.put("train-minus-1.tar.bz2", Arrays.copyOf(train, train.length - 1));
        byte[] flipped = big.clone();
        flipped[big.length / 2] ^= 0x55;
        ARCHIVES.put("big-flipped.tar.bz2", flipped);
        ARCHIVES.put("empty.tar.bz2", new byte[0]);
        ARCHIVES.put("not-bzip2.tar.bz2", Files.readAllBytes(docs.get(0)));
        ARCHIVES.put("bzip2-not-tar.tar.bz2", HostileCorpus.bzip2(Files.readAllBytes(docs.get(0))));
        // two streams, the second cut: concatenated streams are legal (pbzip2 writes them)
        byte[] half = Arrays.copyOf(big, big.length / 2);
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        two.write(HostileCorpus.bzip2(Arrays.copyOf(tarBytes.toByteArray(), 1024 * 64)));
        two.write(half);
        ARCHIVES.put("two-streams-cut.tar.bz2", two.toByteArray());
        // the hostile corpus: refused entries, then a bomb
        String mbid = "0dad432b-16cc-4bf0-8961-fd31d124b01b";
        HostileCorpus.Corpus hostile = HostileCorpus.write(
                tmp.resolve("hostile"), Files.readAllBytes(TestData.lowlevel().resolve(mbid + ".json")), mbid, 3);
        ARCHIVES.put("hostile.tar.bz2", Files.readAllBytes(hostile.archive()));
    }

    /** The native commands of {@code auto} present on this machine (lbzip2, pbzip2, bzip2). */
    static Stream<String> natives() {
        return Bzip2.AUTO.stream().map(c -> String.join(" ", c)).filter(c -> {
            try {
                Bzip2.of(c);
                return true;
            } catch (IllegalArgumentException absent) {
                return false;
            }
        });
    }

    @Test
    void autoPicksTheFirstNativeCommandFoundAndJavaIsJava() {
        assertTrue(!Bzip2.of("java").isNative());
        Bzip2 auto = Bzip2.of("auto");
        List<String> present = natives().toList();
        if (present.isEmpty()) {
            assertTrue(!auto.isNative(), auto.describe());
        } else {
            String program = present.get(0).split(" ")[0];
            assertTrue(auto.command().get(0).endsWith("/" + program), auto.describe());
        }
        IllegalArgumentException missing =
                assertThrows(IllegalArgumentException.class, () -> Bzip2.of("no-such-bzip2-here -dc"));
        assertTrue(missing.getMessage().contains(Bzip2.PROPERTY), missing.getMessage());
    }

    @ParameterizedTest
    @MethodSource("natives")
    void everyArchiveGivesTheSameItemsAndEquivalentDeadLetters(String command) throws IOException {
        Bzip2 nativeBzip2 = Bzip2.of(command);
        String program = Path.of(nativeBzip2.command().get(0)).getFileName().toString();
        int damaged = 0;
        int decompressorReported = 0;
        List<String> tarDamage = new ArrayList<>();
        for (Map.Entry<String, byte[]> a : ARCHIVES.entrySet()) {
            String name = a.getKey();
            List<InputItem> java = scan(Bzip2.java(), name, a.getValue());
            List<InputItem> natively = scan(nativeBzip2, name, a.getValue());
            List<String> javaSummary = summary(java);
            List<String> nativeSummary = summary(natively);
            // the same items, bytes and reasons, damaged or not: after a native failure the archive is read on
            // with commons-compress from the entries already handed over (ArchiveStream.scan)
            assertEquals(javaSummary, nativeSummary, name + " via " + command);
            InputItem end = java.isEmpty() ? null : java.get(java.size() - 1);
            if (end instanceof BadItem b
                    && b.name().equals(name)
                    && b.reason().startsWith(InputScanner.CORRUPT_ARCHIVE)) {
                damaged++;
                assertTrue(b.reason().length() > InputScanner.CORRUPT_ARCHIVE.length() + 5, b.reason());
                // that the native decompressor itself failed here, so the resumed Java pass is what was tested
                String failure = nativeFailure(nativeBzip2, name, a.getValue());
                if (failure == null) {
                    tarDamage.add(name + ": " + b.reason());
                } else {
                    String status = program + " exited with status ";
                    int at = failure.indexOf(status);
                    assertTrue(at >= 0 && failure.length() > at + status.length() + 8, name + ": " + failure);
                    decompressorReported++;
                }
            }
            if (name.startsWith("big") && !name.startsWith("big-cut-10")) {
                assertTrue(docs(natively) > 0, name + ": the entries before the damage come through");
            }
        }
        assertEquals(14, damaged, "every damaged archive is dead-lettered (not the intact, hostile or bomb ones)");
        // the one damaged archive whose bzip2 layer is sound: the native decompressor ends well there
        assertEquals(
                List.of("bzip2-not-tar.tar.bz2"),
                tarDamage.stream().map(t -> t.substring(0, t.indexOf(':'))).toList(),
                tarDamage::toString);
        assertEquals(13, decompressorReported, "the decompressor itself fails on every other damaged archive");
        assertEquals(80, docs(scan(nativeBzip2, "big.tar.bz2", ARCHIVES.get("big.tar.bz2"))));
        String bomb = ((BadItem) last(scan(nativeBzip2, "hostile.tar.bz2", ARCHIVES.get("hostile.tar.bz2")))).reason();
        assertTrue(bomb.startsWith(InputScanner.BOMB), bomb);
    }

    @ParameterizedTest
    @MethodSource("natives")
    void aStorageFailureOfTheSourcePropagatesAndNoProcessOutlivesTheScan(String command) {
        Bzip2 nativeBzip2 = Bzip2.of(command);
        byte[] big = ARCHIVES.get("big.tar.bz2");
        long before = ProcessHandle.current().children().count();
        ArchiveStream.Source cut = () -> StorageReadFailure.guard(
                new java.io.SequenceInputStream(new ByteArrayInputStream(big, 0, big.length / 2), new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new java.net.SocketException("Connection reset");
                    }
                }),
                "s3://b/big.tar.bz2");
        List<InputItem> items = new ArrayList<>();
        ArchiveStream archives = new ArchiveStream(new DocumentReader(InputScanner.DEFAULT_MAX_BYTES), nativeBzip2);
        StorageReadFailure failure =
                assertThrows(StorageReadFailure.class, () -> archives.scan(cut, "big.tar.bz2", items::add));
        assertTrue(failure.getMessage().contains("Connection reset"), failure.getMessage());
        assertTrue(
                items.stream().noneMatch(i -> i instanceof BadItem b && b.name().equals("big.tar.bz2")),
                () -> "no dead letter for a transport failure: " + items);
        assertTrue(docs(items) > 0, "entries before the failure were read");

        // a sink that fails on the first item: the exception propagates, the process is killed
        IllegalStateException thrown = assertThrows(
                IllegalStateException.class,
                () -> archives.scan(() -> new ByteArrayInputStream(big), "big.tar.bz2", item -> {
                    throw new IllegalStateException("sink down");
                }));
        assertEquals("sink down", thrown.getMessage());
        assertEquals(before, ProcessHandle.current().children().count(), "no decompressor left running");
    }

    private static List<InputItem> scan(Bzip2 bzip2, String name, byte[] archive) {
        List<InputItem> items = new ArrayList<>();
        // not a file: the stream object storage would give (the pump feeds any InputStream)
        new ArchiveStream(new DocumentReader(InputScanner.DEFAULT_MAX_BYTES), bzip2)
                .scan(() -> StorageReadFailure.guard(new ByteArrayInputStream(archive), name), name, items::add);
        return items;
    }

    /** The error a native decompressor's output stream ends with on {@code archive}, or null when it ends well. */
    private static String nativeFailure(Bzip2 bzip2, String name, byte[] archive) {
        try (Bzip2.Decoding d = bzip2.open(new ByteArrayInputStream(archive), name)) {
            d.stream().transferTo(java.io.OutputStream.nullOutputStream());
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private static <T> T last(List<T> items) {
        return items.get(items.size() - 1);
    }

    private static long docs(List<InputItem> items) {
        return items.stream().filter(JsonDoc.class::isInstance).count();
    }

    /** Items as comparable lines; a damaged archive's reason reduced to its shared part. */
    private static List<String> summary(List<InputItem> items) {
        return items.stream()
                .map(i -> i instanceof JsonDoc d
                        ? "doc " + d.name() + " " + d.mbid() + " " + sha256(d.bytes())
                        : "bad " + i.name() + ": " + sharedReason(((BadItem) i).reason()))
                .toList();
    }

    private static String sharedReason(String reason) {
        return reason.startsWith(InputScanner.CORRUPT_ARCHIVE) ? InputScanner.CORRUPT_ARCHIVE : reason;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
