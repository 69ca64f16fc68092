package io.genrestack.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.Batchifier;
import ai.djl.util.Progress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.stream.IntStream;

/**
 * A DJL dataset over two {@link FloatRowStore}s (features and multi-hot labels, same row count), optionally restricted
 * to a subset of rows (e.g. a train/validation split). Batches are built with one bulk copy per batch from the
 * memory-mapped files into a reused direct buffer and one native array per input; no per-row NDArrays.
 *
 * <p>Order: with {@code shuffle(true)} each call of {@link #getData(NDManager)} iterates a fresh permutation derived
 * only from {@code (seed, epoch)}, where epoch counts calls (starting at 0) unless set with {@link #setEpoch(int)};
 * {@link MlpTrainer} sets it so a resumed run sees the same orders as an uninterrupted one. Without shuffle, rows come
 * in subset order (use this for validation: the trainer's validation scores are in this order).
 * Iterating with a caller-supplied {@link Sampler} uses the sampler's order but still builds batches in bulk.
 *
 * <p>Each {@link Batch} owns a sub-manager of the manager passed to {@code getData}; the caller must close it.
 * Iterators are single-threaded; the executor-service variants ignore the executor.
 */
public final class RowStoreDataset extends RandomAccessDataset {

    private final FloatRowStore features;
    private final FloatRowStore labels;
    private final int[] rows;
    private final int[] labelRows;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private int nextEpoch;

