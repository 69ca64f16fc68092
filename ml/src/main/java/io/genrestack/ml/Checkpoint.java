package io.genrestack.ml;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything needed to resume training after a completed epoch.
 *
 * @param epoch last completed epoch (1-based)
 * @param params model parameters after that epoch ({@link MlpModel#saveParameters()} format)
 * @param bestParams parameters of the best epoch so far (restored at the end of training)
 * @param state early-stopping state and history
 * @param optimizerState Adam step counts and moments, or null: then Adam restarts from zero moments on resume
 */
public record Checkpoint(int epoch, byte[] params, byte[] bestParams, TrainState state, byte[] optimizerState) {

    private static final byte[] MAGIC = "GSCK".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    /** A checkpoint without optimizer state. */
    public Checkpoint(int epoch, byte[] params, byte[] bestParams, TrainState state) {
        this(epoch, params, bestParams, state, null);
    }

    /**
     * Serialises to bytes: magic "GSCK", int version, int epoch, the state (epoch, bestEpoch, bestValLoss,
     * epochsWithoutImprovement, history as (epoch, trainLoss, valLoss, samples/s, seconds, best) tuples), then
     * params, bestParams and optimizerState as int length + bytes (length -1 = null). Big-endian (DataOutputStream).
     */
    public byte[] toBytes() {
        try (ByteArrayOutputStream bos = new ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(bos)) {
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(epoch);
            out.writeInt(state.epoch());
            out.writeInt(state.bestEpoch());
            out.writeDouble(state.bestValLoss());
            out.writeInt(state.epochsWithoutImprovement());
            out.writeInt(state.history().size());
            for (EpochReport r : state.history()) {
                out.writeInt(r.epoch());
                out.writeDouble(r.trainLoss());
                out.writeDouble(r.valLoss());
                out.writeDouble(r.samplesPerSecond());
                out.writeDouble(r.seconds());
                out.writeBoolean(r.best());
            }
            writeBytes(out, params);
            writeBytes(out, bestParams);
            writeBytes(out, optimizerState);
            out.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Inverse of {@link #toBytes()}. */
    public static Checkpoint fromBytes(byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (!Arrays.equals(in.readNBytes(4), MAGIC)) throw new IOException("not a checkpoint (bad magic)");
            int version = in.readInt();
            if (version != VERSION) throw new IOException("unsupported checkpoint version " + version);
            int epoch = in.readInt();
            int sEpoch = in.readInt();
            int bestEpoch = in.readInt();
            double bestValLoss = in.readDouble();
            int wait = in.readInt();
            int n = in.readInt();
            List<EpochReport> history = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                history.add(new EpochReport(
                        in.readInt(),
                        in.readDouble(),
                        in.readDouble(),
                        in.readDouble(),
                        in.readDouble(),
                        in.readBoolean()));
            }
            byte[] params = readBytes(in);
            byte[] bestParams = readBytes(in);
            byte[] opt = readBytes(in);
            return new Checkpoint(
                    epoch, params, bestParams, new TrainState(sEpoch, bestEpoch, bestValLoss, wait, history), opt);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0) return null;
        byte[] b = in.readNBytes(len);
        if (b.length != len) throw new IOException("truncated checkpoint");
        return b;
    }

    @Override
    public String toString() {
        return "Checkpoint[epoch=" + epoch + ", params=" + (params == null ? 0 : params.length) + " B, bestEpoch="
                + state.bestEpoch() + ", bestValLoss=" + state.bestValLoss() + ", optimizerState="
                + (optimizerState == null ? "none" : optimizerState.length + " B") + "]";
    }
}
