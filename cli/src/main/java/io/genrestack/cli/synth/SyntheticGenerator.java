package io.genrestack.cli.synth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genrestack.common.io.PathTrees;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Deterministic synthetic AcousticBrainz/MediaEval genre data, so that the whole GenreStack pipeline can run end
 * to end in minutes on data where combining the four sources (the STACKED model) measurably helps.
 *
 * <p>Output under {@link Options#out()}:
 * <ul>
 *   <li>{@code lowlevel/<first 2 hex of mbid>/<mbid>.json}: AcousticBrainz low-level documents with the shape of
 *       the real MediaEval files (compact, one line, no final newline);</li>
 *   <li>{@code groundtruth/acousticbrainz-mediaeval-<source>-all.tsv} for allmusic, discogs, lastfm, tagtraum
 *       in the official TSV format (one file per source with all that source's tracks; the extractor splits);</li>
 *   <li>{@code synthetic.json}: parameters and counts.</li>
 * </ul>
 * The same options give byte-identical output. See {@code docs/synthetic-data.md} for the model.
 */
public final class SyntheticGenerator {

    /** Version of the generative model; bump when the output for a given seed changes. */
    public static final int VERSION = 1;
    /** The four sources, in the fixed order used in the output. */
    public static final List<String> SOURCES = List.of("allmusic", "discogs", "lastfm", "tagtraum");
    /** Default label scale: labels per source = round(scale × sqrt(real label count)) → 61/39/40/38. */
    public static final double DEFAULT_LABEL_SCALE = 2.2;
    /** Default number of latent top-level genres. */
    public static final int DEFAULT_GENRES = 16;
    /** Probability that a release group is tagged by 1, 2, 3 or 4 sources. */
    static final double[] SOURCE_COUNT_PROBS = {0.42, 0.30, 0.16, 0.12};

    /**
     * What to generate.
     *
     * @param tracks     number of recordings
     * @param seed       seed; same options → same bytes
     * @param out        output directory (created; must not already hold {@code lowlevel/} unless {@code overwrite})
     * @param labelScale labels per source = max(top-level labels, round(labelScale × sqrt(real count)))
     * @param genres     number of latent top-level genres
     * @param overwrite  delete an earlier synthetic output ({@code lowlevel/}, {@code groundtruth/},
     *                   {@code synthetic.json}) in {@code out} first
     * @param shape      {@link Shape#SYNTHETIC} (labelScale and genres apply) or {@link Shape#REAL} (the real
     *                   sources' label counts and coverage; labelScale and genres are not used)
     */
    public record Options(
            int tracks, long seed, Path out, double labelScale, int genres, boolean overwrite, Shape shape) {
        public Options {
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(shape, "shape");
            if (tracks < 1) {
                throw new IllegalArgumentException("tracks must be >= 1");
            }
            if (!(labelScale > 0)) {
                throw new IllegalArgumentException("labelScale must be > 0");
            }
            if (genres < 2) {
                throw new IllegalArgumentException("genres must be >= 2");
            }
        }

        /** Options of the synthetic shape. */
        public Options(int tracks, long seed, Path out, double labelScale, int genres, boolean overwrite) {
            this(tracks, seed, out, labelScale, genres, overwrite, Shape.SYNTHETIC);
        }

        /** Options with the default label scale and genre count. */
        public static Options of(int tracks, long seed, Path out) {
            return new Options(tracks, seed, out, DEFAULT_LABEL_SCALE, DEFAULT_GENRES, false);
        }

        /** Options of the given shape, with the default label scale and genre count. */
        public static Options of(int tracks, long seed, Path out, Shape shape) {
            return new Options(tracks, seed, out, DEFAULT_LABEL_SCALE, DEFAULT_GENRES, false, shape);
        }
    }

    /** Per-source counts of a generated data set. */
    public record SourceSummary(
            String source,
            int tracks,
            int releaseGroups,
            int labels,
            int targetLabels,
            int minTracksPerLabel,
            Map<String, Integer> labelCounts) {}

    /**
     * Counts of a generated data set.
     *
     * @param overlap tracks tagged by exactly 1, 2, 3, 4 sources (index 0..3)
     * @param seconds wall time of {@link #generate}
     */
    public record Summary(
            int tracks,
            int releaseGroups,
            List<SourceSummary> sources,
            List<Integer> overlap,
            long bytes,
            double seconds) {
        /** The summary of one source by name. */
        public SourceSummary source(String name) {
            return sources.stream()
                    .filter(s -> s.source().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(name));
        }
    }

    /** Receives progress: tracks written so far and the total. */
    @FunctionalInterface
    public interface Progress {
        void update(int done, int total);
    }

    private SyntheticGenerator() {}

    /** Target label count of source {@code i} for a label scale (before the top-level floor). */
    public static int targetLabels(int sourceIndex, double labelScale) {
        int real = SourceTaxonomy.SPECS.get(sourceIndex).realLabels();
        return (int) Math.round(labelScale * StrictMath.sqrt(real));
    }

    /** Generates the data set. */
    public static Summary generate(Options o) {
        return generate(o, (d, t) -> {});
    }

    /** Generates the data set, reporting progress about every 1000 tracks. */
    public static Summary generate(Options o, Progress progress) {
        return generate(o, progress, true);
    }

    /**
     * Generates the data set; without {@code features} only the ground truth and {@code synthetic.json} (the same
     * as with features: feature values come from each track's own random stream), for fast tests of the labels.
     */
    static Summary generate(Options o, Progress progress, boolean features) {
        long start = System.nanoTime();
        try {
            prepare(o);
            return run(o, progress, start, features);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void prepare(Options o) throws IOException {
        Path low = o.out().resolve("lowlevel");
        Path gt = o.out().resolve("groundtruth");
        if (Files.exists(low) || Files.exists(gt)) {
            if (!o.overwrite()) {
                throw new IllegalArgumentException(
                        o.out() + " already holds lowlevel/ or groundtruth/ (use overwrite)");
            }
            if (!Files.exists(o.out().resolve("synthetic.json"))) {
                throw new IllegalArgumentException(o.out() + " holds data that is not synthetic output; not deleting");
            }
            PathTrees.deleteRecursively(low);
            PathTrees.deleteRecursively(gt);
            Files.deleteIfExists(o.out().resolve("synthetic.json"));
        }
        Files.createDirectories(low);
        Files.createDirectories(gt);
    }

    private static Summary run(Options o, Progress progress, long start, boolean features) throws IOException {
        long seed = o.seed();
        boolean real = o.shape() == Shape.REAL;
        int nSources = SOURCES.size();
        int[] targets = new int[nSources];
        int maxTarget = 0;
        for (int s = 0; s < nSources; s++) {
            targets[s] = real ? RealShape.GENRE_LABELS[s] + RealShape.SUB_LABELS[s] : targetLabels(s, o.labelScale());
            maxTarget = Math.max(maxTarget, targets[s]);
        }
        int nGenres = real ? RealShape.GENRES : o.genres();
        // Enough latent sub-genres per genre for the largest taxonomy, with room for per-source choice.
        int minSubs = (int) Math.ceil(2.0 * maxTarget / nGenres);
        LatentTaxonomy latent = real
                ? LatentTaxonomy.build(nGenres, minSubs, 1, RealShape.GENRE_EXPONENT, 1, RealShape.SUB_EXPONENT)
                : LatentTaxonomy.build(nGenres, minSubs);
        List<SourceTaxonomy> sources = new ArrayList<>();
        for (int s = 0; s < nSources; s++) {
            if (real) {
                sources.add(SourceTaxonomy.build(
                        RealShape.SPECS.get(s),
                        s,
                        latent,
                        targets[s],
                        RealShape.tops(s, latent),
                        Rng.stream(seed, 100 + s)));
            } else {
                targets[s] = Math.max(targets[s], SourceTaxonomy.minimumLabels(s, latent));
                sources.add(SourceTaxonomy.build(s, latent, targets[s], Rng.stream(seed, 100 + s)));
            }
        }
        double[] patterns = real ? RealShape.patternWeights() : null;
        double[] coverage = new double[nSources];
        for (int s = 0; s < nSources; s++) {
            coverage[s] = real ? RealShape.coverage(s) : 0;
        }
        LabelQuota quota = real ? new LabelQuota(sources, coverage) : null;
        FeatureModel.Params params = FeatureModel.Params.defaults();
        FeatureModel model = FeatureModel.create(params, latent, Rng.stream(seed, 1));

        ObjectMapper mapper = new ObjectMapper(JsonFactory.builder()
                .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                .build());
        Path lowRoot = o.out().resolve("lowlevel");
        boolean[] dirMade = new boolean[256];
        Path gtRoot = o.out().resolve("groundtruth");
        List<GroundTruthWriter> rows = new ArrayList<>();
        int[] rgPerSource = new int[nSources];
        for (int s = 0; s < nSources; s++) {
            rows.add(new GroundTruthWriter(
                    gtRoot.resolve("acousticbrainz-mediaeval-" + SOURCES.get(s) + "-all.tsv"),
                    gtRoot.resolve(".rows-" + SOURCES.get(s))));
        }
        int[] overlap = new int[nSources];
        long bytes = 0;
        int done = 0;
        int rgIndex = 0;
        int nextReport = 1000;
        while (done < o.tracks()) {
            SplittableRandom r = Rng.stream(seed, 1_000_000L + rgIndex);
            int size = Math.min(o.tracks() - done, 1 + Math.min(9, (int) (-StrictMath.log(1 - r.nextDouble()) * 2.5)));
            String rg = Rng.uuid(r);
            String release = Rng.uuid(r);
            String artist = Rng.uuid(r);
            int artistNumber = 1 + r.nextInt(Math.max(1, o.tracks() / 6));
            int year = 1955 + r.nextInt(65);
            SourceTaxonomy.Truth truth = LatentModel.drawTruth(latent, r, real ? RealShape.SUB_COUNT_PROBS : null);
            double[] offset = model.releaseGroupOffset(r);
            boolean[] covered = real ? pattern(r, patterns) : drawSources(r);
            List<List<String>> forced = null;
            if (real) {
                boolean last = size == o.tracks() - done;
                quota.coverMissing(covered, last);
                LabelQuota.Duties duties = quota.assign(truth, covered, o.tracks() - done, last);
                truth = duties.truth();
                forced = duties.forced();
            }
            List<List<String>> labels = new ArrayList<>();
            int nCovered = 0;
            for (int s = 0; s < nSources; s++) {
                if (covered[s]) {
                    List<String> tags = sources.get(s).tag(truth, r);
                    if (real) {
                        tags = LabelQuota.withForced(tags, forced.get(s));
                        quota.tagged(s, tags);
                    }
                    labels.add(tags);
                    rgPerSource[s]++;
                    nCovered++;
                } else {
                    labels.add(null);
                }
            }
            for (int k = 0; k < size; k++) {
                SplittableRandom tr = r.split();
                String mbid = Rng.uuid(tr);
                String work = Rng.uuid(tr);
                TrackInfo info =
                        new TrackInfo(mbid, rg, release, artist, work, k + 1, size, rgIndex + 1, artistNumber, year);
                if (features) {
                    int dir = Integer.parseInt(mbid.substring(0, 2), 16);
                    Path d = lowRoot.resolve(mbid.substring(0, 2));
                    if (!dirMade[dir]) {
                        Files.createDirectories(d);
                        dirMade[dir] = true;
                    }
                    Path file = d.resolve(mbid + ".json");
                    try (CountingStream cs = new CountingStream(Files.newOutputStream(file));
                            JsonGenerator gen = mapper.getFactory().createGenerator(cs)) {
                        gen.setPrettyPrinter(new PythonStylePrinter());
                        model.writeTrack(gen, truth, offset, info, tr);
                        gen.flush();
                        bytes += cs.count;
                    }
                }
                for (int s = 0; s < nSources; s++) {
                    if (covered[s]) {
                        rows.get(s).add(mbid, rg, labels.get(s));
                    }
                }
                overlap[nCovered - 1]++;
                done++;
                if (done >= nextReport || done == o.tracks()) {
                    progress.update(done, o.tracks());
                    nextReport = done + 1000;
                }
            }
            rgIndex++;
        }

        List<SourceSummary> summaries = new ArrayList<>();
        for (int s = 0; s < nSources; s++) {
            GroundTruthWriter rs = rows.get(s);
            rs.finish();
            TreeMap<String, Integer> counts = rs.labelCounts();
            int min = counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
            summaries.add(new SourceSummary(
                    SOURCES.get(s),
                    rs.rows(),
                    rgPerSource[s],
                    counts.size(),
                    targets[s],
                    min,
                    java.util.Collections.unmodifiableMap(counts)));
        }
        List<Integer> overlapList = new ArrayList<>();
        for (int c : overlap) {
            overlapList.add(c);
        }
        writeParameters(o, params, model, rgIndex, summaries, overlapList);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Summary(done, rgIndex, List.copyOf(summaries), List.copyOf(overlapList), bytes, seconds);
    }

    /** The sources of a release group in the real shape: one of the 15 source subsets, by its weight. */
    private static boolean[] pattern(SplittableRandom r, double[] weights) {
        int m = Rng.weighted(r, weights);
        boolean[] covered = new boolean[SOURCES.size()];
        for (int s = 0; s < covered.length; s++) {
            covered[s] = (m & (1 << s)) != 0;
        }
        return covered;
    }

    private static boolean[] drawSources(SplittableRandom r) {
        int n = SOURCES.size();
        int k = 1 + Rng.weighted(r, SOURCE_COUNT_PROBS);
        double[] w = new double[n];
        for (int s = 0; s < n; s++) {
            w[s] = SourceTaxonomy.SPECS.get(s).weight();
        }
        boolean[] covered = new boolean[n];
        for (int i = 0; i < k; i++) {
            int s = Rng.weighted(r, w);
            covered[s] = true;
            w[s] = 0;
        }
        return covered;
    }

    private static void writeParameters(
            Options o,
            FeatureModel.Params params,
            FeatureModel model,
            int releaseGroups,
            List<SourceSummary> summaries,
            List<Integer> overlap)
            throws IOException {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("generator", SyntheticGenerator.class.getName());
        root.put("version", VERSION);
        root.put("tracks", o.tracks());
        root.put("seed", o.seed());
        if (o.shape() == Shape.REAL) {
            root.put("shape", o.shape().id());
            root.put("genres", RealShape.GENRES);
        } else {
            root.put("labelScale", o.labelScale());
            root.put("genres", o.genres());
        }
        root.put("releaseGroups", releaseGroups);
        root.put("numericLeaves", model.leafCount());
        ObjectNode p = root.putObject("model");
        p.put("latentDim", FeatureModel.D);
        p.put("tanhFactors", FeatureModel.K);
        p.put("genreScale", params.genreScale());
        p.put("subScale", params.subScale());
        p.put("secondWeight", params.secondWeight());
        p.put("releaseGroupNoise", params.rgNoise());
        p.put("trackNoise", params.trackNoise());
        p.put("leafSignal", params.leafSignal());
        p.put("leafNoise", params.leafNoise());
        p.put("tau", params.tau());
        ObjectNode ov = root.putObject("overlap");
        for (int i = 0; i < overlap.size(); i++) {
            ov.put(Integer.toString(i + 1), overlap.get(i));
        }
        ObjectNode src = root.putObject("sources");
        for (SourceSummary s : summaries) {
            ObjectNode n = src.putObject(s.source());
            n.put("tracks", s.tracks());
            n.put("releaseGroups", s.releaseGroups());
            n.put("labels", s.labels());
            n.put("targetLabels", s.targetLabels());
            n.put("minTracksPerLabel", s.minTracksPerLabel());
            ObjectNode lc = n.putObject("labelCounts");
            for (Map.Entry<String, Integer> e : s.labelCounts().entrySet()) {
                lc.put(e.getKey(), e.getValue());
            }
        }
        Files.writeString(o.out().resolve("synthetic.json"), m.writeValueAsString(root) + "\n");
    }

    /**
     * Compact one-line JSON with Python's default separators ({@code ", "} and {@code ": "}), as in MediaEval files.
     */
    private static final class PythonStylePrinter extends MinimalPrettyPrinter {
        private static final SerializedString COLON = new SerializedString(": ");
        private static final SerializedString COMMA = new SerializedString(", ");

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(COLON);
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(COMMA);
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(COMMA);
        }
    }

    /** Output stream that counts bytes. */
    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        long count;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
