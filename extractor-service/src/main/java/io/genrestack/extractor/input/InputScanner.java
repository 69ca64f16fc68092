package io.genrestack.extractor.input;

import io.genrestack.extractor.input.InputItem.BadItem;
import io.genrestack.extractor.input.InputItem.JsonDoc;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.jboss.logging.Logger;

/**
 * Streams the candidate feature documents of a list of inputs, one {@link InputItem} at a time, without
 * unpacking anything to disk.
 *
 * <p>An input is one of:
 * <ul>
 *   <li>a folder, walked depth-first with the entries of every folder in sorted name order (so the order is
 *       deterministic); a {@code .tar.bz2}/{@code .tbz2} archive found in a folder is streamed in place;</li>
 *   <li>a {@code .tar.bz2}/{@code .tbz2} archive, read as a stream (bzip2 then tar);</li>
 *   <li>a single {@code .json} file.</li>
 * </ul>
 *
 * <p>Rules: macOS junk ({@code ._*}, {@code .DS_Store}, anything under {@code __MACOSX/}) and directories are
 * skipped silently. Everything else yields exactly one item: a {@link JsonDoc} for a {@code .json} file whose
 * name is a recording MBID (optionally with a {@code -<n>} submission suffix), or a {@link BadItem} with the
 * reason (not JSON, name not an MBID, too large, a link, a path escaping the archive, unreadable). Links are
 * never followed, except that a symbolic link to a regular file inside an input folder is read when its real
 * path stays inside that folder. A corrupt or truncated archive yields a {@link BadItem} named after the
 * archive (after the items read before the damage) and scanning goes on with the next input.
 *
 * <p>Exceptions thrown by the sink are not caught. Not thread-safe; use one instance per scan.
 */
public final class InputScanner {

    /** Default upper bound on the size of one document: 16 MiB. */
    public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;

    /** Reason of a file or entry whose name is not {@code <mbid>[-<n>].json}. */
    public static final String NOT_AN_MBID = "file name is not a recording MBID";
    /** Reason of an archive entry with an absolute path or a {@code ..} segment. */
    public static final String ESCAPES_ARCHIVE = "path escapes the archive";
    /** Reason of a symbolic or hard link entry. */
    public static final String LINK_REFUSED = "link entry refused";
    /** Reason of a file or entry that does not end in {@code .json}. */
    public static final String NOT_JSON = "not a .json file";
    /** Prefix of the reason of a damaged archive; the exception message follows. */
    public static final String CORRUPT_ARCHIVE = "corrupt archive: ";
    /** Prefix of the reason of an oversize file or entry. */
    public static final String TOO_LARGE = "too large: ";
    /** Prefix of the reason of an archive that expands far beyond any real dump (the rest of it is not read). */
    public static final String BOMB = "decompression bomb refused: ";
    /**
     * Expansion ratio (bytes out of bzip2 per compressed byte read) beyond which an archive is refused, once it has
     * produced {@link #BOMB_MIN_BYTES}. Real AcousticBrainz dumps expand about 10×; a bzip2 bomb of zeros 175 000×.
     */
    public static final long BOMB_RATIO = 1000;
    /** Output below which the ratio is not checked (small, very regular archives are fine). */
    public static final long BOMB_MIN_BYTES = 64L << 20;

    private static final Logger LOG = Logger.getLogger(InputScanner.class);
    private static final int CHUNK = 64 * 1024;

    private final long maxBytes;

    /** A scanner with the default size limit of 16 MiB per document. */
    public InputScanner() {
        this(DEFAULT_MAX_BYTES);
    }

