package io.genrestack.evaluator;

import io.genrestack.common.model.AblationReport;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.TrainingCurve;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The machine-readable result of a run, stored as {@code runs/<run>/reports/report.json} and served by
 * {@code GET /runs/{id}/report}. Field names are part of the interface (the CLI prints
 * {@code sources.<source>.base.macroAuc} and {@code .stacked.macroAuc}); README.md documents every field. A value
 * that is undefined (e.g. the AUC of a label with a single class, a mean over zero tracks) is {@code null}, never NaN.
 *
 * @param runId the run
 * @param generatedAt when the evaluator wrote it
 * @param status always {@code complete}: a report is only written for the run's full prediction set
 * @param counts record and track totals
 * @param sources per source, in the fixed order of {@link io.genrestack.common.Sources#ALL}
 * @param sourcesWithoutPredictions sources that had a vocabulary in the job but no prediction at all
 * @param protocol how the numbers were obtained, in words
 * @param objects the job's provenance objects by name ({@code manifest}, {@code run}, {@code stats},
 *        {@code labels.<s>}, {@code model.<s>.base}, {@code model.<s>.stacked}) → object key
 * @param files the report's own files by name ({@code report.json}, {@code roc-lastfm-base.svg}, ...) → object key
 * @param config the run's configuration (from the evaluator job; null for a job without one)
 * @param training per source, per model ({@code base}, {@code stacked}): the training curve read from the model's
 *        provenance.json (restored epoch, per-epoch losses and validation macro AUC); a model whose provenance is
 *        missing or has no history is absent
 * @param ablations per source, the stacker's ablations ({@code runs/<run>/ablations/<source>.json}) when the run
 *        asked for some ({@link RunConfig#ablations()}); empty otherwise
 */
public record EvaluationReport(
        String runId,
        Instant generatedAt,
        String status,
        Counts counts,
        Map<String, SourceReport> sources,
        List<String> sourcesWithoutPredictions,
        Protocol protocol,
        Map<String, String> objects,
        Map<String, String> files,
        RunConfig config,
        Map<String, Map<String, TrainingCurve>> training,
        Map<String, AblationReport> ablations) {

    public static final String COMPLETE = "complete";

    public EvaluationReport {
        training = training == null ? Map.of() : training;
        ablations = ablations == null ? Map.of() : ablations;
    }

    /** Whether the run is on generated data ({@link RunConfig#synthetic}): its AUCs are not the paper's kind. */
    public boolean synthetic() {
        return config != null && config.synthetic();
    }

    /** The training curve of a source's model ({@code base} or {@code stacked}), or null. */
    public TrainingCurve training(String source, String model) {
        Map<String, TrainingCurve> m = training.get(source);
        return m == null ? null : m.get(model);
    }

    /**
     * @param predictions TrackPredictions records of the run read (= the input range's expected count)
     * @param trainTracks sum over sources of train tracks
     * @param validationTracks sum over sources of validation tracks
     */
    public record Counts(long predictions, long trainTracks, long validationTracks) {}

    /** The evaluation protocol, spelled out in the report so a reader need not guess. */
    public record Protocol(String auc, String thresholds, String mediaeval, String submission) {
        public static Protocol standard() {
            return new Protocol(
                    "ROC-AUC on VALIDATION tracks: macro = mean over labels with both classes, micro = all cells "
                            + "pooled (scikit-learn roc_auc_score definitions, exact, ties count 1/2)",
                    "one threshold per label maximising that label's F1 on TRAIN predictions (score >= threshold); "
                            + "a track with no label at or above its threshold gets its best-scoring label",
                    "MediaEval 2018 eval.R: per-track and per-label precision/recall/F-score for all labels, genres "
                            + "and subgenres ('---' in the name), on VALIDATION tracks",
                    "mediaeval-<source>.tsv: stacked model's binarised VALIDATION predictions, one line per recording: "
                            + "recordingmbid TAB label TAB label ..., no header, sorted by recordingmbid");
        }
    }

    /**
     * One source.
     *
     * @param labels vocabulary size
     * @param trainTracks tracks of the train split (thresholds tuned on them)
     * @param validationTracks tracks of the validation split (all metrics measured on them)
     * @param base the base model's results
     * @param stacked the stacked model's results
     * @param paper the paper's macro ROC-AUC for this source (null for a source outside the paper's table)
     * @param perLabel every label: validation/train positives and both models' validation AUC
     * @param curveLabels labels drawn in the ROC figures besides the micro-average curve
     * @param files this source's report files by kind ({@code rocBase}, {@code rocStacked}, {@code submission}) →
     *        file name under the report folder
     * @param objects this source's provenance by kind ({@code labels}, {@code baseModel}, {@code stackedModel}) →
     *        object key
     * @param bootstrap 95 % bootstrap intervals of both macro AUCs and of their paired difference; null when the
     *        bootstrap is off ({@code genrestack.evaluator.bootstrap-resamples=0}) or there is no validation track
     */
    public record SourceReport(
            int labels,
            int trainTracks,
            int validationTracks,
            ModelReport base,
            ModelReport stacked,
            PaperAuc paper,
            List<LabelAuc> perLabel,
            List<String> curveLabels,
            Map<String, String> files,
            Map<String, String> objects,
            BootstrapReport bootstrap) {}

    /**
     * The bootstrap of one source's validation macro ROC-AUC (docs/metrics.md, "Bootstrap confidence intervals"):
     * validation tracks (in MBID order) resampled with replacement, the same resamples for both models.
     *
     * @param resamples resamples drawn ({@code genrestack.evaluator.bootstrap-resamples})
     * @param validResamples resamples with at least one label with both classes (the others have no macro AUC and
     *        are left out of the intervals)
     * @param seed seed of the resample indices (the run config's seed)
     * @param level coverage of the intervals (0.95)
     * @param base percentile interval of the base model's macro AUC
     * @param stacked percentile interval of the stacked model's macro AUC
     * @param difference the paired comparison, stacked − base on each resample
     */
    public record BootstrapReport(
            int resamples,
            int validResamples,
            long seed,
            double level,
            Interval base,
            Interval stacked,
            Difference difference) {}

    /** A percentile interval ({@code low} = 2.5 % and {@code high} = 97.5 % quantile for level 0.95). */
    public record Interval(Double low, Double high) {}

    /**
     * Stacked − base macro AUC.
     *
     * @param observed the difference on the validation tracks themselves (the report's two macro AUCs)
     * @param low lower end of its percentile interval over the resamples
     * @param high upper end
     * @param stackedWins share of the valid resamples where stacked − base &gt; 0
     * @param ties share of the valid resamples where the two are equal (a tie is not a win)
     */
    public record Difference(Double observed, Double low, Double high, Double stackedWins, Double ties) {}

    /**
     * One model (base or stacked) of one source.
     *
     * @param macroAuc mean validation ROC-AUC over the labels with both classes
     * @param microAuc validation ROC-AUC over all cells pooled
     * @param evaluatedLabels labels that entered the macro mean
     * @param skippedLabels labels left out of the macro mean (a single class in validation), vocabulary order
     * @param mediaeval MediaEval precision/recall/F-score on validation, thresholds tuned on train
     */
    public record ModelReport(
            Double macroAuc, Double microAuc, int evaluatedLabels, List<String> skippedLabels, MediaEval mediaeval) {}

    /** The three subsets of the official MediaEval summary. */
    public record MediaEval(Prf all, Prf genres, Prf subgenres) {}

    /**
     * Precision, recall, F-score averaged per track (over {@code tracks} tracks with a true label in the subset) and
     * per label (over {@code labels} labels of the subset true for some track).
     */
    public record Prf(
            Double trackPrecision,
            Double trackRecall,
            Double trackF,
            Double labelPrecision,
            Double labelRecall,
            Double labelF,
            int tracks,
            int labels) {}

    /** The paper's macro ROC-AUC (Oramas et al., MediaEval 2018). */
    public record PaperAuc(double base, double stacked) {}

    /** One label's validation positives (and train positives) and both models' validation ROC-AUC. */
    public record LabelAuc(String label, int validationPositives, int trainPositives, Double base, Double stacked) {}
}
