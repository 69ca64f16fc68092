package io.genrestack.stacker;

import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.TrackActivations;
import io.genrestack.common.serde.Json;
import io.genrestack.ml.FloatRowStore;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Pass 1 of {@link StackingInputs}, for one base model: reads its {@code activations} range (records filtered by run
 * and model), checks every record, appends its hidden row and base scores in arrival order to {@link FloatRowStore}s,
 * and hands each track to {@code T}: the first model's {@link TrackIndex}, or a later model's {@link TrackAlignment}
 * against that index. {@link #check()} then insists that the range held exactly the announced record count.
 *
 * @param <T> what this pass records of each track
 */
final class ActivationsPass<T extends ActivationsPass.Tracks> implements RangeReader.Sink {

    /** Receives each accepted track of the pass; throws on a duplicate or inconsistent record. */
    interface Tracks {
        void add(TrackActivations a, int row, byte side, String where);
    }

    private final String run;
    final StackingInputs.ModelInput input;
    final T tracks;
    final Path hiddenPath;
    final Path scoresPath;
    private final FloatRowStore.Writer scoresWriter;
    /** Created on the first record, which fixes the hidden width. */
    private FloatRowStore.Writer hiddenWriter;

    int hiddenDim = -1;
    int rows;
    private long undecodable;

    private ActivationsPass(String run, StackingInputs.ModelInput input, T tracks, Path dir) throws IOException {
        this.run = run;
        this.input = input;
        this.tracks = tracks;
        this.hiddenPath = dir.resolve("hidden-" + input.source() + ".bin");
        this.scoresPath = dir.resolve("scores-" + input.source() + ".bin");
        this.scoresWriter = FloatRowStore.create(scoresPath, input.nLabels());
    }

    /** Reads {@code input}'s range from {@code ranges} into stores under {@code dir} and checks the count. */
    static <T extends Tracks> ActivationsPass<T> read(
            StackingInputs.RangeSource ranges, String run, StackingInputs.ModelInput input, T tracks, Path dir)
            throws Exception {
        ActivationsPass<T> pass = new ActivationsPass<>(run, input, tracks, dir);
        try {
            ranges.read(input.range(), pass);
        } finally {
            pass.closeWriters();
        }
        pass.check();
        return pass;
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
            throw new IllegalStateException(
                    where + ": " + a.hidden().length + " hidden values, earlier records " + hiddenDim);
        }
        if (a.scores().length != input.nLabels()) {
            throw new IllegalStateException(where + ": " + a.scores().length + " base scores, the " + input.source()
                    + " vocabulary has " + input.nLabels() + " labels");
        }
        byte side = a.split() == Split.VALIDATION ? StackingInputs.VALIDATION : StackingInputs.TRAIN;
        tracks.add(a, rows, side, where);
        hiddenWriter.append(a.hidden());
        scoresWriter.append(a.scores());
        rows++;
    }

    private void closeWriters() throws IOException {
        if (hiddenWriter != null) {
            hiddenWriter.close();
        }
        scoresWriter.close();
    }

    private void check() {
        long expected = input.range().expectedRecords();
        if (rows != expected) {
            throw new IllegalStateException("run " + run + ": base model " + input.source() + " announced "
                    + expected + " activations in " + input.range().topic() + " "
                    + input.range().partitions()
                    + " but the range holds " + rows + " of this run and model (+" + undecodable
                    + " undecodable records); refusing to stack a partial set");
        }
        if (rows == 0) {
            throw new IllegalStateException("run " + run + ": base model " + input.source() + " has no activations");
        }
    }
}
