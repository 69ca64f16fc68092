package io.genrestack.testkit;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a corpus of hostile AcousticBrainz input next to good data: every item is something an extractor must
 * dead-letter with a reason (and survive with bounded memory), derived from one good low-level document.
 *
 * <p>{@link #write} returns, per item, the name the extractor's scanner reports ({@code hostile/<path>} or
 * {@code hostile.tar.bz2!/<entry>}) and a fragment its dead-letter reason must contain (lower case). Documents that the
 * extractor must parse to find the fault get MBIDs of their own, listed in {@link Corpus#mbids()}: give them
 * ground-truth rows, or they are refused earlier as unknown recordings.
 */
public final class HostileCorpus {

    /** What was written: the expected dead-letter reason fragment per input name, and the MBIDs needing labels. */
    public record Corpus(Path folder, Path archive, Map<String, String> expected, List<String> mbids) {}

    /** Declared size of the bomb entry: 1 GiB of zeros, about 6 KB of bzip2. */
    public static final long BOMB_BYTES = 1L << 30;

    private HostileCorpus() {}

    /**
     * @param dir       empty folder to write into ({@code hostile/} and {@code hostile.tar.bz2} are created)
     * @param good      a valid low-level document
     * @param existing  the MBID of a track the good data already holds (for duplicates)
     * @param seed      makes the MBIDs reproducible
     */
    public static Corpus write(Path dir, byte[] good, String existing, long seed) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("hostile"));
        Map<String, String> expected = new LinkedHashMap<>();
        List<String> mbids = new ArrayList<>();
        long[] n = {0};
        String text = new String(good, StandardCharsets.UTF_8);
        Doc doc = (name, bytes, reason) -> {
            String mbid = new UUID(0x4057_11e0_0000_4000L | seed, 0x8000_0000_0000_0000L | ++n[0]).toString();
            mbids.add(mbid);
            Path f = folder.resolve(mbid + ".json");
            Files.write(f, bytes);
            expected.put("hostile/" + mbid + ".json", reason);
            return mbid;
        };
        doc.write("truncated", Arrays.copyOf(good, good.length / 2), "json");
        doc.write("wrong type", replaceLoudness(text, "\"loud\""), "average_loudness");
        doc.write("huge number", replaceLoudness(text, "1e400"), "average_loudness");
        doc.write("NaN token", replaceLoudness(text, "NaN"), "nan");
        doc.write("very long number", replaceLoudness(text, "1" + "0".repeat(5000)), "number");
        doc.write("deep nesting", nested(text, 100_000), "nesting");
        doc.write(
                "very long string value",
                replaceLoudness(text, "\"" + "x".repeat(12 << 20) + "\""),
                "average_loudness");
        doc.write("over the size limit", longString(text, 17 << 20), "too large");
        doc.write("invalid UTF-8", invalidUtf8(text), "utf-8");
        doc.write("empty", new byte[0], "json");
        doc.write("null document", "null".getBytes(StandardCharsets.UTF_8), "object");
        doc.write("array document", "[1,2,3]".getBytes(StandardCharsets.UTF_8), "object");
        doc.write("missing sections", "{\"lowlevel\":{},\"tonal\":{}}".getBytes(StandardCharsets.UTF_8), "rhythm");
        doc.write(
                "lowlevel not an object",
                text.replaceFirst("\"lowlevel\"\\s*:\\s*\\{", "\"lowlevel\": 5, \"x\": {")
                        .getBytes(StandardCharsets.UTF_8),
                "lowlevel");

        Files.createDirectories(folder.resolve("dup"));
        Files.write(folder.resolve("dup/" + existing + ".json"), good);
        expected.put("hostile/dup/" + existing + ".json", "duplicate recording mbid");
        Files.writeString(folder.resolve("notes.txt"), "not a document");
        expected.put("hostile/notes.txt", "not a .json file");
        Files.writeString(folder.resolve("not-an-mbid.json"), "{}");
        expected.put("hostile/not-an-mbid.json", "not a recording mbid");
        Files.createSymbolicLink(folder.resolve(new UUID(7, 7) + ".json"), Path.of("/etc/passwd"));
        expected.put("hostile/" + new UUID(7, 7) + ".json", "link");

        Path archive = dir.resolve("hostile.tar.bz2");
        String a = "hostile.tar.bz2!/";
        try (OutputStream raw = Files.newOutputStream(archive)) {
            // Stream 1: the entries before the bomb and the bomb's header (concatenated bzip2 streams are legal: pbzip2
            // writes them). Block size 512, so every entry is written out as soon as it is closed.
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            TarArchiveOutputStream tar = new TarArchiveOutputStream(head, 512);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            file(tar, "../" + new UUID(7, 1) + ".json", good, false);
            file(tar, "/tmp/" + new UUID(7, 2) + ".json", good, true);
            link(tar, "d/" + new UUID(7, 3) + ".json", TarConstants.LF_SYMLINK, "/etc/passwd");
            link(tar, "d/" + new UUID(7, 4) + ".json", TarConstants.LF_LINK, "d/x.json");
            file(tar, "d/" + existing + ".json", good, false);
            tar.flush();
            TarArchiveEntry bomb = new TarArchiveEntry("d/" + new UUID(7, 5) + ".json");
            bomb.setSize(BOMB_BYTES);
            byte[] header = new byte[512];
            bomb.writeEntryHeader(header);
            head.writeBytes(header);
            raw.write(bzip2(head.toByteArray()));
            // 1 GiB of zeros as 128 streams of 8 MiB (48 bytes each), then the two end-of-archive blocks
            byte[] zeros = bzip2(new byte[8 << 20]);
            for (long done = 0; done < BOMB_BYTES; done += 8 << 20) {
                raw.write(zeros);
            }
            raw.write(bzip2(new byte[1024]));
        }
        expected.put(a + "../" + new UUID(7, 1) + ".json", "escapes the archive");
        expected.put(a + "/tmp/" + new UUID(7, 2) + ".json", "escapes the archive");
        expected.put(a + "d/" + new UUID(7, 3) + ".json", "link");
        expected.put(a + "d/" + new UUID(7, 4) + ".json", "link");
        expected.put(a + "d/" + existing + ".json", "duplicate recording mbid");
        expected.put(a + "d/" + new UUID(7, 5) + ".json", "too large");
        expected.put("hostile.tar.bz2", "decompression bomb");
        return new Corpus(folder, archive, expected, mbids);
    }

    @FunctionalInterface
    private interface Doc {
        String write(String what, byte[] bytes, String reason) throws IOException;
    }

    private static byte[] replaceLoudness(String doc, String value) {
        String out = doc.replaceFirst("\"average_loudness\"\\s*:\\s*[0-9.eE+-]+", "\"average_loudness\": " + value);
        if (out.equals(doc)) {
            throw new IllegalArgumentException("the good document has no lowlevel.average_loudness number");
        }
        return out.getBytes(StandardCharsets.UTF_8);
    }

    /** The document with a {@code depth}-deep array inserted as its first member. */
    private static byte[] nested(String doc, int depth) {
        int brace = doc.indexOf('{');
        return (doc.substring(0, brace + 1) + "\"deep\": " + "[".repeat(depth) + "]".repeat(depth) + ", "
                        + doc.substring(brace + 1))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The document with a string member of {@code chars} characters. */
    private static byte[] longString(String doc, int chars) {
        int brace = doc.indexOf('{');
        return (doc.substring(0, brace + 1) + "\"long\": \"" + "x".repeat(chars) + "\", " + doc.substring(brace + 1))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The document with a malformed UTF-8 sequence (0xC3 0x28) inside a string member. */
    private static byte[] invalidUtf8(String doc) {
        int brace = doc.indexOf('{');
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((doc.substring(0, brace + 1) + "\"bad\": \"a").getBytes(StandardCharsets.UTF_8));
        b.write(0xC3);
        b.write(0x28);
        b.writeBytes(("b\", " + doc.substring(brace + 1)).getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    /** Writes a regular file entry ({@code preserveAbsolute}: keep a leading {@code /} in the name). */
    public static void file(TarArchiveOutputStream tar, String name, byte[] data, boolean preserveAbsolute)
            throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, preserveAbsolute);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    /** Writes a link entry ({@code TarConstants.LF_SYMLINK} or {@code LF_LINK}). */
    public static void link(TarArchiveOutputStream tar, String name, byte type, String target) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setLinkName(target);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    /** One complete bzip2 stream of {@code data}. */
    public static byte[] bzip2(byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(bos)) {
            bz.write(data);
        }
        return bos.toByteArray();
    }
}
