package io.genrestack.ml;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The paper's MLP as a DJL model: a {@code hidden} block [Dropout, Linear(h), ReLU] (absent when h = 0) followed by a
 * {@code head} block [Dropout, Linear(n)] producing logits. Owns native memory: always close it.
 *
 * <p>Inference methods run with dropout off and without autograd, in chunks of {@value #INFER_CHUNK} rows, each chunk's
 * arrays inside a sub-manager that is closed before the next. Not thread-safe.
 */
public final class MlpModel implements AutoCloseable {

    /** Rows per native call in the inference helpers. */
    public static final int INFER_CHUNK = 1024;

    private static final byte[] MAGIC = "GSMP".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT_VERSION = 1;

    private final MlpSpec spec;
    private final Model model;
    private final SequentialBlock root;
    private final SequentialBlock hidden;
    private final SequentialBlock head;

    private MlpModel(MlpSpec spec, Device device) {
        this.spec = spec;
        if (spec.hasHidden()) {
            hidden = new SequentialBlock()
                    .add(Dropout.builder().optRate((float) spec.dropout()).build())
                    .add(Linear.builder().setUnits(spec.hiddenDim()).build())
                    .add(Activation.reluBlock());
        } else {
            hidden = null;
        }
        head = new SequentialBlock()
                .add(Dropout.builder().optRate((float) spec.dropout()).build())
                .add(Linear.builder().setUnits(spec.nLabels()).build());
        root = new SequentialBlock();
        if (hidden != null) root.add(hidden);
        root.add(head);
        model = Model.newInstance("genrestack-mlp", device);
        model.setBlock(root);
    }

    /** A freshly initialised model on the CPU. */
    public static MlpModel create(MlpSpec spec, long seed) {
        return create(spec, seed, Device.cpu());
    }

    /**
     * A freshly initialised model on {@code device} ("cpu", "gpu", "gpu:N"; see
     * {@link TrainConfig#resolveDevice(String)}).
     */
    public static MlpModel create(MlpSpec spec, long seed, String device) {
        return create(spec, seed, TrainConfig.resolveDevice(device));
    }

    /**
     * A freshly initialised model: weights uniform in ±{@code spec.initScale()} from a Java RNG seeded with
     * {@code seed} and the parameter's position (identical on every run and device), biases zero.
     */
    public static MlpModel create(MlpSpec spec, long seed, Device device) {
        MlpModel m = new MlpModel(spec, device);
        try {
            int i = 0;
            for (Pair<String, Parameter> p : m.root.getParameters()) {
                Parameter param = p.getValue();
                if (param.getType() == Parameter.Type.WEIGHT) {
                    param.setInitializer(
                            new SeededUniformInitializer(spec.initScale(), seed * 1_000_003L + 7919L * (++i)));
                } else {
                    param.setInitializer(Initializer.ZEROS);
                }
            }
            m.root.initialize(m.model.getNDManager(), DataType.FLOAT32, new Shape(1, spec.inputDim()));
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Rebuilds a model on the CPU from {@link #saveParameters()} output. */
    public static MlpModel load(MlpSpec spec, byte[] params) {
        return load(spec, params, Device.cpu());
    }

    /** Rebuilds a model on {@code device} from {@link #saveParameters()} output; the spec must match the saved one. */
    public static MlpModel load(MlpSpec spec, byte[] params, Device device) {
        MlpModel m = new MlpModel(spec, device);
        try {
            m.readParameters(params);
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    public MlpSpec spec() {
        return spec;
    }

    /** The device holding the parameters. */
    public Device device() {
        return model.getNDManager().getDevice();
    }

    /** The underlying DJL model (its block is {@link #block()}). */
    public Model djlModel() {
        return model;
    }

    /** The whole network: hidden (if any) then head. */
    public Block block() {
        return root;
    }

    /** The hidden block [Dropout, Linear, ReLU], or null for a model without hidden layer. */
    public SequentialBlock hiddenBlock() {
        return hidden;
    }

    /** The head block [Dropout, Linear] producing logits. */
    public SequentialBlock headBlock() {
        return head;
    }

    /** Named parameters in a stable order. */
    List<Pair<String, Parameter>> parameters() {
        List<Pair<String, Parameter>> out = new ArrayList<>();
        root.getParameters().forEach(out::add);
        return out;
    }

    /** Number of scalars in the real parameter arrays (equals {@link MlpSpec#parameterCount()}). */
    public long parameterCount() {
        long n = 0;
        for (Pair<String, Parameter> p : root.getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    /** Post-ReLU hidden activations (dropout off) for each row of {@code x}: shape [rows, hiddenDim]. */
    public float[][] hidden(float[][] x) {
        requireHidden();
        return unflatten(run(hidden, flatten(x), x.length, false), x.length, spec.hiddenDim());
    }

    /**
     * Batch variant of {@link #hidden(float[][])}: {@code x} holds {@code rows} row-major rows; returns rows ×
     * hiddenDim.
     */
    public float[] hidden(float[] x, int rows) {
        requireHidden();
        return run(hidden, x, rows, false);
    }

    /** Streams hidden activations of every row of {@code in} into {@code out} (which must have hiddenDim columns). */
    public void hidden(FloatRowStore in, FloatRowStore.Writer out) throws IOException {
        requireHidden();
        stream(hidden, false, in, out, spec.hiddenDim());
    }

    /** Sigmoid probabilities (dropout off) for each row of {@code x}: shape [rows, nLabels]. */
    public float[][] predict(float[][] x) {
        return unflatten(run(root, flatten(x), x.length, true), x.length, spec.nLabels());
    }

    /** Batch variant of {@link #predict(float[][])} on row-major data. */
    public float[] predict(float[] x, int rows) {
        return run(root, x, rows, true);
    }

    /** Streams probabilities of every row of {@code in} into {@code out} (nLabels columns). */
    public void predict(FloatRowStore in, FloatRowStore.Writer out) throws IOException {
        stream(root, true, in, out, spec.nLabels());
    }

    /** Logits (dropout off) on row-major data; used for validation loss. */
    public float[] logits(float[] x, int rows) {
        return run(root, x, rows, false);
    }

    /**
     * Serialises the parameters: a small header (magic "GSMP", version, inputDim, hiddenDim, nLabels) followed by
     * DJL's {@code Block.saveParameters} stream.
     */
    public byte[] saveParameters() {
        try (ByteArrayOutputStream bos = new ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(bos)) {
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeInt(spec.inputDim());
            out.writeInt(spec.hiddenDim());
            out.writeInt(spec.nLabels());
            root.saveParameters(out);
            out.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces the parameters with ones from {@link #saveParameters()} (old arrays are freed). Must not be called
     * while a DJL {@code Trainer} on this model is open: its parameter store would keep the old arrays.
     */
    public void loadParameters(byte[] params) {
        root.clear();
        readParameters(params);
    }

    private void readParameters(byte[] params) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(params))) {
            byte[] magic = in.readNBytes(4);
            if (!java.util.Arrays.equals(magic, MAGIC))
                throw new IllegalArgumentException("not MlpModel parameters (bad magic)");
            int version = in.readInt();
            if (version != FORMAT_VERSION)
                throw new IllegalArgumentException("unsupported parameter format " + version);
            int inDim = in.readInt();
            int hDim = in.readInt();
            int n = in.readInt();
            if (inDim != spec.inputDim() || hDim != spec.hiddenDim() || n != spec.nLabels()) {
                throw new IllegalArgumentException("parameters are for " + inDim + "→" + hDim + "→" + n + ", spec is "
                        + spec.inputDim() + "→" + spec.hiddenDim() + "→" + spec.nLabels());
            }
            root.loadParameters(model.getNDManager(), in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MalformedModelException e) {
            throw new IllegalArgumentException("malformed parameters: " + e.getMessage(), e);
        }
    }

    private void requireHidden() {
        if (hidden == null) throw new IllegalStateException("model without hidden layer has no activations");
    }

    private float[] run(Block block, float[] x, int rows, boolean sigmoid) {
        int in = spec.inputDim();
        if ((long) rows * in != x.length) {
            throw new IllegalArgumentException(x.length + " values are not " + rows + " rows of " + in);
        }
        int outDim = outputDim(block);
        float[] out = new float[Math.multiplyExact(rows, outDim)];
        float[] chunk = null;
        for (int from = 0; from < rows; from += INFER_CHUNK) {
            int n = Math.min(INFER_CHUNK, rows - from);
            if (chunk == null || chunk.length != n * in) chunk = new float[n * in];
            System.arraycopy(x, from * in, chunk, 0, n * in);
            float[] y = forward(block, chunk, n, sigmoid);
            System.arraycopy(y, 0, out, from * outDim, y.length);
        }
        return out;
    }

    private void stream(Block block, boolean sigmoid, FloatRowStore in, FloatRowStore.Writer out, int outDim)
            throws IOException {
        if (in.cols() != spec.inputDim())
            throw new IllegalArgumentException("input store has " + in.cols() + " columns");
        if (out.cols() != outDim)
            throw new IllegalArgumentException("output store has " + out.cols() + " columns, need " + outDim);
        int inDim = spec.inputDim();
        float[] chunk = null;
        for (int from = 0; from < in.rows(); from += INFER_CHUNK) {
            int n = Math.min(INFER_CHUNK, in.rows() - from);
            if (chunk == null || chunk.length != n * inDim) chunk = new float[n * inDim];
            for (int i = 0; i < n; i++) in.readRow(from + i, chunk, i * inDim);
            float[] y = forward(block, chunk, n, sigmoid);
            for (int i = 0; i < n; i++) out.append(y, i * outDim);
        }
    }

    private float[] forward(Block block, float[] chunk, int n, boolean sigmoid) {
        try (NDManager sub = model.getNDManager().newSubManager()) {
            NDArray x = sub.create(chunk, new Shape(n, spec.inputDim()));
            NDList y = block.forward(new ParameterStore(sub, false), new NDList(x), false);
            NDArray r = y.singletonOrThrow();
            if (sigmoid) r = Activation.sigmoid(r);
            return r.toFloatArray();
        }
    }

    private int outputDim(Block block) {
        return block == hidden ? spec.hiddenDim() : spec.nLabels();
    }

    static float[] flatten(float[][] x) {
        if (x.length == 0) return new float[0];
        int c = x[0].length;
        float[] out = new float[Math.multiplyExact(x.length, c)];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != c) throw new IllegalArgumentException("ragged input at row " + i);
            System.arraycopy(x[i], 0, out, i * c, c);
        }
        return out;
    }

    static float[][] unflatten(float[] flat, int rows, int cols) {
        float[][] out = new float[rows][cols];
        for (int i = 0; i < rows; i++) System.arraycopy(flat, i * cols, out[i], 0, cols);
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
