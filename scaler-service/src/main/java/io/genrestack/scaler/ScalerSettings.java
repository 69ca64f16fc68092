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
     * Fault injection for tests and drills: the first attempt of each standardisation pass fails after this many
     * records (the job is retried and resumes from the last committed chunk). Unset in production.
     */
    OptionalLong failAfterRecords();
}
