package io.genrestack.common.model;

import java.time.Instant;
import java.util.List;

/**
 * A study: one configuration run once per seed, stored as {@code studies/<id>/study.json} by the extractor's
 * {@code POST /studies} and read by the evaluator's {@code GET /studies/{id}} (docs/metrics.md, "Studies").
 *
 * @param studyId the study's id; its runs are {@code <studyId>-s<seed>}
 * @param vary {@link #VARY_MODEL} (the split seed held at {@code config.seed()}, each run's {@code modelSeed} one of
 *        the seeds) or {@link #VARY_BOTH} (each run's split and model seeded by one of the seeds)
 * @param seeds the seeds, in the order given
 * @param runIds the runs, one per seed, in the same order
 * @param config the configuration of the first run (the others differ only in their seeds)
 * @param created when the study was started
 */
public record Study(
        String studyId, String vary, List<Long> seeds, List<String> runIds, RunConfig config, Instant created) {
    public static final String VARY_MODEL = "model";
    public static final String VARY_BOTH = "both";

    public Study {
        seeds = seeds == null ? List.of() : List.copyOf(seeds);
        runIds = runIds == null ? List.of() : List.copyOf(runIds);
    }

    /** The run of one seed: {@code <studyId>-s<seed>}. */
    public static String runId(String studyId, long seed) {
        return studyId + "-s" + seed;
    }
}
