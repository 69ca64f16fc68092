package io.genrestack.trainer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code genrestack.trainer.*} (env {@code GENRESTACK_TRAINER_*}). */
@ConfigMapping(prefix = "genrestack.trainer")
public interface TrainerSettings {
    /**
     * {@code cpu} (default), {@code gpu} or {@code gpu:N} (a job fails when that GPU is not visible), or {@code auto}
     * (the first GPU, else the CPU). The device actually used is logged and written to the provenance. A GPU needs the
     * CUDA image (docs/deployment.md).
     */
    @WithDefault("cpu")
    String device();

    /** Intra-op threads of the engine; 0 = the engine's default (all cores). */
    @WithDefault("0")
    int threads();

    /** Tracks per inference batch when computing activations. */
    @WithDefault("256")
    int inferenceBatch();

    /** Activation records per exactly-once chunk. */
    @WithDefault("2048")
    int checkpointEvery();
}
