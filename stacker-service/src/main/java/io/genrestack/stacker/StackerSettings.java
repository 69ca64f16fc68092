package io.genrestack.stacker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.OptionalLong;

/** {@code genrestack.stacker.*} (env {@code GENRESTACK_STACKER_*}). */
@ConfigMapping(prefix = "genrestack.stacker")
public interface StackerSettings {
    /**
     * Where the stacked models train and the run's predictions are computed: {@code cpu} (default), {@code gpu} or
     * {@code gpu:N} (a job fails when that GPU is not visible), or {@code auto} (the first GPU, else the CPU). The
     * device actually used is logged and written to the provenance. A GPU needs the CUDA image
     * ({@code src/main/docker/Dockerfile.cuda}, which sets {@code gpu}; docs/deployment.md, "CUDA images").
     */
    @WithDefault("cpu")
    String device();

    /** PyTorch intra-op threads for training (0 = engine default, one per core; 1 is fastest on a shared node). */
    @WithDefault("0")
    int threads();

    /**
     * Seconds an instance keeps a run's materialised stacking inputs after a model job, for its next job of the same
     * run (another source's model, the publish job); 0 deletes them after every job.
     */
    @WithDefault("120")
    int keepInputsSeconds();

    /** Published predictions per exactly-once chunk (one Kafka transaction + progress mark). */
    @WithDefault("5000")
    int checkpointEvery();

    /** Largest accepted {@code POST /predict} body in bytes; larger bodies get 413. */
    @WithDefault("8388608")
    int predictMaxBytes();

    /** Runs whose models {@code /predict} keeps loaded (least recently used ones are closed). */
    @WithDefault("2")
    int predictCachedRuns();

    /** Seconds {@code /predict} remembers which run is the latest before listing object storage again. */
    @WithDefault("30")
    int latestRunCacheSeconds();

    /**
     * Bootstrap resamples of a source's validation tracks for the ablations' paired 95 % intervals against the full
     * stacked model ({@code RunConfig.ablations}; the evaluator's {@code bootstrap-resamples} default); 0: none.
     */
    @WithDefault("1000")
    int ablationResamples();

    /**
     * Fault injection for tests and drills: the first attempt of a run's publishing fails after this many predictions
     * (the job is retried and resumes after the last committed chunk). Unset in production.
     */
    OptionalLong failAfterPredictions();
}
