package io.genrestack.extractor.input;

import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.StorageConfig;
import io.genrestack.common.storage.StorageException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Inputs and ground truth in object storage: {@code s3://<bucket>/<prefix>} locations, read with the extractor's own
 * S3 client settings ({@code genrestack.s3.*}: endpoint, credentials, CA) and authorised by an allow-list
 * ({@code genrestack.extractor.input-buckets}: {@code bucket} or {@code bucket/prefix} entries, default none), so a run
 * request cannot make the extractor read a bucket it was not meant to (its own run bucket included).
 *
 * <p>A location is a folder (every object under {@code <prefix>/}) or one object (a {@code .json} document, a
 * {@code .tar.bz2} archive, a {@code .tsv}). Folder objects are taken in the order of a local folder walk: keys
 * compared segment by segment ({@code a/b} before {@code a-c}), so runs are reproducible and a resumed extraction
 * skips exactly the items it published. Folder-marker keys ({@code …/}) and macOS junk are skipped; everything else
 * goes through the same name, size, archive and bomb rules as a local file. Archives are streamed (one GET, read
 * through bzip2 and tar as it arrives), never downloaded whole.
 *
 * <p>Failures: a missing bucket, prefix or object is an input problem (dead letter for inputs, a failed run for
 * ground truth), as locally. Any other storage failure (unreachable after the store's retries, credentials refused,
 * a connection reset in the middle of an archive) is a {@link StorageReadFailure}: it fails the job attempt, which
 * is retried and resumes from the last progress mark. Thread-safe; one client per bucket, closed by {@link #close}.
 */
public final class S3Inputs implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(S3Inputs.class);

    /** Start of the reason of every refused S3 location. */
    public static final String REFUSED = "s3 location refused: ";

    /** Opens an object (or a file) for reading. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    /** A ground-truth TSV found in a location: its file name (its key's last segment), where it is, how to open it. */
    public record Tsv(String fileName, String location, Opener opener) {}

    /** Sees the objects of a walk; each method returns false to stop it. */
    interface Visitor {
        /** An object to read, named {@code name}. */
        boolean object(S3Location object, String name);

        /** A location that cannot be read, with the reason. */
        boolean problem(String name, String reason);
    }

    private final StorageConfig base;
    private final List<S3Location> allowed;
    private final Map<String, ObjectStore> stores = new ConcurrentHashMap<>();

    /**
     * @param base the extractor's storage settings; only the bucket is replaced per location
     * @param allowList {@code bucket} or {@code bucket/prefix} entries (an {@code s3://} scheme is allowed);
     *     malformed entries are dropped with a warning
     */
    public S3Inputs(StorageConfig base, Collection<String> allowList) {
        this.base = base;
        this.allowed = parseAllowList(allowList);
    }

    /** The allow-list entries that parse. */
    public static List<S3Location> parseAllowList(Collection<String> allowList) {
        List<S3Location> ok = new ArrayList<>();
        for (String entry : allowList) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            try {
                ok.add(S3Location.parse(entry));
            } catch (IllegalArgumentException e) {
                LOG.warnf("genrestack.extractor.input-buckets: ignoring '%s': %s", entry, e.getMessage());
            }
        }
        return List.copyOf(ok);
    }

    /** The allow-list in effect. */
    public List<S3Location> allowed() {
        return allowed;
    }

    /**
     * Why an {@code s3://} location may not be read, if so (only the text is judged; nothing is fetched): malformed,
     * or outside every allow-list entry. Local paths are not judged here (they are {@link InputRoots}' business).
     */
    public static Optional<String> refusal(String location, List<S3Location> allowed) {
        if (!S3Location.isS3(location)) {
            return Optional.empty();
        }
        S3Location loc;
        try {
            loc = S3Location.parse(location);
        } catch (IllegalArgumentException e) {
            return Optional.of(REFUSED + e.getMessage());
        }
        if (allowed.stream().anyMatch(loc::within)) {
            return Optional.empty();
        }
        return Optional.of(REFUSED + loc + " is not inside genrestack.extractor.input-buckets ("
                + (allowed.isEmpty() ? "none configured: s3:// inputs are off" : allowed) + ")");
    }

    /** {@link #refusal(String, List)} with this instance's allow-list. */
    public Optional<String> refusal(String location) {
        return refusal(location, allowed);
    }

    /** The first refusal among {@code locations}, if any. */
    public static Optional<String> firstRefusal(Collection<String> locations, List<S3Location> allowed) {
        for (String l : locations) {
            Optional<String> r = refusal(l, allowed);
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }

    /**
     * Hands each candidate of an input location to {@code visitor}, as {@link InputScanner} does for a local input:
     * one object (named by its last key segment) or the objects under a folder prefix (named
     * {@code <last prefix segment>/<key below the prefix>}), in local folder-walk order.
     */
    boolean walk(String location, Visitor visitor) {
        String display = location;
        Optional<String> refused = refusal(location);
        if (refused.isPresent()) {
            return visitor.problem(display, refused.get());
        }
        S3Location loc = S3Location.parse(location);
        display = loc.display();
        ObjectStore store = store(loc.bucket());
        try {
            if (!loc.prefix().isEmpty()
                    && (InputNames.isArchiveName(display) || InputNames.isJsonName(display))
                    && store.exists(loc.prefix())) {
                return visitor.object(loc, display);
            }
            List<String> keys = folder(store, loc);
            if (keys.isEmpty()) {
                if (!loc.prefix().isEmpty() && store.exists(loc.prefix())) {
                    return visitor.problem(display, "not a .json file or a .tar.bz2 archive");
                }
                return visitor.problem(display, "input does not exist: " + loc);
            }
            String dir = loc.folderPrefix();
            for (String key : keys) {
                String rel = key.substring(dir.length());
                if (!visitor.object(new S3Location(loc.bucket(), key), display + "/" + rel)) {
                    return false;
                }
            }
            return true;
        } catch (StorageException e) {
            if (e.isNotFound()) {
                return visitor.problem(display, "input does not exist: " + loc);
            }
            throw new StorageReadFailure(loc.toString(), new IOException(e.getMessage(), e));
        }
    }

    /** The keys under a folder location to read: markers and junk left out, in local folder-walk order. */
    private static List<String> folder(ObjectStore store, S3Location loc) {
        String dir = loc.folderPrefix();
        List<String> keys = new ArrayList<>();
        for (String key : store.list(dir)) {
            String rel = key.substring(dir.length());
            if (rel.isEmpty() || rel.endsWith("/") || InputNames.isJunk(rel)) {
                continue;
            }
            keys.add(key);
        }
        keys.sort(WALK_ORDER);
        return keys;
    }

    /**
     * The order of a local folder walk over keys: segment by segment, each compared as a file name is (so
     * {@code a/b} comes before {@code a-c}, which plain key order would put first); a key before the keys below it.
     */
    static final Comparator<String> WALK_ORDER = (a, b) -> {
        String[] x = a.split("/", -1);
        String[] y = b.split("/", -1);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    };

    /**
     * Opens an object for streaming; read failures are {@link StorageReadFailure}s. A missing object (deleted since
     * it was listed) is an {@link IOException}, the input's problem.
     */
    InputStream open(S3Location object) throws IOException {
        ObjectStore store = store(object.bucket());
        try {
            return StorageReadFailure.guard(store.getStream(object.prefix()), object.toString());
        } catch (StorageException e) {
            if (e.isNotFound()) {
                throw new IOException("object does not exist (any more): " + object, e);
            }
            throw new StorageReadFailure(object.toString(), new IOException(e.getMessage(), e));
        }
    }

    /**
     * The {@code .tsv} objects of a ground-truth location (one object or a folder, searched to any depth), in key
     * order.
     *
     * @throws IllegalArgumentException when the location is refused or holds no object at all
     */
    public List<Tsv> tsvObjects(String location) {
        Optional<String> refused = refusal(location);
        if (refused.isPresent()) {
            throw new IllegalArgumentException("ground truth: " + refused.get());
        }
        S3Location loc = S3Location.parse(location);
        ObjectStore store = store(loc.bucket());
        List<Tsv> out = new ArrayList<>();
        try {
            if (!loc.prefix().isEmpty() && loc.prefix().endsWith(".tsv") && store.exists(loc.prefix())) {
                out.add(tsv(loc));
                return out;
            }
            List<String> keys = new ArrayList<>(store.list(loc.folderPrefix()));
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("ground-truth location does not exist: " + loc);
            }
            keys.sort(null);
            for (String key : keys) {
                if (key.endsWith(".tsv")) {
                    out.add(tsv(new S3Location(loc.bucket(), key)));
                }
            }
            return out;
        } catch (StorageException e) {
            if (e.isNotFound()) {
                throw new IllegalArgumentException("ground-truth location does not exist: " + loc, e);
            }
            throw new StorageReadFailure(loc.toString(), new IOException(e.getMessage(), e));
        }
    }

    private Tsv tsv(S3Location object) {
        String key = object.prefix();
        return new Tsv(key.substring(key.lastIndexOf('/') + 1), object.toString(), () -> open(object));
    }

    private ObjectStore store(String bucket) {
        return stores.computeIfAbsent(
                bucket,
                b -> new ObjectStore(new StorageConfig(
                        base.endpoint(),
                        base.accessKey(),
                        base.secretKey(),
                        b,
                        base.region(),
                        base.maxAttempts(),
                        base.initialBackoffMillis(),
                        base.caFile())));
    }

    @Override
    public void close() {
        stores.values().forEach(ObjectStore::close);
        stores.clear();
    }
}
