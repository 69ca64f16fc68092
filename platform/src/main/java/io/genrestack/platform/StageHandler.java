package io.genrestack.platform;

import io.genrestack.common.model.StageJob;

/**
 * A service's stage work. The platform runs it on a worker thread for every job of {@code <stage>-jobs} this instance
 * is assigned (see {@link io.genrestack.common.kafka.JobWorker}); it must be idempotent: a job may be redone after a
 * crash.
 */
public interface StageHandler {
    String stage();

    void handle(StageJob job) throws Exception;
}
