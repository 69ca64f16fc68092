package io.genrestack.evaluator;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.genrestack.common.model.AblationReport;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.TrainingCurve;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.evaluator.EvaluationReport.Counts;
import io.genrestack.evaluator.EvaluationReport.SourceReport;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles a run's report from its evaluated sources: {@code report.json} ({@link EvaluationReport}),
 * {@code report.md}, a self-contained {@code report.html} (CSS and SVG inline), the ROC figures
 * {@code roc-<source>-<base|stacked>.svg} and the MediaEval submission files {@code mediaeval-<source>.tsv}. Pure:
 * no Kafka, no storage; the stage writes the files under {@link RunPaths#reports}.
 */
public final class ReportBuilder {
    public static final String JSON = "report.json";
    public static final String MARKDOWN = "report.md";
    public static final String HTML = "report.html";

    private ReportBuilder() {}

    /** A file of the report: its bytes and content type. */
    public record ReportFile(byte[] bytes, String contentType) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The report and all its files by name (report.json first). */
    public record Built(EvaluationReport report, Map<String, ReportFile> files) {}

    /**
     * @param predictions the run's TrackPredictions records read
     * @param sources evaluated sources, in report order
     * @param withoutPredictions sources that had a vocabulary but no predictions
     * @param objects the job's provenance objects by name → key
     * @param config the run's configuration (null: unknown)
     * @param training per source and model kind, the curve from the model's provenance (missing ones absent)
     */
    public static Built build(
            String runId,
            Instant generatedAt,
            long predictions,
            List<SourceEvaluation> sources,
            List<String> withoutPredictions,
            Map<String, String> objects,
            RunConfig config,
            Map<String, Map<String, TrainingCurve>> training) {
        return build(runId, generatedAt, predictions, sources, withoutPredictions, objects, config, training, null);
    }

    /** As above, with each source's ablations ({@code runs/<run>/ablations/<source>.json}; null or empty: none). */
    public static Built build(
            String runId,
            Instant generatedAt,
            long predictions,
            List<SourceEvaluation> sources,
            List<String> withoutPredictions,
            Map<String, String> objects,
            RunConfig config,
            Map<String, Map<String, TrainingCurve>> training,
            Map<String, AblationReport> ablations) {
        String prefix = RunPaths.reports(runId);
        Map<String, SourceReport> reports = new LinkedHashMap<>();
        long train = 0;
        long validation = 0;
        for (SourceEvaluation s : sources) {
            reports.put(s.source(), s.report());
            train += s.report().trainTracks();
            validation += s.report().validationTracks();
        }
        Map<String, String> fileKeys = new LinkedHashMap<>();
        for (String name : List.of(JSON, MARKDOWN, HTML)) {
            fileKeys.put(name, prefix + name);
        }
        for (SourceEvaluation s : sources) {
            for (String name : s.report().files().values()) {
                fileKeys.put(name, prefix + name);
            }
        }
        EvaluationReport report = new EvaluationReport(
                runId,
                generatedAt,
                EvaluationReport.COMPLETE,
                new Counts(predictions, train, validation),
                reports,
                List.copyOf(withoutPredictions),
                EvaluationReport.Protocol.standard(),
                new LinkedHashMap<>(objects),
                fileKeys,
                config,
                training == null ? Map.of() : new LinkedHashMap<>(training),
                ablations == null ? Map.of() : new LinkedHashMap<>(ablations));

        Map<String, ReportFile> files = new LinkedHashMap<>();
        files.put(JSON, new ReportFile(json(report), "application/json"));
        files.put(MARKDOWN, text(ReportMarkdown.render(report), "text/markdown; charset=utf-8"));
        files.put(HTML, text(ReportHtml.render(report, sources), "text/html; charset=utf-8"));
        for (SourceEvaluation s : sources) {
            files.put(SourceEvaluation.rocFile(s.source(), "base"), text(s.baseSvg(), "image/svg+xml"));
            files.put(SourceEvaluation.rocFile(s.source(), "stacked"), text(s.stackedSvg(), "image/svg+xml"));
            files.put(
                    SourceEvaluation.submissionFile(s.source()),
                    text(s.submissionTsv(), "text/tab-separated-values; charset=utf-8"));
        }
        return new Built(report, files);
    }

    /** report.json: GenreStack's mapper, indented. */
    public static byte[] json(EvaluationReport report) {
        try {
            return Json.READABLE.writeValueAsBytes(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write report.json: " + e.getMessage(), e);
        }
    }

    private static ReportFile text(String s, String type) {
        return new ReportFile(s.getBytes(StandardCharsets.UTF_8), type);
    }
}
