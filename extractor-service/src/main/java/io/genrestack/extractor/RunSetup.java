package io.genrestack.extractor;

import io.genrestack.common.Sources;
import io.genrestack.common.features.FeatureManifest;
import io.genrestack.common.model.LabelVocabulary;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.Split;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.extractor.groundtruth.GroundTruth;
import io.genrestack.extractor.groundtruth.GroundTruthFiles;
import io.genrestack.extractor.input.InputRoots;
import io.genrestack.extractor.input.S3Inputs;
import io.genrestack.extractor.input.S3Location;
import io.genrestack.extractor.split.GivenSplit;
import io.genrestack.extractor.split.JointSplit;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Everything a run needs before it reads a single document: the ground truth of the four sources, the train /
 * validation side of every recording, the label vocabularies (from TRAIN rows only) and the feature manifest.
 *
 * <p>
 * Ground-truth files are found by name: {@code ...<source>...-train.tsv}, {@code ...-validation.tsv}, or any other
 * {@code ...<source>....tsv} (e.g. the synthetic generator's {@code -all.tsv}). With the default joint split every
 * row of every file is re-split (seeded 80/20 by connected release groups across sources); with
 * {@code givenSplit} the files' own train/validation names are used and conflicts are reported.
 *
 * <p>A prediction run ({@link RunConfig#predicting()}) has no ground truth: {@link #forRun} takes the feature
 * manifest of the model run from object storage and every document becomes an unlabelled track (no split, no
 * labels); the other refusals (unreadable, duplicate, not flattenable) stay.
 *
 * <p>Every local ground-truth location must lie inside the extractor's {@link InputRoots}; inside a folder, a
 * symbolic link whose target leaves the roots is not read but reported as a problem (a dead letter). An
 * {@code s3://bucket/prefix} location must lie inside {@code genrestack.extractor.input-buckets} ({@link S3Inputs}).
 */
public final class RunSetup {
    private static final Logger LOG = Logger.getLogger(RunSetup.class);

    private final FeatureManifest manifest;
    private final Map<String, Map<String, GroundTruth.Row>> rows; // source → mbid → row
    private final Map<String, Split> sides;
    private final Map<String, LabelVocabulary> vocabularies;
    private final List<GroundTruth.Problem> problems;
    private final boolean unlabelled;

    private RunSetup(
            FeatureManifest manifest,
            Map<String, Map<String, GroundTruth.Row>> rows,
            Map<String, Split> sides,
            Map<String, LabelVocabulary> vocabularies,
            List<GroundTruth.Problem> problems,
            boolean unlabelled) {
        this.manifest = manifest;
        this.rows = rows;
        this.sides = sides;
        this.vocabularies = vocabularies;
        this.problems = problems;
        this.unlabelled = unlabelled;
    }

    /**
     * The setup of a run: {@link #prepare} for a training run, {@link #unlabelled} with the model run's manifest for
     * a prediction run.
     *
     * @throws IllegalArgumentException when a prediction run's model run has no feature manifest
     */
    public static RunSetup forRun(String run, RunConfig cfg, InputRoots roots, ObjectStore store, S3Inputs s3)
            throws IOException {
        if (!cfg.predicting()) {
            return prepare(run, cfg, roots, s3);
        }
        String key = RunPaths.manifest(cfg.modelRun());
        byte[] bytes = store.getIfExists(key)
                .orElseThrow(() -> new IllegalArgumentException(
                        "model run " + cfg.modelRun() + " has no feature manifest (" + key + ")"));
        return unlabelled(io.genrestack.common.serde.Json.read(bytes, FeatureManifest.class));
    }

    /** A prediction run's setup: no ground truth; each document an unlabelled track flattened with {@code manifest}. */
    public static RunSetup unlabelled(FeatureManifest manifest) {
        return new RunSetup(manifest, Map.of(), Map.of(), Map.of(), List.of(), true);
    }

    /** True for a prediction run: tracks have no split and no labels. */
    public boolean unlabelled() {
        return unlabelled;
    }

    public static RunSetup prepare(String run, RunConfig cfg, InputRoots roots) throws IOException {
        return prepare(run, cfg, roots, null);
    }

    /**
     * {@link #prepare(String, RunConfig, InputRoots)} that also reads {@code s3://} ground-truth locations through
     * {@code s3} (their TSVs after the local ones, in key order); null: an {@code s3://} location fails the run.
     */
    public static RunSetup prepare(String run, RunConfig cfg, InputRoots roots, S3Inputs s3) throws IOException {
        FeatureManifest manifest = FeatureManifest.forPreset(cfg.preset(), cfg.exclusions());
        List<GroundTruth> train = new ArrayList<>();
        List<GroundTruth> validation = new ArrayList<>();
        List<GroundTruth> other = new ArrayList<>();
        Map<String, String> canonical = new java.util.HashMap<>(); // one copy of each MBID and label text
        List<GroundTruth.Problem> problems = new ArrayList<>();
        for (S3Inputs.Tsv f : tsvSources(cfg.groundTruth(), roots, s3, problems)) {
            String name = f.fileName().toLowerCase(Locale.ROOT);
            String source = GroundTruthFiles.sourceOf(name).orElse(null);
            if (source == null) {
                LOG.warnf("[%s] ignoring %s: its name names none of the sources %s", run, f.location(), Sources.ALL);
                continue;
            }
            GroundTruth gt;
            try (InputStream in = f.opener().open()) {
                gt = GroundTruth.read(source, f.fileName(), in, canonical);
            }
            if (name.contains("validation")) {
                validation.add(gt);
            } else if (name.contains("train")) {
                train.add(gt);
            } else {
                other.add(gt);
            }
        }
        if (train.isEmpty() && validation.isEmpty() && other.isEmpty()) {
            throw new IllegalArgumentException("no ground-truth TSV found in " + cfg.groundTruth()
                    + " (expected names like acousticbrainz-mediaeval-<source>-train.tsv)");
        }
        Map<String, Map<String, GroundTruth.Row>> rows = new TreeMap<>();
        List<GroundTruth> all = new ArrayList<>(train);
        all.addAll(validation);
        all.addAll(other);
        for (GroundTruth gt : all) {
            problems.addAll(gt.problems());
            Map<String, GroundTruth.Row> bySource = rows.computeIfAbsent(gt.source(), s -> new LinkedHashMap<>());
            for (GroundTruth.Row r : gt.rows().values()) {
                if (bySource.putIfAbsent(r.mbid(), r) != null) {
                    problems.add(new GroundTruth.Problem(
                            gt.source(),
                            gt.file(),
                            r.line(),
                            r.mbid(),
                            "recording listed twice for this source (kept the first row)"));
                }
            }
        }
        Map<String, Split> sides = new java.util.HashMap<>();
        if (cfg.givenSplit()) {
            if (!other.isEmpty()) {
                throw new IllegalArgumentException("given split needs -train.tsv and -validation.tsv files; "
                        + other.size() + " file(s) name neither");
            }
            GivenSplit given = GivenSplit.of(train, validation);
            given.conflicts()
                    .forEach(c -> LOG.warnf("[%s] given split conflict: %s %s %s", run, c.kind(), c.id(), c.detail()));
            sides.putAll(given.assignments());
        } else {
            List<GroundTruth.Row> allRows = new ArrayList<>();
            rows.values().forEach(m -> allRows.addAll(m.values()));
            JointSplit joint = JointSplit.computeRows(allRows, cfg.seed(), cfg.trainFraction());
            sides.putAll(joint.assignments());
            LOG.infof(
                    "[%s] joint split: %d recordings in %d release-group components, %d train (seed %d)",
                    run, joint.assignments().size(), joint.components(), joint.trainCount(), cfg.seed());
        }
        Map<String, LabelVocabulary> vocabularies = new TreeMap<>();
        for (var e : rows.entrySet()) {
            List<List<String>> trainLabels = e.getValue().values().stream()
                    .filter(r -> sides.get(r.mbid()) == Split.TRAIN)
                    .map(GroundTruth.Row::labels)
                    .toList();
            if (!trainLabels.isEmpty()) {
                vocabularies.put(e.getKey(), LabelVocabulary.of(e.getKey(), trainLabels));
            } else {
                LOG.warnf("[%s] source %s has no TRAIN rows: no model for it in this run", run, e.getKey());
            }
        }
        return new RunSetup(manifest, rows, sides, vocabularies, problems, false);
    }

    /** The TSVs of local locations ({@link #tsvFiles}) and then of {@code s3://} ones ({@link S3Inputs}). */
    static List<S3Inputs.Tsv> tsvSources(
            List<String> locations, InputRoots roots, S3Inputs s3, List<GroundTruth.Problem> problems)
            throws IOException {
        List<String> local = locations.stream().filter(l -> !S3Location.isS3(l)).toList();
        List<S3Inputs.Tsv> out = new ArrayList<>();
        for (Path f : tsvFiles(local, roots, problems)) {
            out.add(new S3Inputs.Tsv(f.getFileName().toString(), f.toString(), () -> Files.newInputStream(f)));
        }
        for (String loc : locations) {
            if (S3Location.isS3(loc)) {
                if (s3 == null) {
                    throw new IllegalArgumentException("ground truth: " + S3Inputs.REFUSED + "no s3:// access here");
                }
                out.addAll(s3.tsvObjects(loc));
            }
        }
        return out;
    }

    /**
     * TSV files among the given files and folders (folders searched recursively, links not followed), sorted. A
     * location outside {@code roots} fails the run naming no path; a {@code .tsv} link inside a folder is taken
     * when its target is a regular file inside the roots, otherwise it is added to {@code problems} unread.
     */
    static List<Path> tsvFiles(List<String> locations, InputRoots roots, List<GroundTruth.Problem> problems)
            throws IOException {
        List<Path> files = new ArrayList<>();
        for (String loc : locations) {
            InputRoots.Verdict v = roots.check(loc);
            if (v == InputRoots.Verdict.REFUSED) {
                throw new IllegalArgumentException("ground truth: " + InputRoots.REFUSED);
            }
            Path p = Path.of(loc);
            if (v == InputRoots.Verdict.MISSING) {
                throw new IllegalArgumentException("ground-truth location does not exist: " + p);
            }
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    for (Path f : (Iterable<Path>) s.sorted()::iterator) {
                        String name = f.getFileName().toString();
                        if (!name.endsWith(".tsv")) {
                            continue;
                        }
                        if (Files.isSymbolicLink(f)) {
                            String refused = linkRefusal(f, roots);
                            if (refused != null) {
                                problems.add(new GroundTruth.Problem(
                                        GroundTruthFiles.sourceOf(name).orElse("unknown"),
                                        p.relativize(f).toString(),
                                        0,
                                        null,
                                        refused));
                                continue;
                            }
                            files.add(f);
                        } else if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                            files.add(f);
                        }
                    }
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new IllegalArgumentException("ground-truth location is not a file or folder: " + p);
            }
        }
        files.sort(null);
        return files;
    }

    /** Null when a link inside a ground-truth folder may be read, else the reason; the target is never opened. */
    private static String linkRefusal(Path link, InputRoots roots) {
        try {
            Path target = link.toRealPath();
            if (!roots.contains(target)) {
                return "link refused (target outside the input roots)";
            }
            return Files.isRegularFile(target) ? null : "link refused (target is not a regular file)";
        } catch (IOException e) {
            return "link refused (target unreadable)";
        }
    }

    /** Writes run.json, the feature manifest and the label vocabularies under the run. */
    public void store(ObjectStore store, String run, RunConfig cfg) {
        Map<String, Object> runJson = new LinkedHashMap<>();
        runJson.put("runId", run);
        runJson.put("config", cfg);
        runJson.put("featureCount", manifest.size());
        runJson.put("featureManifestVersion", manifest.version());
        runJson.put(
                "labels",
                vocabularies.entrySet().stream()
                        .collect(java.util.stream.Collectors.toMap(
                                Map.Entry::getKey, e -> e.getValue().size())));
        runJson.put("recordings", sides.size());
        if (cfg.predicting()) {
            runJson.put("modelRun", cfg.modelRun());
        }
        runJson.put("genrestackVersion", RunSetup.class.getPackage().getImplementationVersion());
        runJson.put("java", System.getProperty("java.version"));
        store.putJson(RunPaths.runJson(run), runJson);
        store.putJson(RunPaths.manifest(run), manifest);
        vocabularies.forEach((s, v) -> store.putJson(RunPaths.labels(run, s), v));
    }

    /**
     * What the units of a run shared by several extractor instances need of its setup, computed once by the run's
     * plan step ({@code genrestack.extractor.units}): manifest, vocabularies, the split and the ground-truth rows
     * (not the ground-truth problems: the plan step dead-letters them).
     */
    public record Snapshot(
            FeatureManifest manifest,
            Map<String, LabelVocabulary> vocabularies,
            Map<String, Split> sides,
            Map<String, List<GroundTruth.Row>> rows,
            boolean unlabelled) {}

    /** This setup as gzipped JSON ({@link Snapshot}), for {@code runs/<run>/extractor/setup.json.gz}. */
    public byte[] snapshotBytes() {
        Map<String, List<GroundTruth.Row>> byList = new TreeMap<>();
        rows.forEach((source, m) -> byList.put(source, new ArrayList<>(m.values())));
        Snapshot snap = new Snapshot(manifest, vocabularies, new TreeMap<>(sides), byList, unlabelled);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bytes)) {
            io.genrestack.common.serde.Json.MAPPER.writeValue(gz, snap);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The setup {@link #snapshotBytes} wrote (no problems: they were dead-lettered by the step that wrote it). */
    public static RunSetup fromSnapshot(byte[] gzipped) throws IOException {
        Snapshot snap;
        try (InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped))) {
            snap = io.genrestack.common.serde.Json.MAPPER.readValue(in, Snapshot.class);
        }
        Map<String, Map<String, GroundTruth.Row>> rows = new TreeMap<>();
        snap.rows().forEach((source, list) -> {
            Map<String, GroundTruth.Row> m = new LinkedHashMap<>();
            list.forEach(r -> m.put(r.mbid(), r));
            rows.put(source, m);
        });
        return new RunSetup(
                snap.manifest(),
                rows,
                new java.util.HashMap<>(snap.sides()),
                new TreeMap<>(snap.vocabularies()),
                List.of(),
                snap.unlabelled());
    }

    public FeatureManifest manifest() {
        return manifest;
    }

    public Map<String, LabelVocabulary> vocabularies() {
        return vocabularies;
    }

    public List<GroundTruth.Problem> problems() {
        return problems;
    }

    public Split split(String mbid) {
        return sides.get(mbid);
    }

    public GroundTruth.Row row(String source, String mbid) {
        Map<String, GroundTruth.Row> m = rows.get(source);
        return m == null ? null : m.get(mbid);
    }

    /** The release group of a recording: from the first source (in {@link Sources#ALL} order) that has a row. */
    public String releaseGroup(String mbid) {
        for (String s : Sources.ALL) {
            GroundTruth.Row r = row(s, mbid);
            if (r != null) {
                return r.releaseGroup();
            }
        }
        return null;
    }
}
