package io.genrestack.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam whose state (step counts and first/second moments) can be exported and re-imported, so that a training run
 * resumed from a checkpoint continues exactly where it stopped. The update is the same native operation and the
 * same arithmetic as DJL's {@code Optimizer.adam()}: {@code t} = step, {@code lr_t = lr·sqrt(1-β2^t)/(1-β1^t)},
 * {@code m = β1·m + (1-β1)·g}, {@code v = β2·v + (1-β2)·g²}, {@code w -= lr_t·m/(sqrt(v)+ε)} (the Keras 2 form), no
 * weight decay, no clipping.
 *
 * <p>State arrays live in a manager owned by this optimizer; {@link #close()} frees them. State is keyed by parameter
 * id inside a run and by parameter position/name in the exported form (ids change between model instances).
 */
final class ResumableAdam extends Optimizer implements AutoCloseable {

    private static final int STATE_VERSION = 1;

    private final float lr;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final NDManager stateManager;
    private final Map<String, NDArray> means = new HashMap<>();
    private final Map<String, NDArray> variances = new HashMap<>();
    private final Map<String, Integer> counts = new HashMap<>();
    private int numUpdate;

    ResumableAdam(TrainConfig cfg, NDManager parent) {
        super(new Builder());
        this.lr = (float) cfg.lr();
        this.beta1 = (float) cfg.beta1();
        this.beta2 = (float) cfg.beta2();
        this.eps = (float) cfg.eps();
        this.stateManager = parent.newSubManager();
    }

    @Override
    public synchronized void update(String parameterId, NDArray weight, NDArray grad) {
        int c = counts.merge(parameterId, 1, Integer::sum);
        numUpdate = Math.max(numUpdate, c);
        int t = numUpdate;
        double coef1 = 1.0 - Math.pow(beta1, t);
        double coef2 = 1.0 - Math.pow(beta2, t);
        float lrT = (float) (lr * Math.sqrt(coef2) / coef1);
        NDArray m = means.computeIfAbsent(parameterId, k -> zerosLike(weight));
        NDArray v = variances.computeIfAbsent(parameterId, k -> zerosLike(weight));
        weight.getNDArrayInternal()
                .adamUpdate(
                        new NDList(weight, grad, m, v),
                        new NDList(weight),
                        lr,
                        lrT,
                        0f,
                        rescaleGrad,
                        clipGrad,
                        beta1,
                        beta2,
                        eps,
                        true,
                        false);
    }

    private NDArray zerosLike(NDArray weight) {
        return stateManager.zeros(weight.getShape(), weight.getDataType());
    }

    /** Serialises the state for the given parameters (in order); parameters never updated are written as empty. */
    synchronized byte[] exportState(List<Pair<String, Parameter>> params) {
        try (ByteArrayOutputStream bos = new ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(bos)) {
            out.writeInt(STATE_VERSION);
            out.writeInt(numUpdate);
            out.writeInt(params.size());
            for (Pair<String, Parameter> p : params) {
                String id = p.getValue().getId();
                out.writeUTF(p.getKey());
                NDArray m = means.get(id);
                NDArray v = variances.get(id);
                boolean has = m != null && v != null;
                out.writeBoolean(has);
                if (has) {
                    out.writeInt(counts.getOrDefault(id, 0));
                    writeArray(out, m);
                    writeArray(out, v);
                }
            }
            out.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Restores state written by {@link #exportState} onto the (new) parameters, matched by position and name. */
    synchronized void importState(byte[] state, List<Pair<String, Parameter>> params) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            int version = in.readInt();
            if (version != STATE_VERSION) throw new IllegalArgumentException("optimizer state version " + version);
            numUpdate = in.readInt();
            int n = in.readInt();
            if (n != params.size()) {
                throw new IllegalArgumentException("optimizer state has " + n + " parameters, model " + params.size());
            }
            for (Pair<String, Parameter> p : params) {
                String name = in.readUTF();
                if (!name.equals(p.getKey())) {
                    throw new IllegalArgumentException(
                            "optimizer state for " + name + " but parameter is " + p.getKey());
                }
                if (!in.readBoolean()) continue;
                Parameter param = p.getValue();
                String id = param.getId();
                counts.put(id, in.readInt());
                NDArray w = param.getArray();
                put(means, id, readArray(in, w));
                put(variances, id, readArray(in, w));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void put(Map<String, NDArray> map, String id, NDArray a) {
        NDArray old = map.put(id, a);
        if (old != null) old.close();
    }

    private static void writeArray(DataOutputStream out, NDArray a) throws IOException {
        long[] shape = a.getShape().getShape();
        out.writeInt(shape.length);
        for (long s : shape) out.writeLong(s);
        byte[] raw = a.toByteArray(); // native byte order
        out.writeBoolean(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
        out.writeInt(raw.length);
        out.write(raw);
    }

    private NDArray readArray(DataInputStream in, NDArray like) throws IOException {
        int rank = in.readInt();
        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++) shape[i] = in.readLong();
        Shape s = new Shape(shape);
        if (!s.equals(like.getShape())) {
            throw new IllegalArgumentException("optimizer state shape " + s + " != parameter shape " + like.getShape());
        }
        boolean little = in.readBoolean();
        byte[] raw = in.readNBytes(in.readInt());
        float[] f = new float[Math.toIntExact(s.size())];
        if (raw.length != 4 * f.length) throw new IOException("truncated optimizer state");
        ByteBuffer.wrap(raw)
                .order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN)
                .asFloatBuffer()
                .get(f);
        return stateManager.create(f, s); // the state manager lives on the model's device
    }

    @Override
    public synchronized void close() {
        means.clear();
        variances.clear();
        stateManager.close();
    }

    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
