package io.genrestack.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

import java.util.SplittableRandom;

/**
 * Uniform(-scale, scale) weights drawn from a Java RNG seeded per parameter, so initial weights are identical across
 * runs, threads and devices (independent of the engine's RNG state).
 */
final class SeededUniformInitializer implements Initializer {
    private final float scale;
    private final long seed;

    SeededUniformInitializer(double scale, long seed) {
        this.scale = (float) scale;
        this.seed = seed;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2.0 - 1.0) * scale);
        }
        NDArray a = manager.create(v, shape);
        return dataType == DataType.FLOAT32 ? a : a.toType(dataType, false);
    }
}