    /** A scanner that refuses documents larger than {@code maxBytes} (they are never read whole). */
    public InputScanner(long maxBytes) {
        if (maxBytes <= 0 || maxBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("maxBytes must be in 1.." + (Integer.MAX_VALUE - 16) + ": " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** The size limit per document, in bytes. */
    public long maxBytes() {
        return maxBytes;
    }

    /** Streams every item of every input, in the order given, to {@code sink}. */
    public void scan(List<Path> inputs, Consumer<InputItem> sink) {
        for (Path input : inputs) {
            scanInput(input, sink);
        }
    }

    /**
     * The number of items {@link #scan} will emit, when that is cheap to know: folders are walked and their
     * non-junk files counted; a single {@code .json} file counts 1. Returns -1 (unknown) as soon as an archive
     * is among the inputs or inside a folder, or an input cannot be read.
     */
    public long countCandidates(List<Path> inputs) {
        long total = 0;
        for (Path input : inputs) {
            long n = countInput(input);
            if (n < 0) {
                return -1;
            }
            total += n;
        }
        return total;
    }

    // ---------------------------------------------------------------- classification helpers

    /** True for macOS metadata that is skipped silently: {@code ._*}, {@code .DS_Store}, {@code __MACOSX/...}. */
    public static boolean isJunk(String path) {
        String p = path.replace('\\', '/');
        for (String seg : p.split("/")) {
            if (seg.equals("__MACOSX")) {
                return true;
            }
        }
        String base = baseName(p);
        return base.startsWith("._") || base.equals(".DS_Store");
    }

    /** True for names of bzip2-compressed tar archives ({@code .tar.bz2}, {@code .tbz2}). */
    public static boolean isArchiveName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".tar.bz2") || n.endsWith(".tbz2");
    }

    private static boolean isJsonName(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".json");
    }

    private static String baseName(String path) {
        String p = path;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        int slash = p.lastIndexOf('/');
        return slash < 0 ? p : p.substring(slash + 1);
    }

    // ---------------------------------------------------------------- inputs

    private void scanInput(Path input, Consumer<InputItem> sink) {
        String display = input.getFileName() == null ? input.toString() : input.getFileName().toString();
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(input, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            sink.accept(new BadItem(display, "input does not exist: " + input));
            return;
        } catch (IOException e) {
            sink.accept(new BadItem(display, "input unreadable: " + message(e)));
            return;
        }
        if (attrs.isDirectory()) {
            Path root;
            try {
                root = input.toRealPath();
            } catch (IOException e) {
                sink.accept(new BadItem(display, "input unreadable: " + message(e)));
                return;
            }
            walkFolder(root, root, display + "/", sink);
        } else if (isArchiveName(display)) {
            scanArchive(input, display, sink);
        } else if (isJsonName(display)) {
            readFile(input, display, attrs.size(), sink);
        } else {
            sink.accept(new BadItem(display, "not a .json file or a .tar.bz2 archive"));
        }
    }

