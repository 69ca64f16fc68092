package io.genrestack.extractor.input;

import io.genrestack.extractor.input.BombGuard.CountingStream;
import io.genrestack.extractor.input.InputItem.BadItem;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Streams the entries of one {@code .tar.bz2} archive (bzip2 then tar, through the {@link BombGuard}) as items named
 * {@code <archive>!/<entry path>}. A damaged archive ends with one {@link BadItem} named after the archive, after the
 * items read before the damage. The bzip2 stage is {@link Bzip2}: commons-compress or a native decompressor process.
 */
final class ArchiveStream {
    private static final Logger LOG = Logger.getLogger(ArchiveStream.class);

    private final DocumentReader reader;
    private final Bzip2 bzip2;

    /** With the decompressor of the system property {@link Bzip2#PROPERTY} (default {@code auto}). */
    ArchiveStream(DocumentReader reader) {
        this(reader, Bzip2.fromSystemProperty());
    }

    ArchiveStream(DocumentReader reader, Bzip2 bzip2) {
        this.reader = reader;
        this.bzip2 = bzip2;
    }

    /** Opens the compressed bytes of an archive (a local file, an object in object storage). */
    @FunctionalInterface
    interface Source {
        InputStream open() throws IOException;
    }

    void scan(Path archive, String archiveName, Consumer<InputItem> sink) {
        scan(() -> Files.newInputStream(archive), archiveName, sink);
    }

    /**
     * Streams the archive that {@code source} opens. A {@link StorageReadFailure} (object storage failed, not the
     * archive) is not turned into a dead letter: it propagates and fails the job attempt.
     *
     * <p>When a native decompressor meets damage (or the bomb guard stops it), the archive is opened again and read
     * on with commons-compress after the entries already handed over, so that a damaged archive gives exactly what
     * the Java path gives — the same items before the damage and the same reason — whichever decompressor ran (a
     * failing native decompressor hands over a varying part of its last output, and words its errors its own way).
     */
    void scan(Source source, String archiveName, Consumer<InputItem> sink) {
        Damage damage = pass(bzip2, source, archiveName, sink, 0);
        if (damage != null && bzip2.isNative()) {
            LOG.debugf(
                    "archive %s: %s stopped after %d entries (%s); reading on with commons-compress",
                    archiveName,
                    bzip2.describe(),
                    damage.entriesDone(),
                    damage.item().reason());
            damage = pass(Bzip2.java(), source, archiveName, sink, damage.entriesDone());
        }
        if (damage != null) {
            sink.accept(damage.item());
        }
    }

    /** Where a pass stopped: the dead letter it would give and the tar entries fully handled before. */
    private record Damage(BadItem item, int entriesDone) {}

    /**
     * One pass over the archive with {@code decoder}, the first {@code skip} tar entries passed over unread (a
     * resumed pass); returns null at the archive's end, else the damage.
     */
    private Damage pass(Bzip2 decoder, Source source, String archiveName, Consumer<InputItem> sink, int skip) {
        Bzip2.Decoding decoding;
        TarArchiveInputStream tar;
        try {
            InputStream raw = source.open();
            try {
                CountingStream compressed = new CountingStream(raw, null);
                decoding = decoder.open(compressed, archiveName);
                tar = new TarArchiveInputStream(new CountingStream(decoding.stream(), compressed));
            } catch (IOException | RuntimeException e) {
                raw.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            StorageReadFailure.rethrowIfCause(e);
            return new Damage(new BadItem(archiveName, InputScanner.CORRUPT_ARCHIVE + InputScanner.message(e)), 0);
        }
        int entries = 0;
        // closing the decoding kills a native decompressor and joins its threads: every exit path (the end, damage,
        // a sink exception) passes here
        try (decoding) {
            while (true) {
                InputItem item;
                try {
                    TarArchiveEntry entry = tar.getNextEntry();
                    if (entry == null) {
                        return null;
                    }
                    if (entries < skip) {
                        entries++;
                        continue; // handed over by the pass before
                    }
                    item = entryItem(archiveName, entry, tar);
                } catch (IOException | RuntimeException e) {
                    // RuntimeException: commons-compress reports some malformed headers as IllegalArgumentException.
                    StorageReadFailure.rethrowIfCause(e);
                    LOG.debugf("archive %s damaged after %d entries: %s", archiveName, entries, e);
                    return new Damage(
                            new BadItem(
                                    archiveName,
                                    BombGuard.bombMessage(e)
                                            .orElse(InputScanner.CORRUPT_ARCHIVE + InputScanner.message(e))),
                            entries);
                }
                entries++;
                if (item != null) {
                    sink.accept(item);
                }
            }
        }
    }

    /** The item for one tar entry, or null when the entry is skipped (directory, junk). */
    private InputItem entryItem(String archiveName, TarArchiveEntry entry, InputStream tar) throws IOException {
        String path = entry.getName();
        while (path.startsWith("./")) {
            path = path.substring(2);
        }
        String name = archiveName + "!/" + path;
        if (entry.isDirectory() || path.isEmpty() || InputNames.isJunk(path)) {
            return null;
        }
        if (entry.isSymbolicLink() || entry.isLink()) {
            return new BadItem(name, InputScanner.LINK_REFUSED + " (-> " + entry.getLinkName() + ")");
        }
        if (InputNames.escapes(path)) {
            return new BadItem(name, InputScanner.ESCAPES_ARCHIVE);
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO() || !entry.isFile()) {
            return new BadItem(name, "not a regular file entry");
        }
        return reader.entry(name, path, entry.getSize(), tar);
    }
}
