package io.genrestack.extractor.input;

import io.genrestack.extractor.input.InputItem.BadItem;
import io.genrestack.extractor.input.InputItem.JsonDoc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Streams the candidate feature documents of a list of inputs, one {@link InputItem} at a time, without
 * unpacking anything to disk.
 *
 * <p>An input is one of:
 * <ul>
 *   <li>a folder, walked depth-first with the entries of every folder in sorted name order (so the order is
 *       deterministic); a {@code .tar.bz2}/{@code .tbz2} archive found in a folder is streamed in place;</li>
 *   <li>a {@code .tar.bz2}/{@code .tbz2} archive, read as a stream (bzip2 then tar);</li>
 *   <li>a single {@code .json} file;</li>
 *   <li>with {@link #scanLocations}, also an {@code s3://bucket/prefix} folder, archive or {@code .json} object in
 *       object storage ({@link S3Inputs}: the same rules, in the same order as the same files in a local folder).</li>
 * </ul>
 *
 * <p>Rules: macOS junk ({@code ._*}, {@code .DS_Store}, anything under {@code __MACOSX/}) and directories are
 * skipped silently. Everything else yields exactly one item: a {@link JsonDoc} for a {@code .json} file whose
 * name is a recording MBID (optionally with a {@code -<n>} submission suffix), or a {@link BadItem} with the
 * reason (not JSON, name not an MBID, too large, a link, a path escaping the archive, unreadable). Links are
 * never followed, except that a symbolic link to a regular file inside an input folder is read when its real
 * path stays inside that folder. A corrupt or truncated archive yields a {@link BadItem} named after the
 * archive (after the items read before the damage) and scanning goes on with the next input. With
 * {@link InputRoots} (the extractor always passes its {@code genrestack.extractor.input-roots}) an input outside the
 * roots is a {@link BadItem} with reason {@link InputRoots#REFUSED} and is never opened.
 *
 * <p>The pieces: {@link FolderWalk} (the folder rules, shared with {@link #countCandidates}), {@link ArchiveStream}
 * (tar.bz2 entries), {@link BombGuard} (expansion limit), {@link DocumentReader} (size limit, reading) and
 * {@link InputNames} (name rules); {@link Bzip2} decompresses (commons-compress or a native process). Exceptions
 * thrown by the sink are not caught. Not thread-safe; use one instance per scan.
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
    /** Size assumed for an {@code s3://} document when planning (the listing gives no sizes). */
    public static final long S3_DOCUMENT_BYTES = 64L << 10;
    /** Size assumed for an {@code s3://} archive when planning. */
    public static final long S3_ARCHIVE_BYTES = 256L << 20;

    private final long maxBytes;
    private final DocumentReader reader;
    private final ArchiveStream archives;
    private final InputRoots roots;
    private final S3Inputs s3;

    /** A scanner with the default size limit of 16 MiB per document. */
    public InputScanner() {
        this(DEFAULT_MAX_BYTES);
    }

    /** A scanner that refuses documents larger than {@code maxBytes} (they are never read whole). */
    public InputScanner(long maxBytes) {
        this(maxBytes, null);
    }

    /**
     * A scanner that refuses documents larger than {@code maxBytes} and reads only inputs inside {@code roots}
     * (null: anywhere, for tools and tests of the format rules).
     */
    public InputScanner(long maxBytes, InputRoots roots) {
        this(maxBytes, roots, null);
    }

    /**
     * A scanner that also reads {@code s3://} locations through {@code s3} ({@link S3Inputs}; null: an {@code s3://}
     * location is a bad item, as every other location outside the roots).
     */
    public InputScanner(long maxBytes, InputRoots roots, S3Inputs s3) {
        this(maxBytes, roots, s3, Bzip2.fromSystemProperty());
    }

    /**
     * A scanner that decompresses archives with {@code bzip2} ({@link Bzip2}; the other constructors take the system
     * property {@link Bzip2#PROPERTY}, default {@code auto}).
     */
    public InputScanner(long maxBytes, InputRoots roots, S3Inputs s3, Bzip2 bzip2) {
        if (maxBytes <= 0 || maxBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("maxBytes must be in 1.." + (Integer.MAX_VALUE - 16) + ": " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.reader = new DocumentReader(maxBytes);
        this.archives = new ArchiveStream(reader, bzip2);
        this.roots = roots;
        this.s3 = s3;
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
     * Streams every item of every location, in the order given, to {@code sink}: a local path as in {@link #scan},
     * an {@code s3://bucket/prefix} location through {@link S3Inputs} (the same rules, items in local folder-walk
     * order). A {@link StorageReadFailure} propagates (object storage failed, not the input).
     */
    public void scanLocations(List<String> locations, Consumer<InputItem> sink) {
        for (String location : locations) {
            eachLocation(location, new Reading(sink), sink);
        }
    }

    /** {@link #countCandidates} for {@link #scanLocations}: -1 as soon as an archive or an S3 location is met. */
    public long countLocations(List<String> locations) {
        long total = 0;
        for (String location : locations) {
            if (S3Location.isS3(location)) {
                return -1; // counting would list the bucket twice; the progress line shows no total instead
            }
            Path p = localPath(location);
            long n = p == null ? 1 : countCandidates(List.of(p));
            if (n < 0) {
                return -1;
            }
            total += n;
        }
        return total;
    }

    /**
     * One candidate of a location, in scan order ({@link #candidates}): a file to read (an archive, a document) or an
     * entry that yields one bad item. An archive yields many items; every other candidate exactly one.
     *
     * @param name     the item name the scan gives it
     * @param bytes    its size on disk (0 for a problem; an {@code s3://} object's nominal size)
     * @param archive  true for a {@code .tar.bz2}/{@code .tbz2} archive
     * @param document true when the scan reads it as a document (name and size accepted; it may still fail to read)
     */
    public record Candidate(String name, long bytes, boolean archive, boolean document) {
        /** The recording MBID of a {@link #document}, else null. */
        public String mbid() {
            return document ? InputNames.mbidOf(name) : null;
        }
    }

    /**
     * The candidates of a location in the order {@link #scanLocations} reads them, without reading any file (the
     * folder walk and the roots check; for an {@code s3://} location the listing, its objects given nominal sizes:
     * {@link #S3_DOCUMENT_BYTES}, {@link #S3_ARCHIVE_BYTES}).
     */
    public List<Candidate> candidates(String location) {
        List<Candidate> out = new java.util.ArrayList<>();
        if (S3Location.isS3(location)) {
            if (s3 == null) {
                out.add(new Candidate(location, 0, false, false));
                return out;
            }
            s3.walk(location, new S3Inputs.Visitor() {
                @Override
                public boolean object(S3Location object, String name) {
                    boolean archive = InputNames.isArchiveName(name);
                    boolean document = !archive && InputNames.refuseByName(name).isEmpty();
                    out.add(new Candidate(name, archive ? S3_ARCHIVE_BYTES : S3_DOCUMENT_BYTES, archive, document));
                    return true;
                }

                @Override
                public boolean problem(String name, String reason) {
                    out.add(new Candidate(name, 0, false, false));
                    return true;
                }
            });
            return out;
        }
        Path p = localPath(location);
        if (p == null) {
            out.add(new Candidate(location, 0, false, false));
            return out;
        }
        eachInput(p, new FolderWalk.Visitor() {
            @Override
            public boolean file(Path file, String name, long size) {
                boolean archive = InputNames.isArchiveName(name);
                boolean document = !archive && InputNames.refuseByName(name).isEmpty() && size <= maxBytes;
                out.add(new Candidate(name, size, archive, document));
                return true;
            }

            @Override
            public boolean problem(String name, String reason) {
                out.add(new Candidate(name, 0, false, false));
                return true;
            }
        });
        return out;
    }

    /**
     * Streams the items of candidates {@code [from, to)} of one location ({@link #candidates} order) to
     * {@code sink}: exactly the items {@link #scanLocations} gives for them, in the same order and with the same
     * names. {@code to < 0}: to the end. An {@code s3://} folder is listed again and its objects counted off.
     */
    public void scanSegment(String location, long from, long to, Consumer<InputItem> sink) {
        boolean remote = S3Location.isS3(location);
        Path p = remote ? null : localPath(location);
        if ((p == null && !remote) || (from <= 0 && to < 0) || (remote && s3 == null)) {
            eachLocation(location, new Reading(sink), sink);
            return;
        }
        if (remote) {
            S3Inputs.Visitor reading = s3Reading(sink);
            long[] at = {0};
            s3.walk(location, new S3Inputs.Visitor() {
                @Override
                public boolean object(S3Location object, String name) {
                    long i = at[0]++;
                    if (to >= 0 && i >= to) {
                        return false;
                    }
                    return i < from || reading.object(object, name);
                }

                @Override
                public boolean problem(String name, String reason) {
                    long i = at[0]++;
                    if (to >= 0 && i >= to) {
                        return false;
                    }
                    return i < from || reading.problem(name, reason);
                }
            });
            return;
        }
        Reading reading = new Reading(sink);
        long[] index = {0};
        eachInput(p, new FolderWalk.Visitor() {
            @Override
            public boolean file(Path file, String name, long size) {
                long i = index[0]++;
                if (to >= 0 && i >= to) {
                    return false;
                }
                return i < from || reading.file(file, name, size);
            }

            @Override
            public boolean problem(String name, String reason) {
                long i = index[0]++;
                if (to >= 0 && i >= to) {
                    return false;
                }
                return i < from || reading.problem(name, reason);
            }
        });
    }

    private void eachLocation(String location, Reading reading, Consumer<InputItem> sink) {
        if (S3Location.isS3(location)) {
            if (s3 == null) {
                sink.accept(new BadItem(location, S3Inputs.REFUSED + "this extractor reads no s3:// inputs"));
                return;
            }
            s3.walk(location, s3Reading(sink));
            return;
        }
        Path p = localPath(location);
        if (p == null) {
            sink.accept(new BadItem(location, InputRoots.REFUSED));
            return;
        }
        eachInput(p, reading);
    }

    /** The visitor of an {@code s3://} scan: reads every object (an archive entry by entry) into items. */
    private S3Inputs.Visitor s3Reading(Consumer<InputItem> sink) {
        return new S3Inputs.Visitor() {
            @Override
            public boolean object(S3Location object, String name) {
                if (InputNames.isArchiveName(name)) {
                    archives.scan(() -> s3.open(object), name, sink);
                } else {
                    sink.accept(s3Document(object, name));
                }
                return true;
            }

            @Override
            public boolean problem(String name, String reason) {
                sink.accept(new BadItem(name, reason));
                return true;
            }
        };
    }

    private InputItem s3Document(S3Location object, String name) {
        Optional<String> refusal = InputNames.refuseByName(name);
        if (refusal.isPresent()) {
            return new BadItem(name, refusal.get()); // never fetched
        }
        try (InputStream in = s3.open(object)) {
            return reader.entry(name, name, -1, in);
        } catch (IOException e) {
            return new BadItem(name, "unreadable: " + message(e));
        }
    }

    private static Path localPath(String location) {
        try {
            return Path.of(location);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /**
     * The number of items {@link #scan} will emit, when that is cheap to know: folders are walked with the scan's
     * own rules ({@link FolderWalk}) and their items counted without reading them; a single {@code .json} file or
     * an input that yields one bad item counts 1. Returns -1 (unknown) as soon as an archive is among the inputs or
     * inside a folder.
     */
    public long countCandidates(List<Path> inputs) {
        long[] total = {0};
        for (Path input : inputs) {
            boolean known = eachInput(input, new FolderWalk.Visitor() {
                @Override
                public boolean file(Path file, String name, long size) {
                    if (InputNames.isArchiveName(name)) {
                        return false;
                    }
                    total[0]++;
                    return true;
                }

                @Override
                public boolean problem(String name, String reason) {
                    total[0]++;
                    return true;
                }
            });
            if (!known) {
                return -1;
            }
        }
        return total[0];
    }

    private void scanInput(Path input, Consumer<InputItem> sink) {
        eachInput(input, new Reading(sink));
    }

    /** The visitor of a scan: reads every file (an archive entry by entry) into items for {@code sink}. */
    private final class Reading implements FolderWalk.Visitor {
        private final Consumer<InputItem> sink;

        Reading(Consumer<InputItem> sink) {
            this.sink = sink;
        }

        @Override
        public boolean file(Path file, String name, long size) {
            if (InputNames.isArchiveName(name)) {
                archives.scan(file, name, sink);
            } else {
                sink.accept(reader.file(file, name, size));
            }
            return true;
        }

        @Override
        public boolean problem(String name, String reason) {
            sink.accept(new BadItem(name, reason));
            return true;
        }
    }

    /**
     * Hands each candidate of one input to {@code visitor}: the entries of a folder (walked by {@link FolderWalk};
     * items of a folder input are named {@code <folder name>/<path inside it>}, e.g. {@code lowlevel/00/x.json}, so
     * that dead letters of two input folders holding the same relative paths can be told apart), or the input
     * itself when it is an archive or a {@code .json} file; returns false when the visitor stopped.
     */
    private boolean eachInput(Path input, FolderWalk.Visitor visitor) {
        String display = input.getFileName() == null
                ? input.toString()
                : input.getFileName().toString();
        if (roots != null) {
            InputRoots.Verdict v = roots.check(input);
            if (v == InputRoots.Verdict.REFUSED) {
                return visitor.problem(display, InputRoots.REFUSED);
            } else if (v == InputRoots.Verdict.MISSING) {
                return visitor.problem(display, "input does not exist: " + input);
            }
        }
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(input, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return visitor.problem(display, "input does not exist: " + input);
        } catch (IOException e) {
            return visitor.problem(display, "input unreadable: " + message(e));
        }
        if (attrs.isDirectory()) {
            Path root;
            try {
                root = input.toRealPath();
            } catch (IOException e) {
                return visitor.problem(display, "input unreadable: " + message(e));
            }
            return FolderWalk.walk(root, display + "/", visitor);
        } else if (InputNames.isArchiveName(display) || InputNames.isJsonName(display)) {
            return visitor.file(input, display, attrs.size());
        }
        return visitor.problem(display, "not a .json file or a .tar.bz2 archive");
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
