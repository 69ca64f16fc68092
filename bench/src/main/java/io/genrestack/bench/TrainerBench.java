package io.genrestack.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.ArrayDataset;
import io.genrestack.ml.EpochListener;
import io.genrestack.ml.EpochReport;
import io.genrestack.ml.FloatRowStore;
import io.genrestack.ml.MlpModel;
import io.genrestack.ml.MlpSpec;
import io.genrestack.ml.MlpTrainer;
import io.genrestack.ml.RowStoreDataset;
import io.genrestack.ml.TrainConfig;
import io.genrestack.ml.ValidationScores;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seconds per training epoch of {@link MlpTrainer} on the paper's network (rows × 2669 → 256 → 327, batch 32) with
 * the memory-mapped {@link RowStoreDataset} and with an in-memory DJL {@link ArrayDataset}. Writes the synthetic data
 * as float row stores so bench/trainer/torch_mlp.py trains the same network in PyTorch on the same numbers.
 * Run through bench/trainer/run.sh: {@code TrainerBench OUT_DIR [ROWS [EPOCHS [THREADS]]]} (20 000 rows, 3 epochs,
 * 1 thread by default); writes OUT_DIR/djl.json and prints it on a {@code BENCH} line.
 */
public final class TrainerBench {

    static final int IN = 2669;
    static final int LABELS = 327;

    private TrainerBench() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Files.createDirectories(out);
        Path fx = out.resolve("features.f32");
        Path fy = out.resolve("labels.f32");
        if (!Files.exists(fx) || !Files.exists(fy) || FloatRowStore.open(fx).rows() != rows) {
            writeData(fx, fy, rows);
        }
        TrainConfig cfg = TrainConfig.defaults()
                .withThreads(threads)
                .withMaxEpochs(epochs)
                .withPatience(1000)
                .withSeed(1);
        int[] all = java.util.stream.IntStream.range(0, rows).toArray();
        int[] valRows = Arrays.copyOf(all, 256);
        StringBuilder json = new StringBuilder("{");
        try (FloatRowStore x = FloatRowStore.open(fx);
                FloatRowStore y = FloatRowStore.open(fy)) {
            RowStoreDataset train = RowStoreDataset.builder()
                    .features(x)
                    .labels(y)
                    .batchSize(32)
                    .shuffle(true)
                    .seed(1)
                    .build();
            RowStoreDataset val = RowStoreDataset.builder()
                    .features(x)
                    .labels(y)
                    .rows(valRows)
                    .batchSize(256)
                    .shuffle(false)
                    .build();
            List<double[]> mem;
            try (NDManager m = NDManager.newBaseManager()) {
                ArrayDataset memTrain = new ArrayDataset.Builder()
                        .setData(m.create(x.toArray()))
                        .optLabels(m.create(y.toArray()))
                        .setSampling(32, true)
                        .build();
                mem = run(memTrain, val, cfg, rows);
            }
            List<double[]> mmap = run(train, val, cfg, rows);
            json.append("\"rows\":")
                    .append(rows)
                    .append(",\"threads\":")
                    .append(MlpTrainer.intraOpThreads())
                    .append(",\"djl_rowstore_epoch_s\":")
                    .append(col(mmap, 0))
                    .append(",\"djl_rowstore_epoch_cpu_s\":")
                    .append(col(mmap, 1))
                    .append(",\"djl_arraydataset_epoch_s\":")
                    .append(col(mem, 0))
                    .append(",\"djl_arraydataset_epoch_cpu_s\":")
                    .append(col(mem, 1))
                    .append('}');
        }
        Files.writeString(out.resolve("djl.json"), json + "\n");
        System.out.println("BENCH " + json);
    }

    /**
     * Trains a fresh paper model for cfg.maxEpochs() and returns, per epoch, the training-phase wall seconds and the
     * CPU seconds of the training thread over the whole epoch (robust when the machine is shared; with one intra-op
     * thread PyTorch runs every kernel on the calling thread).
     */
    private static List<double[]> run(
            ai.djl.training.dataset.Dataset train, RowStoreDataset val, TrainConfig cfg, int rows) throws Exception {
        List<double[]> secs = new ArrayList<>();
        ThreadMXBean tb = ManagementFactory.getThreadMXBean();
        long[] last = {tb.getCurrentThreadCpuTime()};
        try (MlpModel model = MlpModel.create(MlpSpec.paper(IN, LABELS), cfg.seed())) {
            new MlpTrainer()
                    .train(
                            model,
                            train,
                            val,
                            cfg,
                            new EpochListener() {
                                @Override
                                public void onEpoch(EpochReport r, ValidationScores scores) {
                                    long now = tb.getCurrentThreadCpuTime();
                                    secs.add(new double[] {
                                        round(rows / r.samplesPerSecond()), round((now - last[0]) / 1e9)
                                    });
                                    last[0] = now;
                                }

                                @Override
                                public boolean wantsScores() {
                                    return false;
                                }
                            },
                            null);
        }
        return secs;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static List<Double> col(List<double[]> v, int i) {
        return v.stream().map(a -> a[i]).toList();
    }

    /** Standard-normal features; each row has 1–4 labels drawn from a skewed distribution. */
    private static void writeData(Path fx, Path fy, int rows) throws Exception {
        SplittableRandom rnd = new SplittableRandom(2018);
        try (FloatRowStore.Writer wx = FloatRowStore.create(fx, IN);
                FloatRowStore.Writer wy = FloatRowStore.create(fy, LABELS)) {
            float[] x = new float[IN];
            float[] y = new float[LABELS];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < IN; j++) x[j] = (float) (rnd.nextDouble() * 2 - 1) * 1.7f;
                Arrays.fill(y, 0f);
                int k = 1 + rnd.nextInt(4);
                for (int i = 0; i < k; i++) y[(int) (LABELS * Math.pow(rnd.nextDouble(), 2))] = 1f;
                wx.append(x);
                wy.append(y);
            }
        }
    }
}
