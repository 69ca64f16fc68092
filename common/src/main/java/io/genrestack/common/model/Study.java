package io.genrestack.common.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A study: one configuration run once per seed, once per feature preset, or once per preset and seed (the cross
 * product), stored as {@code studies/<id>/study.json} by the extractor's {@code POST /studies} and read by the
 * evaluator's {@code GET /studies/{id}} (docs/metrics.md, "Studies"). A study.json written before presets could vary
 * has no {@code presets}: it reads as a seed study.
 *
 * @param studyId the study's id; its runs are named by {@link #runId(String, String, Long)}
 * @param vary how the seeds are used: {@link #VARY_MODEL} (the split seed held at {@code config.seed()}, each run's
 *        {@code modelSeed} one of the seeds) or {@link #VARY_BOTH} (each run's split and model seeded by one of the
 *        seeds); null when no seeds vary (a preset study on one seed)
 * @param seeds the seeds, in the order given; empty when only the preset varies
 * @param runIds the runs, preset by preset (in the order of {@code presets}), within a preset seed by seed
 * @param config the configuration of the first run (the others differ only in their seeds and presets)
 * @param created when the study was started
 * @param presets the feature presets varied, in the order given; empty when only the seed varies
 */
public record Study(
        String studyId,
        String vary,
        List<Long> seeds,
        List<String> runIds,
        RunConfig config,
        Instant created,
        List<String> presets) {
    public static final String VARY_MODEL = "model";
    public static final String VARY_BOTH = "both";
    /** A factor of {@link #varied()}: the seeds. */
    public static final String FACTOR_SEED = "seed";
    /** A factor of {@link #varied()}: the feature preset. */
    public static final String FACTOR_PRESET = "preset";

    public Study {
        seeds = seeds == null ? List.of() : List.copyOf(seeds);
        runIds = runIds == null ? List.of() : List.copyOf(runIds);
        presets = presets == null ? List.of() : List.copyOf(presets);
    }

    /** A seed study (no preset varied), as before presets could vary. */
    public Study(
            String studyId, String vary, List<Long> seeds, List<String> runIds, RunConfig config, Instant created) {
        this(studyId, vary, seeds, runIds, config, created, List.of());
    }

    /** What varies across the runs: {@link #FACTOR_PRESET} and/or {@link #FACTOR_SEED}, in that order. */
    public List<String> varied() {
        List<String> out = new ArrayList<>();
        if (!presets.isEmpty()) {
            out.add(FACTOR_PRESET);
        }
        if (!seeds.isEmpty()) {
            out.add(FACTOR_SEED);
        }
        return out;
    }

    /** The run of one seed of a seed study: {@code <studyId>-s<seed>}. */
    public static String runId(String studyId, long seed) {
        return studyId + "-s" + seed;
    }

    /**
     * The run of one preset and/or seed: {@code <studyId>-<preset>-s<seed>}, {@code <studyId>-<preset>} (no seeds
     * varied) or {@code <studyId>-s<seed>} (no preset varied).
     */
    public static String runId(String studyId, String preset, Long seed) {
        return studyId + (preset == null ? "" : "-" + preset) + (seed == null ? "" : "-s" + seed);
    }

    /**
     * The ids a study holding {@code runId} could have, by the naming of {@link #runId(String, String, Long)} (a
     * trailing {@code -s<seed>} and/or {@code -<preset>} removed); whether it is one is for its study.json to say.
     */
    public static List<String> candidateStudyIds(String runId, List<String> knownPresets) {
        List<String> out = new ArrayList<>();
        if (runId == null) {
            return out;
        }
        String rest = runId;
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(.+)-s-?[0-9]+").matcher(rest);
        if (m.matches()) {
            rest = m.group(1);
            out.add(rest);
        }
        for (String p : knownPresets) {
            if (rest.endsWith("-" + p) && rest.length() > p.length() + 1) {
                out.add(rest.substring(0, rest.length() - p.length() - 1));
            }
        }
        return out;
    }
}
