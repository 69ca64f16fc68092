package io.genrestack.stacker;

import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackActivations;
import io.genrestack.common.serde.Json;
import io.genrestack.ml.FloatRowStore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A run's stacking data, materialised on local disk (never in the heap: the full dump has 1.77 M tracks × 4 × 256
 * floats). Built in two passes:
 * <ol>
 * <li>per base model, its {@code activations} range is read (records filtered by run and model; the count must equal
 * the range's {@code expectedRecords}, else nothing is trained on a partial set) and its hidden rows and base scores
 * are appended, in arrival order, to {@link FloatRowStore}s; every model must cover the same tracks;</li>
 * <li>one pass over the tracks in MBID order (deterministic, so a retried job sees the same order) writes the
 * stacked-input store (row = track: the models' 256-d blocks, each L2-normalised, concatenated in
 * {@link io.genrestack.common.Sources#ALL} order) and, per source, a multi-hot label store of only the tracks that
 * source tags, with their track indices and split.</li>
 * </ol>
 * The heap holds only per-track bookkeeping: MBIDs, row indices, splits and the label indices of pass 1.
 * {@link #close()} deletes the files.
 */
final class StackingInputs implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StackingInputs.class);

    /** One base model's input: its source, its activations range, and its label count. */
    record ModelInput(String source, TopicRange range, int nLabels) {
    }

    /** The tracks one source tags: track indices, their multi-hot labels (row i ↔ tracks[i]) and split positions. */
    static final class SourceRows {
        final String source;
        final int nLabels;
        final int[] tracks;
        final FloatRowStore labels;
        final int[] train;
        final int[] validation;

        SourceRows(String source, int nLabels, int[] tracks, FloatRowStore labels, byte[] split) {
            this.source = source;
            this.nLabels = nLabels;
            this.tracks = tracks;
            this.labels = labels;
            int nv = 0;
            for (int t : tracks) {
                nv += split[t] == VALIDATION ? 1 : 0;
            }
            train = new int[tracks.length - nv];
            validation = new int[nv];
            int a = 0;
            int b = 0;
            for (int p = 0; p < tracks.length; p++) {
                if (split[tracks[p]] == VALIDATION) {
                    validation[b++] = p;
                } else {
                    train[a++] = p;
                }
            }
        }

        /** Track indices (stacked-store rows) of the given positions. */
        int[] trackRows(int[] positions) {
            int[] out = new int[positions.length];
            for (int i = 0; i < positions.length; i++) {
                out[i] = tracks[positions[i]];
            }
            return out;
        }

        /** True labels of the given positions as a boolean matrix (for ROC-AUC). */
        boolean[][] truth(int[] positions) {
            boolean[][] out = new boolean[positions.length][nLabels];
            float[] row = new float[nLabels];
            for (int i = 0; i < positions.length; i++) {
                labels.readRow(positions[i], row);
                for (int j = 0; j < nLabels; j++) {
                    out[i][j] = row[j] > 0.5f;
                }
            }
            return out;
        }

        /** Label indices of position p. */
        List<Integer> labelIndices(int p) {
            float[] row = labels.row(p);
            List<Integer> out = new ArrayList<>();
            for (int j = 0; j < row.length; j++) {
                if (row[j] > 0.5f) {
                    out.add(j);
                }
            }
            return out;
        }
    }

    static final byte TRAIN = 0;
    static final byte VALIDATION = 1;

    private final Path dir;
    final List<String> models;
    final int hiddenDim;
    final String[] mbids;
    final byte[] split;
    final int[][] modelRow;
    final FloatRowStore stacked;
    final FloatRowStore[] scores;
    final SourceRows[] sources;

    private StackingInputs(Path dir, List<String> models, int hiddenDim, String[] mbids, byte[] split,
            int[][] modelRow, FloatRowStore stacked, FloatRowStore[] scores, SourceRows[] sources) {
        this.dir = dir;
        this.models = models;
        this.hiddenDim = hiddenDim;
        this.mbids = mbids;
        this.split = split;
        this.modelRow = modelRow;
        this.stacked = stacked;
        this.scores = scores;
        this.sources = sources;
    }

    int tracks() {
        return mbids.length;
    }

    int inputDim() {
        return stacked.cols();
    }

    Split split(int t) {
        return split[t] == VALIDATION ? Split.VALIDATION : Split.TRAIN;
    }

    /** Base scores of model {@code m} for track {@code t}. */
    float[] baseScores(int m, int t) {
        return scores[m].row(modelRow[m][t]);
    }

    /** Stacked-input rows of {@code n} tracks {@code tracks[from..from+n)}, row-major. */
    float[] stackedRows(int[] tracks, int from, int n) {
        int d = stacked.cols();
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            stacked.readRow(tracks[from + i], x, i * d);
        }
        return x;
    }

    /** Reads, checks and joins the models' activations under {@code dir} (replaced). */
    static StackingInputs build(String bootstrap, String run, List<ModelInput> inputs, Path dir) throws Exception {
        deleteTree(dir);
        Files.createDirectories(dir);
        List<String> models = inputs.stream().map(ModelInput::source).toList();
        int[] vocabSizes = inputs.stream().mapToInt(ModelInput::nLabels).toArray();
        int nModels = models.size();
        long t0 = System.nanoTime();

        // pass 1: one range per model
        ModelPass first = null;
        ModelPass[] passes = new ModelPass[nModels];
        for (int m = 0; m < nModels; m++) {
            ModelInput in = inputs.get(m);
            ModelPass pass = new ModelPass(run, in, models, vocabSizes, dir, first);
            try {
                RangeReader.read(bootstrap, in.range(), pass);
            } finally {
                pass.closeWriters();
            }
            pass.check();
            if (first != null) {
                first.compareTrackSets(pass);
            } else {
                first = pass;
            }
            passes[m] = pass;
            LOG.infof("[%s] stacker: %d activations of model %s materialised", run, pass.rows, in.source());
        }
        int hiddenDim = first.hiddenDim;
        for (ModelPass p : passes) {
            if (p.hiddenDim != hiddenDim) {
                throw new IllegalStateException("run " + run + ": model " + p.input.source() + " has " + p.hiddenDim
                        + "-d activations, model " + first.input.source() + " " + hiddenDim + "-d");
            }
        }

        // pass 2: tracks in MBID order → stacked store + per-source label stores
        String[] mbids = first.rowOf.keySet().toArray(new String[0]);
        Arrays.sort(mbids);
        int n = mbids.length;
        int[][] modelRow = new int[nModels][n];
        byte[] split = new byte[n];
        FloatRowStore[] hidden = new FloatRowStore[nModels];
        FloatRowStore.Writer[] labelWriters = new FloatRowStore.Writer[nModels];
        IntList[] tagged = new IntList[nModels];
        FloatRowStore stacked;
        try {
            for (int m = 0; m < nModels; m++) {
                hidden[m] = FloatRowStore.open(passes[m].hiddenPath);
                labelWriters[m] = FloatRowStore.create(dir.resolve("labels-" + models.get(m) + ".bin"),
                        inputs.get(m).nLabels());
                tagged[m] = new IntList();
            }
            Path stackedPath = dir.resolve("stacked.bin");
            float[] row = new float[nModels * hiddenDim];
            float[][] multiHot = new float[nModels][];
            for (int m = 0; m < nModels; m++) {
                multiHot[m] = new float[inputs.get(m).nLabels()];
            }
            try (FloatRowStore.Writer sw = FloatRowStore.create(stackedPath, nModels * hiddenDim)) {
                for (int t = 0; t < n; t++) {
                    int r0 = first.rowOf.get(mbids[t]);
                    modelRow[0][t] = r0;
                    for (int m = 1; m < nModels; m++) {
                        modelRow[m][t] = passes[m].rowOfFirst[r0];
                    }
                    for (int m = 0; m < nModels; m++) {
                        hidden[m].readRow(modelRow[m][t], row, m * hiddenDim);
                        try {
                            StackedInput.normaliseBlock(row, m * hiddenDim, hiddenDim);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalStateException("run " + run + ": activations of " + mbids[t]
                                    + " from model " + models.get(m) + " are not finite", e);
                        }
                    }
                    sw.append(row);
                    split[t] = first.split.get(r0);
                    int at = first.labelStart.get(r0);
                    int end = first.labelStart.get(r0 + 1);
                    while (at < end) {
                        int m = first.labelPool.get(at++);
                        int count = first.labelPool.get(at++);
                        Arrays.fill(multiHot[m], 0f);
                        for (int k = 0; k < count; k++) {
                            multiHot[m][first.labelPool.get(at++)] = 1f;
                        }
                        labelWriters[m].append(multiHot[m]);
                        tagged[m].add(t);
                    }
                }
            }
            for (int m = 0; m < nModels; m++) {
                labelWriters[m].close();
                hidden[m].close();
                Files.deleteIfExists(passes[m].hiddenPath);
            }
            stacked = FloatRowStore.open(stackedPath);
            FloatRowStore[] scores = new FloatRowStore[nModels];
            SourceRows[] sources = new SourceRows[nModels];
            for (int m = 0; m < nModels; m++) {
                scores[m] = FloatRowStore.open(passes[m].scoresPath);
                sources[m] = new SourceRows(models.get(m), inputs.get(m).nLabels(), tagged[m].toArray(),
                        FloatRowStore.open(dir.resolve("labels-" + models.get(m) + ".bin")), split);
            }
            LOG.infof("[%s] stacker inputs: %d tracks × %d inputs, tagged %s, in %.1f s", run, n, stacked.cols(),
                    Arrays.stream(sources).map(s -> s.source + "=" + s.tracks.length).toList(),
                    (System.nanoTime() - t0) / 1e9);
            return new StackingInputs(dir, models, hiddenDim, mbids, split, modelRow, stacked, scores, sources);
        } catch (Exception | Error e) {
            for (FloatRowStore.Writer w : labelWriters) {
                if (w != null) {
                    try {
                        w.close();
                    } catch (IOException ignored) {
                        // failing anyway
                    }
                }
            }
            deleteTree(dir);
            throw e;
        }
    }

    /** Reads one model's range: appends hidden rows and scores, and (first model) the track bookkeeping. */
    private static final class ModelPass implements RangeReader.Sink {
        final String run;
        final ModelInput input;
        final List<String> models;
        final int[] vocabSizes;
        final ModelPass first;
        final Path hiddenPath;
        final Path scoresPath;
        FloatRowStore.Writer hiddenWriter;
        final FloatRowStore.Writer scoresWriter;
        int hiddenDim = -1;
        int rows;
        long undecodable;
        // first model only
        final Map<String, Integer> rowOf;
        final ByteList split;
        final IntList labelStart;
        final IntList labelPool;
        // later models
        final int[] rowOfFirst;
        long onlyHere;
        final List<String> onlyHereExamples = new ArrayList<>();

        ModelPass(String run, ModelInput input, List<String> models, int[] vocabSizes, Path dir, ModelPass first)
                throws IOException {
            this.run = run;
            this.input = input;
            this.models = models;
            this.vocabSizes = vocabSizes;
            this.first = first;
            this.hiddenPath = dir.resolve("hidden-" + input.source() + ".bin");
            this.scoresPath = dir.resolve("scores-" + input.source() + ".bin");
            this.scoresWriter = FloatRowStore.create(scoresPath, input.nLabels());
            if (first == null) {
                rowOf = new HashMap<>();
                split = new ByteList();
                labelStart = new IntList();
                labelStart.add(0);
                labelPool = new IntList();
                rowOfFirst = null;
            } else {
                rowOf = null;
                split = null;
                labelStart = null;
                labelPool = null;
                rowOfFirst = new int[first.rows];
                Arrays.fill(rowOfFirst, -1);
            }
        }

        @Override
        public void accept(ConsumerRecord<String, byte[]> record) throws Exception {
            TrackActivations a;
            try {
                a = Json.read(record.value(), TrackActivations.class);
            } catch (IllegalArgumentException e) {
                undecodable++;
                return;
            }
            if (!run.equals(a.runId()) || !input.source().equals(a.source())) {
                return;
            }
            String where = "run " + run + ", model " + input.source() + ", track " + a.mbid();
            if (a.mbid() == null || a.split() == null || a.hidden() == null || a.scores() == null) {
                throw new IllegalStateException(where + ": activations record lacks mbid, split, hidden or scores");
            }
            if (hiddenWriter == null) {
                hiddenDim = a.hidden().length;
                if (hiddenDim == 0) {
                    throw new IllegalStateException(where + ": empty hidden vector");
                }
                hiddenWriter = FloatRowStore.create(hiddenPath, hiddenDim);
            }
            if (a.hidden().length != hiddenDim) {
                throw new IllegalStateException(where + ": " + a.hidden().length + " hidden values, earlier records "
                        + hiddenDim);
            }
            if (a.scores().length != input.nLabels()) {
                throw new IllegalStateException(where + ": " + a.scores().length + " base scores, the "
                        + input.source() + " vocabulary has " + input.nLabels() + " labels");
            }
            int row = rows;
            byte side = a.split() == Split.VALIDATION ? VALIDATION : TRAIN;
            if (first == null) {
                if (rowOf.putIfAbsent(a.mbid(), row) != null) {
                    throw new IllegalStateException(where + ": two activations records (duplicate in the range)");
                }
                split.add(side);
                if (a.labels() != null) {
                    for (int m = 0; m < models.size(); m++) {
                        List<Integer> ls = a.labels().get(models.get(m));
                        if (ls == null) {
                            continue;
                        }
                        labelPool.add(m);
                        labelPool.add(ls.size());
                        for (Integer l : ls) {
                            if (l == null || l < 0 || l >= vocabSizes[m]) {
                                throw new IllegalStateException(where + ": label index " + l + " of source "
                                        + models.get(m) + " is outside its vocabulary of " + vocabSizes[m]);
                            }
                            labelPool.add(l);
                        }
                    }
                }
                labelStart.add(labelPool.size());
            } else {
                Integer r0 = first.rowOf.get(a.mbid());
                if (r0 == null) {
                    onlyHere++;
                    if (onlyHereExamples.size() < 5) {
                        onlyHereExamples.add(a.mbid());
                    }
                } else {
                    if (rowOfFirst[r0] >= 0) {
                        throw new IllegalStateException(where + ": two activations records (duplicate in the range)");
                    }
                    rowOfFirst[r0] = row;
                    if (first.split.get(r0) != side) {
                        throw new IllegalStateException(where + ": split " + a.split() + " differs from model "
                                + first.input.source() + "'s");
                    }
                }
            }
            hiddenWriter.append(a.hidden());
            scoresWriter.append(a.scores());
            rows++;
        }

        void closeWriters() throws IOException {
            if (hiddenWriter != null) {
                hiddenWriter.close();
            }
            scoresWriter.close();
        }

        void check() {
            long expected = input.range().expectedRecords();
            if (rows != expected) {
                throw new IllegalStateException("run " + run + ": base model " + input.source() + " announced "
                        + expected + " activations in " + input.range().topic() + " " + input.range().partitions()
                        + " but the range holds " + rows + " of this run and model (+" + undecodable
                        + " undecodable records); refusing to stack a partial set");
            }
            if (rows == 0) {
                throw new IllegalStateException("run " + run + ": base model " + input.source()
                        + " has no activations");
            }
        }

        /** Throws naming the difference when {@code other} does not cover exactly this (first) model's tracks. */
        void compareTrackSets(ModelPass other) {
            long missing = 0;
            List<String> examples = new ArrayList<>();
            if (other.onlyHere == 0 && other.rows == rows) {
                return;
            }
            for (var e : rowOf.entrySet()) {
                if (other.rowOfFirst[e.getValue()] < 0) {
                    missing++;
                    if (examples.size() < 5) {
                        examples.add(e.getKey());
                    }
                }
            }
            if (missing == 0 && other.onlyHere == 0) {
                return;
            }
            throw new IllegalStateException("run " + run + ": the base models cover different tracks: "
                    + missing + " tracks have activations from " + input.source() + " but not from "
                    + other.input.source() + " (e.g. " + examples + "), " + other.onlyHere + " from "
                    + other.input.source() + " but not from " + input.source() + " (e.g. " + other.onlyHereExamples
                    + ")");
        }
    }

    /** Growable int array. */
    static final class IntList {
        private int[] a = new int[1024];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        int get(int i) {
            return a[i];
        }

        int size() {
            return n;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** Growable byte array. */
    static final class ByteList {
        private byte[] a = new byte[1024];
        private int n;

        void add(byte v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        byte get(int i) {
            return a[i];
        }
    }

    @Override
    public void close() {
        stacked.close();
        for (FloatRowStore s : scores) {
            s.close();
        }
        for (SourceRows s : sources) {
            s.labels.close();
        }
        try {
            deleteTree(dir);
        } catch (IOException e) {
            LOG.warnf("cannot delete %s: %s", dir, e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
