package io.genrestack.stacker;

import io.genrestack.common.io.PathTrees;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.TopicRange;
import io.genrestack.ml.FloatRowStore;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A run's stacking data, materialised on local disk (never in the heap: the full dump has 1.77 M tracks × 4 × 256
 * floats). Built in two passes, each its own type:
 * <ol>
 * <li>{@link ActivationsPass}, per base model: its {@code activations} range is read (records filtered by run and
 * model; the count must equal the range's {@code expectedRecords}, else nothing is trained on a partial set) and its
 * hidden rows and base scores are appended, in arrival order, to {@link FloatRowStore}s; the first model's pass builds
 * the {@link TrackIndex}, each later one a {@link TrackAlignment} against it (every model must cover the same
 * tracks);</li>
 * <li>{@link JoinPass}: one pass over the tracks in MBID order writes the stacked-input store (row = track: the
 * models' 256-d blocks, each L2-normalised, concatenated in {@link io.genrestack.common.Sources#ALL} order) and, per
 * source, a multi-hot label store of only the tracks that source tags ({@link SourceRows}).</li>
 * </ol>
 * The heap holds only per-track bookkeeping: MBIDs, row indices, splits and the label indices of pass 1.
 * {@link #close()} deletes the files.
 */
final class StackingInputs implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StackingInputs.class);

    /** One base model's input: its source, its activations range, and its label count. */
    record ModelInput(String source, TopicRange range, int nLabels) {}

    /** Reads a topic range into a sink (Kafka in the stage: {@link RangeReader#read(String, TopicRange, Sink)}). */
    @FunctionalInterface
    interface RangeSource {
        void read(TopicRange range, RangeReader.Sink sink) throws Exception;
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

    StackingInputs(
            Path dir,
            List<String> models,
            int hiddenDim,
            String[] mbids,
            byte[] split,
            int[][] modelRow,
            FloatRowStore stacked,
            FloatRowStore[] scores,
            SourceRows[] sources) {
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

    /** The directory of the stores (deleted by {@link #close()}). */
    Path dir() {
        return dir;
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

    /** Reads, checks and joins the models' activations from Kafka under {@code dir} (replaced). */
    static StackingInputs build(String bootstrap, String run, List<ModelInput> inputs, Path dir) throws Exception {
        return build((range, sink) -> RangeReader.read(bootstrap, range, sink), run, inputs, dir);
    }

    /** Reads, checks and joins the models' activations read from {@code ranges} under {@code dir} (replaced). */
    static StackingInputs build(RangeSource ranges, String run, List<ModelInput> inputs, Path dir) throws Exception {
        PathTrees.deleteRecursively(dir);
        Files.createDirectories(dir);
        List<String> models = inputs.stream().map(ModelInput::source).toList();
        int[] vocabSizes = inputs.stream().mapToInt(ModelInput::nLabels).toArray();
        long t0 = System.nanoTime();

        // pass 1: one range per model
        ModelInput in0 = inputs.get(0);
        ActivationsPass<TrackIndex> first =
                ActivationsPass.read(ranges, run, in0, new TrackIndex(models, vocabSizes), dir);
        LOG.infof("[%s] stacker: %d activations of model %s materialised", run, first.rows, in0.source());
        List<ActivationsPass<TrackAlignment>> later = new ArrayList<>();
        for (ModelInput in : inputs.subList(1, inputs.size())) {
            ActivationsPass<TrackAlignment> pass = ActivationsPass.read(
                    ranges, run, in, new TrackAlignment(first.tracks, in0.source(), first.rows), dir);
            pass.tracks.requireSameTracks(run, in.source(), pass.rows);
            later.add(pass);
            LOG.infof("[%s] stacker: %d activations of model %s materialised", run, pass.rows, in.source());
        }
        for (ActivationsPass<TrackAlignment> p : later) {
            if (p.hiddenDim != first.hiddenDim) {
                throw new IllegalStateException("run " + run + ": model " + p.input.source() + " has " + p.hiddenDim
                        + "-d activations, model " + in0.source() + " " + first.hiddenDim + "-d");
            }
        }

        // pass 2: tracks in MBID order → stacked store + per-source label stores
        StackingInputs data = JoinPass.run(run, dir, inputs, first, later, t0);
        LOG.infof(
                "[%s] stacker inputs: %d tracks × %d inputs, tagged %s, in %.1f s",
                run,
                data.tracks(),
                data.inputDim(),
                Arrays.stream(data.sources)
                        .map(s -> s.source + "=" + s.tracks.length)
                        .toList(),
                (System.nanoTime() - t0) / 1e9);
        return data;
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
            PathTrees.deleteRecursively(dir);
        } catch (IOException e) {
            LOG.warnf("cannot delete %s: %s", dir, e);
        }
    }
}
