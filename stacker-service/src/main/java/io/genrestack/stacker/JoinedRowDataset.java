package io.genrestack.stacker;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.translate.Batchifier;
import ai.djl.util.Progress;
import io.genrestack.ml.FloatRowStore;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;

/**
 * A DJL dataset pairing rows of two {@link FloatRowStore}s that are NOT aligned: position {@code i} is features row
 * {@code featureRows[i]} with labels row {@code labelRows[i]}. The stacker keeps one stacked-input store for every
 * track of the run and, per source, a label store of only the tracks that source tags, so a source's training set is
 * a join of the two (no copy of the 1024-d inputs per source). Batches are built with one bulk copy per input from
 * the memory mappings, as {@code io.genrestack.ml.RowStoreDataset} does.
 *
 * <p>With shuffle, the n-th call of {@link #getData(NDManager)} iterates a permutation derived only from
 * {@code (seed, n)}; without, positions come in order (validation: the trainer's scores follow it). Each batch owns a
 * sub-manager of the given manager; the caller closes the batch.
 */
public final class JoinedRowDataset extends RandomAccessDataset {
    private final FloatRowStore features;
    private final int[] featureRows;
    private final FloatRowStore labels;
    private final int[] labelRows;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private int nextEpoch;

    private JoinedRowDataset(Builder b) {
        super(b);
        this.features = b.features;
        this.featureRows = b.featureRows;
        this.labels = b.labels;
        this.labelRows = b.labelRows;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
    }

    /** A dataset over the given row pairs; shuffled per call with {@code seed} when {@code shuffle}. */
    public static JoinedRowDataset of(FloatRowStore features, int[] featureRows, FloatRowStore labels,
            int[] labelRows, int batchSize, boolean shuffle, long seed) {
        Builder b = new Builder();
        b.features = features;
        b.featureRows = featureRows.clone();
        b.labels = labels;
        b.labelRows = labelRows.clone();
        b.batchSize = batchSize;
        b.shuffle = shuffle;
        b.seed = seed;
        if (featureRows.length != labelRows.length) {
            throw new IllegalArgumentException(featureRows.length + " feature rows but " + labelRows.length
                    + " label rows");
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0");
        }
        for (int r : featureRows) {
            if (r < 0 || r >= features.rows()) {
                throw new IndexOutOfBoundsException("feature row " + r + " of " + features.rows());
            }
        }
        for (int r : labelRows) {
            if (r < 0 || r >= labels.rows()) {
                throw new IndexOutOfBoundsException("label row " + r + " of " + labels.rows());
            }
        }
        b.setSampling(batchSize, shuffle, false);
        return new JoinedRowDataset(b);
    }

    public int rowCount() {
        return featureRows.length;
    }

    /** Positions 0..rowCount in the order of the given epoch (call number). */
    int[] order(int epoch) {
        int n = rowCount();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        if (shuffle) {
            SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L * (epoch + 1L));
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
        }
        return idx;
    }

    @Override
    public Record get(NDManager manager, long index) {
        int i = Math.toIntExact(index);
        return new Record(new NDList(manager.create(features.row(featureRows[i]))),
                new NDList(manager.create(labels.row(labelRows[i]))));
    }

    @Override
    protected long availableSize() {
        return rowCount();
    }

    @Override
    public void prepare(Progress progress) {
        // on disk already
    }

    @Override
    public Iterable<Batch> getData(NDManager manager) {
        int epoch;
        synchronized (this) {
            epoch = nextEpoch++;
        }
        int[] order = order(epoch);
        return () -> new Batches(manager, order);
    }

    @Override
    public Iterable<Batch> getData(NDManager manager, ExecutorService executorService) {
        return getData(manager);
    }

    private final class Batches implements Iterator<Batch> {
        private final NDManager manager;
        private final int[] order;
        private final long total;
        private final boolean copyOut;
        private int next;
        private long progress;
        private ByteBuffer xBuf;
        private ByteBuffer yBuf;

        Batches(NDManager manager, int[] order) {
            this.manager = manager;
            this.order = order;
            this.total = (order.length + batchSize - 1) / batchSize;
            // On the CPU the engine wraps a direct buffer without copying; the buffers are reused, so copy out.
            this.copyOut = !manager.getDevice().isGpu();
        }

        @Override
        public boolean hasNext() {
            return next < order.length;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int n = Math.min(batchSize, order.length - next);
            int fc = features.cols();
            int lc = labels.cols();
            xBuf = ensure(xBuf, n * fc);
            yBuf = ensure(yBuf, n * lc);
            FloatBuffer xf = xBuf.asFloatBuffer();
            FloatBuffer yf = yBuf.asFloatBuffer();
            List<Integer> positions = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int p = order[next + i];
                positions.add(p);
                features.copyRow(featureRows[p], xf, i * fc);
                labels.copyRow(labelRows[p], yf, i * lc);
            }
            next += n;
            NDManager sub = manager.newSubManager();
            try {
                NDArray x = toArray(sub, xBuf, n * fc, new Shape(n, fc));
                NDArray y = toArray(sub, yBuf, n * lc, new Shape(n, lc));
                return new Batch(sub, new NDList(x), new NDList(y), n, Batchifier.STACK, Batchifier.STACK,
                        progress++, total, positions);
            } catch (RuntimeException e) {
                sub.close();
                throw e;
            }
        }

        private NDArray toArray(NDManager sub, ByteBuffer buf, int count, Shape shape) {
            ByteBuffer view = buf.duplicate().order(ByteOrder.nativeOrder());
            view.position(0).limit(count * 4);
            NDArray wrapped = sub.create(view, shape, DataType.FLOAT32);
            if (!copyOut) {
                return wrapped;
            }
            NDArray owned = wrapped.duplicate();
            wrapped.close();
            return owned;
        }

        private ByteBuffer ensure(ByteBuffer b, int floats) {
            if (b == null || b.capacity() < floats * 4) {
                return ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder());
            }
            return b;
        }
    }

    /** Builder state (use {@link #of}). */
    static final class Builder extends BaseBuilder<Builder> {
        FloatRowStore features;
        int[] featureRows;
        FloatRowStore labels;
        int[] labelRows;
        int batchSize;
        boolean shuffle;
        long seed;

        @Override
        protected Builder self() {
            return this;
        }
    }
}
