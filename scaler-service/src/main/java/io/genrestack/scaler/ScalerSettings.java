package io.genrestack.scaler;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.OptionalLong;

/** {@code genrestack.scaler.*} (env {@code GENRESTACK_SCALER_*}). */
@ConfigMapping(prefix = "genrestack.scaler")
public interface ScalerSettings {
    /** Standardised records per exactly-once chunk (one Kafka transaction + progress mark). */
    @WithDefault("1000")
    int checkpointEvery();

    /**
     * Parts a run's scaling is split into (partition groups of its {@code track-features} range): 1 scales the whole
     * run in one job; more fan the run out into per-part statistics and standardisation jobs on {@code scaler-jobs}
     * that every scaler instance takes from (docs/architecture.md, "Partition-parallel scaling"). The output is the
     * same for every count.
     */
    @WithDefault("1")
    int parts();

    /**
     * Fault injection for tests and drills: the first attempt of each standardisation pass fails after this many
     * records (the job is retried and resumes from the last committed chunk). Unset in production.
     */
    OptionalLong failAfterRecords();
}
