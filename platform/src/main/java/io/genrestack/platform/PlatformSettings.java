package io.genrestack.platform;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings every service shares, {@code genrestack.platform.*} (env {@code GENRESTACK_PLATFORM_*}). */
@ConfigMapping(prefix = "genrestack.platform")
public interface PlatformSettings {
    /** Partitions of the data topics when this service creates them. */
    @WithDefault("12")
    int topicPartitions();

    @WithDefault("1")
    short topicReplication();

    /** Attempts of a failing job before it is reported as stage-failed and skipped. */
    @WithDefault("3")
    int jobMaxAttempts();

    /** Local scratch space (materialised training data, spill files). */
    @WithDefault("${java.io.tmpdir}/genrestack")
    String workDir();

    /** Start the stage's job worker (false: REST-only instance). */
    @WithDefault("true")
    boolean workerEnabled();
}