    private RowStoreDataset(Builder b) {
        super(b);
        this.features = b.features;
        this.labels = b.labels;
        this.rows = b.rows;
        this.labelRows = b.labelRows;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    public FloatRowStore features() {
        return features;
    }

    public FloatRowStore labels() {
        return labels;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Number of rows this dataset iterates (the subset size, or all rows). */
    public int rowCount() {
        return rows == null ? features.rows() : rows.length;
    }

    /** Store row behind dataset position {@code i}. */
    public int storeRow(int i) {
        return rows == null ? i : rows[i];
    }

    /** Label-store row behind dataset position {@code i} (the feature row unless label rows were given). */
    public int labelRow(int i) {
        return labelRows == null ? storeRow(i) : labelRows[i];
    }

    /** Sets the epoch whose shuffle order the next {@link #getData(NDManager)} uses (0-based). */
    public synchronized void setEpoch(int epoch) {
        this.nextEpoch = epoch;
    }

    /** The dataset positions (0..rowCount) in the order used for {@code epoch}. */
    public int[] order(int epoch) {
        int n = rowCount();
        int[] idx = IntStream.range(0, n).toArray();
        if (shuffle) {
            SplittableRandom rnd =
                    new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L * (epoch + 1L));
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
        return new Record(
                new NDList(manager.create(features.row(storeRow(i)))),
                new NDList(manager.create(labels.row(labelRow(i)))));
    }

    @Override
    protected long availableSize() {
        return rowCount();
    }

    @Override
    public void prepare(Progress progress) {
        // data is already on disk
    }

    @Override
    public Iterable<Batch> getData(NDManager manager) {
        int epoch;
        synchronized (this) {
            epoch = nextEpoch++;
        }
        int[] order = order(epoch);
        return () -> new BatchIterator(manager, positionsIterator(order), numBatches(order.length));
    }

    @Override
    public Iterable<Batch> getData(NDManager manager, ExecutorService executorService) {
        return getData(manager);
    }

    @Override
    public Iterable<Batch> getData(NDManager manager, Sampler sampler) {
        return () -> {
            Iterator<List<Long>> it = sampler.sample(this);
            Iterator<int[]> positions = new Iterator<>() {
                public boolean hasNext() {
                    return it.hasNext();
                }

                public int[] next() {
                    return it.next().stream().mapToInt(Long::intValue).toArray();
                }
            };
            return new BatchIterator(manager, positions, -1);
        };
    }

    @Override
    public Iterable<Batch> getData(NDManager manager, Sampler sampler, ExecutorService executorService) {
        return getData(manager, sampler);
    }

    private long numBatches(int n) {
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    private Iterator<int[]> positionsIterator(int[] order) {
        long total = numBatches(order.length);
        return new Iterator<>() {
            int b;

            public boolean hasNext() {
                return b < total;
            }

            public int[] next() {
                if (!hasNext()) throw new NoSuchElementException();
                int from = b * batchSize;
                int to = Math.min(order.length, from + batchSize);
                b++;
                return Arrays.copyOfRange(order, from, to);
            }
        };
    }

    /**
     * Builds one Batch per position list: the rows are copied in bulk from the mapping into a direct buffer, which the
     * engine wraps without a further copy. Buffers are pooled: one is reused only once the array that wrapped it has
     * been closed (normally when its batch is closed), so steady-state training allocates nothing per batch and a
     * consumer that keeps batches open still sees correct data.
     */
    private final class BatchIterator implements Iterator<Batch> {
        private final NDManager manager;
        private final Iterator<int[]> positions;
        private final long total;
        private final List<Slot> xPool = new ArrayList<>();
        private final List<Slot> yPool = new ArrayList<>();
        private long progress;

        BatchIterator(NDManager manager, Iterator<int[]> positions, long total) {
            this.manager = manager;
            this.positions = positions;
            this.total = total < 0 ? numBatches(rowCount()) : total;
        }

        @Override
        public boolean hasNext() {
            return positions.hasNext();
        }

        @Override
        public Batch next() {
            int[] pos = positions.next();
            int n = pos.length;
            int fc = features.cols();
            int lc = labels.cols();
            Slot xs = take(xPool, n * fc, batchSize * fc);
            Slot ys = take(yPool, n * lc, batchSize * lc);
            FloatBuffer xf = xs.buffer.asFloatBuffer();
            FloatBuffer yf = ys.buffer.asFloatBuffer();
            List<Integer> storeRows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int r = storeRow(pos[i]);
                storeRows.add(r);
                features.copyRow(r, xf, i * fc);
                labels.copyRow(labelRow(pos[i]), yf, i * lc);
            }
            NDManager sub = manager.newSubManager();
            try {
                NDArray x = xs.wrap(sub, n * fc, new Shape(n, fc));
                NDArray y = ys.wrap(sub, n * lc, new Shape(n, lc));
                return new Batch(
                        sub,
                        new NDList(x),
                        new NDList(y),
                        n,
                        Batchifier.STACK,
                        Batchifier.STACK,
                        progress++,
                        total,
                        storeRows);
            } catch (RuntimeException e) {
                sub.close();
                throw e;
            }
        }

        private Slot take(List<Slot> pool, int floats, int fullBatchFloats) {
            for (Slot s : pool) {
                if (s.free() && s.buffer.capacity() >= floats * 4) return s;
            }
            int bytes = (Math.max(floats, fullBatchFloats) * 4 + 63) & ~63;
            // 64-byte aligned for the vectorised kernels; alignedSlice trims both ends to the alignment
            Slot s = new Slot(
                    ByteBuffer.allocateDirect(bytes + 64).alignedSlice(64).order(ByteOrder.nativeOrder()));
            pool.add(s);
            return s;
        }
    }

    /** A direct buffer and the array currently wrapping it. */
    private static final class Slot {
        final ByteBuffer buffer;
        NDArray user;

        Slot(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        boolean free() {
            return user == null || user.isReleased();
        }

        NDArray wrap(NDManager sub, int floats, Shape shape) {
            ByteBuffer view = buffer.duplicate().order(ByteOrder.nativeOrder());
            view.position(0).limit(floats * 4);
            NDArray a = sub.create(view, shape, DataType.FLOAT32);
            // on a GPU the engine copies to the device, so the buffer is free at once
            user = a.getDevice().isGpu() ? null : a;
            return a;
        }
    }

    /** Builder; {@code features}, {@code labels} and {@code batchSize} are required. */
    public static final class Builder extends BaseBuilder<Builder> {
        private FloatRowStore features;
        private FloatRowStore labels;
        private int[] rows;
        private int[] labelRows;
        private int batchSize = 32;
        private boolean shuffle = true;
        private boolean dropLast;
        private long seed = 42L;

        public Builder features(FloatRowStore f) {
            this.features = f;
            return this;
        }

        public Builder labels(FloatRowStore l) {
            this.labels = l;
            return this;
        }

        /** Restricts the dataset to these store rows, iterated in this order when not shuffling. */
        public Builder rows(int[] subset) {
            this.rows = subset == null ? null : subset.clone();
            return this;
        }

        /**
         * Label-store rows, one per entry of {@link #rows(int[])}: position i pairs feature row {@code rows[i]} with
         * label row {@code labelRows[i]}, so the labels may live in a smaller store of their own (e.g. the stacker
         * keeps one input store for every track and one label store per source for the tracks it tags).
         */
        public Builder labelRows(int[] rows) {
            this.labelRows = rows == null ? null : rows.clone();
            return this;
        }

        public Builder batchSize(int b) {
            this.batchSize = b;
            return this;
        }

        public Builder shuffle(boolean s) {
            this.shuffle = s;
            return this;
        }

        public Builder dropLast(boolean d) {
            this.dropLast = d;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        public RowStoreDataset build() {
            if (features == null || labels == null)
                throw new IllegalArgumentException("features and labels are required");
            if (labelRows == null && features.rows() != labels.rows()) {
                throw new IllegalArgumentException(
                        "features have " + features.rows() + " rows, labels " + labels.rows());
            }
            if (labelRows != null) {
                if (rows == null || rows.length != labelRows.length) {
                    throw new IllegalArgumentException("labelRows needs rows of the same length ("
                            + (rows == null ? "no rows" : rows.length + " rows") + ", " + labelRows.length
                            + " label rows)");
                }
                for (int r : labelRows) {
                    if (r < 0 || r >= labels.rows()) throw new IndexOutOfBoundsException("label row " + r);
                }
            }
            if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be > 0");
            if (rows != null) {
                for (int r : rows) {
                    if (r < 0 || r >= features.rows()) throw new IndexOutOfBoundsException("row " + r);
                }
            }
            setSampling(batchSize, shuffle, dropLast);
            return new RowStoreDataset(this);
        }
    }
}
