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

    /**
     * Group session timeout of the job consumer: a killed instance keeps its job this long before another (or the
     * restarted) instance takes it over. The broker allows 6 s to 30 min by default.
     */
    @WithDefault("10s")
    java.time.Duration groupSessionTimeout();

    /**
     * Pause after each committed output chunk. 0 in production; fault drills stretch a stage with it so that a kill
     * lands in the middle of the stage's output (ReliabilityDrillTest, docs/reliability.md).
     */
    @WithDefault("0s")
    java.time.Duration chunkPause();

    /** Start the stage's job worker (false: REST-only instance). */
    @WithDefault("true")
    boolean workerEnabled();
}
