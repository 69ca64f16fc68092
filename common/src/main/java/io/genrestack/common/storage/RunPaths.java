package io.genrestack.common.storage;

/**
 * The object layout of a run (bucket {@code genrestack} by default). Everything a run writes lives under
 * {@code runs/<run-id>/}; re-doing a step overwrites the same keys, never duplicates.
 *
 * <pre>
 * runs/&lt;run&gt;/run.json                          RunConfig, inputs, versions (extractor)
 * runs/&lt;run&gt;/features/manifest.json            feature names and JSON paths, preset, version (extractor)
 * runs/&lt;run&gt;/labels/&lt;source&gt;.json              label vocabulary, index → "genre---subgenre" (extractor)
 * runs/&lt;run&gt;/extractor/summary.json            counts: read, published, dead-lettered, per split/source
 * runs/&lt;run&gt;/extractor/units.json              the run's extraction units (genrestack.extractor.units above 1)
 * runs/&lt;run&gt;/extractor/setup.json.gz           split, rows, vocabularies, manifest the units share (same)
 * runs/&lt;run&gt;/extractor/units/&lt;g&gt;.claims.gz     recordings unit g claimed, with the item (same)
 * runs/&lt;run&gt;/scaler/stats.bin, stats.md          mean/std/counts/missing (binary) + human summary (scaler)
 * runs/&lt;run&gt;/scaler/partials/&lt;n&gt;.bin            per-partition statistics of scaler part n (parts > 1)
 * runs/&lt;run&gt;/models/&lt;source&gt;/base/params         base model parameters (trainer)
 * runs/&lt;run&gt;/models/&lt;source&gt;/base/provenance.json
 * runs/&lt;run&gt;/models/&lt;source&gt;/base/checkpoints/   epoch-&lt;n&gt; checkpoints
 * runs/&lt;run&gt;/models/&lt;source&gt;/stacked/params      stacked model parameters (stacker)
 * runs/&lt;run&gt;/models/&lt;source&gt;/stacked/provenance.json
 * runs/&lt;run&gt;/reports/report.{json,md,html}      + roc-&lt;source&gt;-&lt;model&gt;.svg,
 *                                                 mediaeval-&lt;source&gt;.tsv (evaluator)
 * runs/&lt;run&gt;/models/&lt;source&gt;/stacked/thresholds.json  decision thresholds (stacker)
 * runs/&lt;run&gt;/predictions/mediaeval-&lt;source&gt;.tsv   a prediction run's MediaEval submission files (stacker)
 * runs/&lt;run&gt;/predictions/scores-&lt;source&gt;.jsonl   its scores, one JSON line per track
 * runs/&lt;run&gt;/predictions/summary.json             its counts and the model run
 * studies/&lt;study&gt;/study.json                    a study's request, seeds and run ids (extractor)
 * studies/&lt;study&gt;/report.json                   the statistics over its runs, once all are reported (evaluator)
 * </pre>
 */
public final class RunPaths {
    private RunPaths() {}

    public static final String RUNS = "runs/";

    public static String run(String runId) {
        return RUNS + runId + "/";
    }

    public static String runJson(String runId) {
        return run(runId) + "run.json";
    }

    public static String manifest(String runId) {
        return run(runId) + "features/manifest.json";
    }

    public static String labels(String runId, String source) {
        return run(runId) + "labels/" + source + ".json";
    }

    public static String extractorSummary(String runId) {
        return run(runId) + "extractor/summary.json";
    }

    /** The plan of a run's extraction units (several extractor instances on one run). */
    public static String extractorUnits(String runId) {
        return run(runId) + "extractor/units.json";
    }

    /** The run's setup (split, ground-truth rows, vocabularies, manifest) as the extraction units read it. */
    public static String extractorSetup(String runId) {
        return run(runId) + "extractor/setup.json.gz";
    }

    /** The recordings extraction unit {@code part} claimed, sorted, a line {@code mbid<TAB>item name} each, gzipped. */
    public static String extractorUnitClaims(String runId, int part) {
        return run(runId) + "extractor/units/" + part + ".claims.gz";
    }

    public static String scalerStats(String runId) {
        return run(runId) + "scaler/stats.bin";
    }

    /** The per-partition statistics one scaler part computed (partition-parallel scaling). */
    public static String scalerPartial(String runId, int part) {
        return run(runId) + "scaler/partials/" + part + ".bin";
    }

    public static String scalerSummary(String runId) {
        return run(runId) + "scaler/stats.md";
    }

    public static String model(String runId, String source, String kind) {
        return run(runId) + "models/" + source + "/" + kind + "/";
    }

    public static String modelParams(String runId, String source, String kind) {
        return model(runId, source, kind) + "params";
    }

    public static String provenance(String runId, String source, String kind) {
        return model(runId, source, kind) + "provenance.json";
    }

    public static String checkpoints(String runId, String source, String kind) {
        return model(runId, source, kind) + "checkpoints/";
    }

    public static String reports(String runId) {
        return run(runId) + "reports/";
    }

    /**
     * The per-label decision thresholds of a source's stacked model ({@code LabelThresholds}): tuned on the run's
     * train predictions as the evaluator's MediaEval submission does, written by the stacker when it stacks (or by
     * the first prediction run, for a run stacked before).
     */
    public static String thresholds(String runId, String source) {
        return model(runId, source, "stacked") + "thresholds.json";
    }

    /**
     * The ablations of one target source's stacked model ({@code RunConfig.ablations}): the stacker's subsets, their
     * validation macro ROC-AUCs and the paired bootstrap against the full stacked model.
     */
    public static String ablations(String runId, String source) {
        return run(runId) + "ablations/" + source + ".json";
    }

    /** Folder of a prediction run's output. */
    public static String predictions(String runId) {
        return run(runId) + "predictions/";
    }

    /** A prediction run's MediaEval submission file of one source (same name as the evaluator's). */
    public static String submission(String runId, String source) {
        return predictions(runId) + "mediaeval-" + source + ".tsv";
    }

    /** A prediction run's scores of one source: one JSON line per track. */
    public static String predictionScores(String runId, String source) {
        return predictions(runId) + "scores-" + source + ".jsonl";
    }

    /** A prediction run's summary: counts, model run, object keys. */
    public static String predictionSummary(String runId) {
        return predictions(runId) + "summary.json";
    }

    /** Stage bookkeeping (e.g. where a stage's output started in Kafka), written once per run and unit. */
    public static String stageState(String runId, String stage, String unit, String name) {
        return run(runId) + "state/" + stage + "/" + unit + "/" + name;
    }

    public static final String STUDIES = "studies/";

    /** A study's definition: {@code Study} (its request, seeds, run ids). */
    public static String studyJson(String studyId) {
        return STUDIES + studyId + "/study.json";
    }

    /** A study's statistics over its runs' reports, written when every run has one. */
    public static String studyReport(String studyId) {
        return STUDIES + studyId + "/report.json";
    }
}