    /**
     * Items of a folder input are named {@code <folder name>/<path inside it>}, e.g. {@code lowlevel/00/x.json}, so
     * that dead letters of two input folders holding the same relative paths can be told apart.
     */
    private void walkFolder(Path root, Path dir, String prefix, Consumer<InputItem> sink) {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path child : ds) {
                children.add(child);
            }
        } catch (IOException e) {
            sink.accept(new BadItem(prefix + relative(root, dir), "folder unreadable: " + message(e)));
            return;
        }
        children.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path child : children) {
            String rel = relative(root, child);
            if (isJunk(rel)) {
                continue;
            }
            String name = prefix + rel;
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                sink.accept(new BadItem(name, "unreadable: " + message(e)));
                continue;
            }
            if (attrs.isDirectory()) {
                walkFolder(root, child, prefix, sink);
            } else if (attrs.isSymbolicLink()) {
                followFileLink(root, child, name, sink);
            } else if (!attrs.isRegularFile()) {
                sink.accept(new BadItem(name, "not a regular file"));
            } else {
                fileItem(child, name, attrs.size(), sink);
            }
        }
    }

    /** A symlink inside a folder: read only when it points to a regular file inside the same folder tree. */
    private void followFileLink(Path root, Path link, String name, Consumer<InputItem> sink) {
        try {
            Path target = link.toRealPath();
            if (!target.startsWith(root)) {
                sink.accept(new BadItem(name, LINK_REFUSED + " (target outside the input folder)"));
                return;
            }
            BasicFileAttributes t = Files.readAttributes(target, BasicFileAttributes.class);
            if (!t.isRegularFile()) {
                sink.accept(new BadItem(name, LINK_REFUSED + " (target is not a regular file)"));
                return;
            }
            fileItem(target, name, t.size(), sink);
        } catch (IOException e) {
            sink.accept(new BadItem(name, LINK_REFUSED + " (" + message(e) + ")"));
        }
    }

    private void fileItem(Path file, String rel, long size, Consumer<InputItem> sink) {
        if (isArchiveName(rel)) {
            scanArchive(file, rel, sink);
        } else {
            readFile(file, rel, size, sink);
        }
    }

    private void readFile(Path file, String name, long size, Consumer<InputItem> sink) {
        InputItem item;
        Optional<String> refusal = refuseByName(name);
        if (refusal.isPresent()) {
            item = new BadItem(name, refusal.get());
        } else if (size > maxBytes) {
            item = tooLarge(name, size);
        } else {
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = readBounded(in, maxBytes);
                item = bytes == null ? tooLarge(name, -1) : new JsonDoc(name, mbidOf(name), bytes);
            } catch (IOException e) {
                item = new BadItem(name, "unreadable: " + message(e));
            }
        }
        sink.accept(item);
    }

    private long countInput(Path input) {
        String display = input.getFileName() == null ? input.toString() : input.getFileName().toString();
        if (Files.isDirectory(input)) {
            long[] count = {0};
            try {
                return countFolder(input, count) ? count[0] : -1;
            } catch (IOException e) {
                return -1;
            }
        }
        if (isArchiveName(display) || !Files.isRegularFile(input)) {
            return -1;
        }
        return 1;
    }

    /** Counts non-junk files; false when an archive (unknown count) is found. */
    private boolean countFolder(Path dir, long[] count) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path child : ds) {
                String name = child.getFileName().toString();
                if (name.equals("__MACOSX") || isJunk(name)) {
                    continue;
                }
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                    if (!countFolder(child, count)) {
                        return false;
                    }
                } else if (isArchiveName(name)) {
                    return false;
                } else {
                    count[0]++;
                }
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- archives

    private void scanArchive(Path archive, String archiveName, Consumer<InputItem> sink) {
        TarArchiveInputStream tar;
        try {
            tar = openTarBz2(archive);
        } catch (IOException | RuntimeException e) {
            sink.accept(new BadItem(archiveName, CORRUPT_ARCHIVE + message(e)));
            return;
        }
        int entries = 0;
        try (tar) {
            while (true) {
                InputItem item;
                try {
                    TarArchiveEntry entry = tar.getNextEntry();
                    if (entry == null) {
                        break;
                    }
                    entries++;
                    item = entryItem(archiveName, entry, tar);
                } catch (IOException | RuntimeException e) {
                    // RuntimeException: commons-compress reports some malformed headers as IllegalArgumentException.
                    LOG.debugf("archive %s damaged after %d entries: %s", archiveName, entries, e);
                    sink.accept(new BadItem(archiveName, bombMessage(e).orElse(CORRUPT_ARCHIVE + message(e))));
                    return;
                }
                if (item != null) {
                    sink.accept(item);
                }
            }
        } catch (IOException closeFailure) {
            LOG.debugf("closing %s: %s", archiveName, closeFailure);
        }
    }

    private static TarArchiveInputStream openTarBz2(Path archive) throws IOException {
        InputStream raw = Files.newInputStream(archive);
        try {
            CountingStream compressed = new CountingStream(raw, null);
            BZip2CompressorInputStream bz = new BZip2CompressorInputStream(new BufferedInputStream(compressed, CHUNK),
                    true);
            return new TarArchiveInputStream(new CountingStream(bz, compressed));
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Counts the bytes read through it; the decompressed side (with {@code compressed} set) throws once the
     * expansion passes {@link #BOMB_RATIO} beyond {@link #BOMB_MIN_BYTES}, so a bomb costs a bounded amount of
     * CPU and no memory. Skipping an entry reads through here too (TarArchiveInputStream skips by reading).
     */
    static final class CountingStream extends java.io.FilterInputStream {
        private final CountingStream compressed;
        long count;

        CountingStream(InputStream in, CountingStream compressed) {
            super(in);
            this.compressed = compressed;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // read instead of skipping so that every byte is counted
            byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(1, n))];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }

        private void add(long n) throws IOException {
            count += n;
            if (compressed != null && count > BOMB_MIN_BYTES && count > BOMB_RATIO * Math.max(1, compressed.count)) {
                throw new BombException(BOMB + count + " bytes out of " + compressed.count
                        + " compressed bytes (more than " + BOMB_RATIO + "×); the rest of the archive is not read");
            }
        }
    }

    /** Thrown by {@link CountingStream} when an archive expands like a bomb. */
    static final class BombException extends IOException {
        BombException(String message) {
            super(message);
        }
    }

    private static Optional<String> bombMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BombException b) {
                return Optional.of(b.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The item for one tar entry, or null when the entry is skipped (directory, junk). */
    private InputItem entryItem(String archiveName, TarArchiveEntry entry, InputStream tar) throws IOException {
        String raw = entry.getName();
        String path = raw;
        while (path.startsWith("./")) {
            path = path.substring(2);
        }
        String name = archiveName + "!/" + path;
        if (entry.isDirectory() || path.isEmpty()) {
            return null;
        }
        if (isJunk(path)) {
            return null;
        }
        if (entry.isSymbolicLink() || entry.isLink()) {
            return new BadItem(name, LINK_REFUSED + " (-> " + entry.getLinkName() + ")");
        }
        if (escapes(path)) {
            return new BadItem(name, ESCAPES_ARCHIVE);
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO() || !entry.isFile()) {
            return new BadItem(name, "not a regular file entry");
        }
        Optional<String> refusal = refuseByName(path);
        if (refusal.isPresent()) {
            return new BadItem(name, refusal.get());
        }
        if (entry.getSize() > maxBytes) {
            return tooLarge(name, entry.getSize());
        }
        byte[] bytes = readBounded(tar, maxBytes);
        return bytes == null ? tooLarge(name, entry.getSize()) : new JsonDoc(name, mbidOf(path), bytes);
    }

    /** True for absolute paths (Unix, Windows drive or UNC) and paths with a {@code ..} segment. */
    static boolean escapes(String path) {
        String p = path.replace('\\', '/');
        if (p.startsWith("/") || (p.length() >= 2 && p.charAt(1) == ':' && Character.isLetter(p.charAt(0)))) {
            return true;
        }
        for (String seg : p.split("/")) {
            if (seg.equals("..")) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- shared

    private static Optional<String> refuseByName(String path) {
        String base = baseName(path.replace('\\', '/'));
        if (!isJsonName(base)) {
            return Optional.of(NOT_JSON);
        }
        if (Mbids.fromFileName(base).isEmpty()) {
            return Optional.of(NOT_AN_MBID);
        }
        return Optional.empty();
    }

    private static String mbidOf(String path) {
        return Mbids.fromFileName(baseName(path.replace('\\', '/'))).orElseThrow();
    }

    private BadItem tooLarge(String name, long size) {
        String actual = size >= 0 ? size + " bytes" : "more than " + maxBytes + " bytes";
        return new BadItem(name, TOO_LARGE + actual + " exceeds the limit of " + maxBytes + " bytes");
    }

    /**
     * Reads {@code in} to its end, or returns null as soon as more than {@code max} bytes have been seen
     * (at most {@code max + 1} bytes are ever buffered).
     */
    static byte[] readBounded(InputStream in, long max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(max + 1, CHUNK));
        byte[] buf = new byte[CHUNK];
        long total = 0;
        while (true) {
            int want = (int) Math.min(buf.length, max + 1 - total);
            int n = in.read(buf, 0, want);
            if (n < 0) {
                return out.toByteArray();
            }
            total += n;
            if (total > max) {
                return null;
            }
            out.write(buf, 0, n);
        }
    }

    private static String relative(Path root, Path p) {
        Path rel = root.relativize(p);
        String s = rel.toString().replace(p.getFileSystem().getSeparator(), "/");
        return s.isEmpty() ? root.getFileName() == null ? root.toString() : root.getFileName().toString() : s;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
