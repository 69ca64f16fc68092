package io.genrestack.ml;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.genrestack.common.model.TrainParams;
import org.jboss.logging.Logger;

/**
 * Optimiser and loop settings for {@link MlpTrainer}. Defaults follow the paper's Keras setup: Adam(1e-3, 0.9,
 * 0.999, 1e-8), batch 32, up to 100 epochs, early stopping with patience 4 on validation loss.
 *
 * @param lr Adam learning rate
 * @param beta1 Adam first-moment decay
 * @param beta2 Adam second-moment decay
 * @param eps Adam epsilon
 * @param batchSize mini-batch size (used by datasets built from this config)
 * @param maxEpochs upper bound on epochs
 * @param patience epochs without validation-loss improvement before stopping
 * @param seed seed for initialisation, shuffling and dropout
 * @param device "cpu", "gpu" (first GPU), "gpu:N" (fail without that GPU) or "auto" (first GPU, else CPU)
 * @param threads PyTorch intra-op threads for the process; 0 leaves the engine default
 */
public record TrainConfig(
        double lr,
        double beta1,
        double beta2,
        double eps,
        int batchSize,
        int maxEpochs,
        int patience,
        long seed,
        String device,
        int threads) {

    private static final Logger LOG = Logger.getLogger(TrainConfig.class);

    public TrainConfig {
        if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be > 0");
        if (maxEpochs <= 0) throw new IllegalArgumentException("maxEpochs must be > 0");
        if (patience <= 0) throw new IllegalArgumentException("patience must be > 0");
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0");
        if (device == null || device.isBlank()) device = "cpu";
    }

    /** The paper's settings, seed 42, CPU, engine-default threads. */
    public static TrainConfig defaults() {
        return new TrainConfig(1e-3, 0.9, 0.999, 1e-8, 32, 100, 4, 42L, "cpu", 0);
    }

    /**
     * A run's model-family parameters ({@link TrainParams}: learning rate, batch, epochs, patience) with the paper's
     * Adam moments, on the CPU with engine-default threads: the one path from a run's config to the trainer's.
     */
    public static TrainConfig from(TrainParams p, long seed) {
        return new TrainConfig(
                p.learningRate(), 0.9, 0.999, 1e-8, p.batchSize(), p.maxEpochs(), p.patience(), seed, "cpu", 0);
    }

    public TrainConfig withLr(double v) {
        return new TrainConfig(v, beta1, beta2, eps, batchSize, maxEpochs, patience, seed, device, threads);
    }

    public TrainConfig withBeta1(double v) {
        return new TrainConfig(lr, v, beta2, eps, batchSize, maxEpochs, patience, seed, device, threads);
    }

    public TrainConfig withBeta2(double v) {
        return new TrainConfig(lr, beta1, v, eps, batchSize, maxEpochs, patience, seed, device, threads);
    }

    public TrainConfig withEps(double v) {
        return new TrainConfig(lr, beta1, beta2, v, batchSize, maxEpochs, patience, seed, device, threads);
    }

    public TrainConfig withBatchSize(int v) {
        return new TrainConfig(lr, beta1, beta2, eps, v, maxEpochs, patience, seed, device, threads);
    }

    public TrainConfig withMaxEpochs(int v) {
        return new TrainConfig(lr, beta1, beta2, eps, batchSize, v, patience, seed, device, threads);
    }

    public TrainConfig withPatience(int v) {
        return new TrainConfig(lr, beta1, beta2, eps, batchSize, maxEpochs, v, seed, device, threads);
    }

    public TrainConfig withSeed(long v) {
        return new TrainConfig(lr, beta1, beta2, eps, batchSize, maxEpochs, patience, v, device, threads);
    }

    public TrainConfig withDevice(String v) {
        return new TrainConfig(lr, beta1, beta2, eps, batchSize, maxEpochs, patience, seed, v, threads);
    }

    public TrainConfig withThreads(int v) {
        return new TrainConfig(lr, beta1, beta2, eps, batchSize, maxEpochs, patience, seed, device, v);
    }

    /** Resolves {@link #device()} to a DJL device; see {@link #resolveDevice(String)}. */
    public Device resolveDevice() {
        return resolveDevice(device);
    }

    /**
     * Parses "cpu", "gpu" / "gpu:N" (also "cuda" / "cuda:N") or "auto" against the GPUs the engine sees.
     *
     * @throws IllegalStateException when a GPU is asked for and the engine does not see it: a GPU-configured trainer
     *         must not train on the CPU unnoticed. Only "auto" falls back to the CPU.
     */
    public static Device resolveDevice(String spec) {
        String s = normalise(spec);
        // Only ask the engine when the answer matters (cpu never needs it).
        return resolveDevice(spec, s.equals("cpu") ? 0 : Engine.getInstance().getGpuCount());
    }

    /** {@link #resolveDevice(String)} with the number of GPUs the engine sees given. */
    static Device resolveDevice(String spec, int gpus) {
        String s = normalise(spec);
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        if (s.equals("auto")) {
            if (gpus > 0) {
                return Device.gpu(0);
            }
            LOG.infof("device auto: the engine sees no GPU; using cpu");
            return Device.cpu();
        }
        int id;
        if (s.equals("gpu") || s.equals("cuda")) {
            id = 0;
        } else if (s.matches("(gpu|cuda):\\d{1,4}")) {
            id = Integer.parseInt(s.substring(s.indexOf(':') + 1));
        } else {
            throw new IllegalArgumentException("device must be cpu, gpu, gpu:N or auto, got '" + spec + "'");
        }
        if (id >= gpus) {
            throw new IllegalStateException("device '" + spec + "' was requested (setting device: "
                    + "genrestack.trainer.device / GENRESTACK_TRAINER_DEVICE for the trainer, "
                    + "genrestack.stacker.device / GENRESTACK_STACKER_DEVICE for the stacker) but the engine sees "
                    + gpus + " GPU(s). Run the service's CUDA image (Dockerfile.cuda) with a GPU passed to the "
                    + "container (NVIDIA Container Toolkit; nvidia.com/gpu on Kubernetes), or set the device to "
                    + "'auto' (GPU when there is one, else CPU) or 'cpu'");
        }
        return Device.gpu(id);
    }

    private static String normalise(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(java.util.Locale.ROOT);
        return s.isEmpty() ? "cpu" : s;
    }
}
