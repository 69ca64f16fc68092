package io.genrestack.evaluator;

import io.genrestack.common.model.TrainingCurve;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.evaluator.EvaluationReport.ModelReport;
import io.genrestack.evaluator.EvaluationReport.Prf;
import io.genrestack.evaluator.EvaluationReport.SourceReport;

import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static io.genrestack.evaluator.Text.delta;
import static io.genrestack.evaluator.Text.num;
import static io.genrestack.evaluator.Text.xml;

/**
 * The self-contained {@code report.html}: CSS and the ROC figures inline, no script, no external resource. Links
 * (figures as files, submission TSVs, provenance objects) are relative to {@code /runs/<id>/report.html}, so they
 * resolve against the evaluator's REST API. Element ids a reader (or test) can rely on: {@code summary},
 * {@code source-<s>}, {@code auc-<s>}, {@code paired-<s>} (the bootstrap comparison), {@code mediaeval-<s>},
 * {@code skipped-<s>}, {@code roc-<s>-base}, {@code roc-<s>-stacked}, {@code training-<s>} (the training curves
 * {@code curves-<s>-base}, {@code curves-<s>-stacked}, {@link TrainingSvg}).
 */
final class ReportHtml {
    private static final String CSS = """
            body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1100px;
            padding:0 1rem;color:#1d1d1f;line-height:1.45}
            h1{font-size:1.6rem;margin-bottom:.2rem}\
            h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
            .meta{color:#555}code{background:#f3f3f3;padding:0 .25em;border-radius:3px}
            table{border-collapse:collapse;margin:.6rem 0 1rem}th,td{border:1px solid #d0d0d0;padding:.25rem .55rem}
            th{background:#f5f5f7;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
            tr.stacked td{background:#f7fbff}.better{color:#0a7a2f}.worse{color:#b3261e}
            .figures{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0;max-width:460px}\
            figcaption{color:#555;font-size:.9rem}
            .skipped{font-size:.9rem;color:#444}details{margin:.5rem 0}summary{cursor:pointer}
            table.per-label{font-size:.85rem}td.ci{white-space:nowrap}.paired{color:#333}
            .synthetic{background:#fff4e5;border-left:4px solid #e8a33d;padding:.5rem .8rem}\
            td.not-comparable{color:#8a5a00;font-style:italic}
            """;

    private ReportHtml() {}

    static String render(EvaluationReport r, List<SourceEvaluation> evaluations) {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>GenreStack report: run ")
                .append(xml(r.runId()))
                .append("</title>\n<style>")
                .append(CSS)
                .append("</style>\n</head>\n<body>\n");
        b.append("<h1>GenreStack evaluation report</h1>\n<p class=\"meta\">Run <code id=\"run-id\">")
                .append(xml(r.runId()))
                .append("</code> · generated ")
                .append(xml(DateTimeFormatter.ISO_INSTANT.format(
                        r.generatedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))))
                .append(" · ")
                .append(r.counts().predictions())
                .append(" predictions (")
                .append(r.counts().trainTracks())
                .append(" train, ")
                .append(r.counts().validationTracks())
                .append(" validation source × track pairs)</p>\n");

        summary(b, r);
        for (SourceEvaluation e : evaluations) {
            source(b, r, e);
        }
        if (!r.sourcesWithoutPredictions().isEmpty()) {
            b.append("<p>Sources with a vocabulary but no predictions in this run: ")
                    .append(xml(String.join(", ", r.sourcesWithoutPredictions())))
                    .append("</p>\n");
        }
        b.append("<h2>Protocol</h2>\n<ul>\n")
                .append("<li><b>ROC-AUC</b>: ")
                .append(xml(r.protocol().auc()))
                .append("</li>\n")
                .append("<li><b>Thresholds</b>: ")
                .append(xml(r.protocol().thresholds()))
                .append("</li>\n")
                .append("<li><b>MediaEval</b>: ")
                .append(xml(r.protocol().mediaeval()))
                .append("</li>\n")
                .append("<li><b>Submission files</b>: ")
                .append(xml(r.protocol().submission()))
                .append("</li>\n")
                .append("</ul>\n");
        b.append("<h2>Run objects</h2>\n<ul id=\"objects\">\n");
        for (Map.Entry<String, String> o : r.objects().entrySet()) {
            b.append("<li>")
                    .append(xml(o.getKey()))
                    .append(": ")
                    .append(objectLink(r.runId(), o.getValue()))
                    .append("</li>\n");
        }
        b.append("</ul>\n<p class=\"meta\">Machine-readable: <a href=\"report\">report.json</a> · ")
                .append("<a href=\"report.md\">report.md</a></p>\n</body>\n</html>\n");
        return b.toString();
    }

    private static void summary(StringBuilder b, EvaluationReport r) {
        b.append("<h2>Macro ROC-AUC on validation: this run and the paper</h2>\n");
        if (r.synthetic()) {
            b.append("<p class=\"synthetic\" id=\"synthetic\"><b>Synthetic data.</b> ")
                    .append(xml(Text.SYNTHETIC_NOTE))
                    .append("</p>\n");
        }
        b.append("")
                .append("<table id=\"summary\">\n<thead>\n<tr><th rowspan=\"2\">source</th>")
                .append("<th colspan=\"3\">this run (macro)</th>")
                .append("<th colspan=\"4\">bootstrap 95 % CI (macro, paired resamples)</th>")
                .append("<th colspan=\"2\">this run (micro)</th>")
                .append(
                        r.synthetic()
                                ? "<th colspan=\"2\">paper (macro; " + Text.NOT_COMPARABLE + ")</th></tr>\n"
                                : "<th colspan=\"2\">paper (macro)</th></tr>\n")
                .append("<tr><th>base</th><th>stacked</th><th>stacked − base</th>")
                .append("<th>base</th><th>stacked</th><th>stacked − base</th><th>stacked wins</th>")
                .append("<th>base</th><th>stacked</th>")
                .append("<th>base</th><th>stacked</th></tr>\n</thead>\n<tbody>\n");
        for (Map.Entry<String, SourceReport> e : r.sources().entrySet()) {
            SourceReport s = e.getValue();
            b.append("<tr data-source=\"")
                    .append(xml(e.getKey()))
                    .append("\"><th><a href=\"#source-")
                    .append(xml(e.getKey()))
                    .append("\">")
                    .append(xml(e.getKey()))
                    .append("</a></th>")
                    .append(cell(s.base().macroAuc()))
                    .append(cell(s.stacked().macroAuc()))
                    .append("<td class=\"n\">")
                    .append(delta(s.stacked().macroAuc(), s.base().macroAuc(), 4))
                    .append("</td>")
                    .append(ciCells(s.bootstrap()))
                    .append(cell(s.base().microAuc()))
                    .append(cell(s.stacked().microAuc()))
                    .append(cell(s.paper() == null ? null : s.paper().base()))
                    .append(cell(s.paper() == null ? null : s.paper().stacked()))
                    .append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n<p class=\"meta\">Paper: Oramas et al., MediaEval 2018 AcousticBrainz genre ")
                .append("task baseline (macro ROC-AUC, base MLP and stacked model). 95 % CI: percentile interval ")
                .append("of the macro ROC-AUC over bootstrap resamples of the validation tracks, the same resamples ")
                .append("for both models; stacked wins: share of the resamples where stacked − base &gt; 0.</p>\n");
    }

    private static void source(StringBuilder b, EvaluationReport r, SourceEvaluation e) {
        String s = e.source();
        SourceReport sr = e.report();
        b.append("<section class=\"source\" id=\"source-")
                .append(xml(s))
                .append("\">\n<h2>")
                .append(xml(s))
                .append("</h2>\n<p>")
                .append(sr.labels())
                .append(" labels · ")
                .append(sr.trainTracks())
                .append(" train tracks · ")
                .append(sr.validationTracks())
                .append(" validation tracks</p>\n");
        b.append("<table class=\"auc\" id=\"auc-")
                .append(xml(s))
                .append("\">\n<thead><tr><th>model</th>")
                .append("<th>macro ROC-AUC</th><th>macro 95 % CI</th><th>micro ROC-AUC</th><th>labels evaluated</th>")
                .append("<th>paper macro ROC-AUC</th><th>this run − paper</th></tr></thead>\n<tbody>\n");
        aucRow(
                b,
                r.synthetic(),
                "base",
                sr.base(),
                sr.bootstrap() == null ? null : sr.bootstrap().base(),
                sr.paper() == null ? null : sr.paper().base());
        aucRow(
                b,
                r.synthetic(),
                "stacked",
                sr.stacked(),
                sr.bootstrap() == null ? null : sr.bootstrap().stacked(),
                sr.paper() == null ? null : sr.paper().stacked());
        b.append("</tbody>\n</table>\n<p class=\"paired\" id=\"paired-")
                .append(xml(s))
                .append("\">")
                .append(xml(Text.paired(sr.bootstrap(), sr.validationTracks())))
                .append("</p>\n");

        b.append("<h3>MediaEval precision / recall / F-score (validation; thresholds tuned on train)</h3>\n")
                .append("<table class=\"mediaeval\" id=\"mediaeval-")
                .append(xml(s))
                .append("\">\n<thead>\n")
                .append("<tr><th rowspan=\"2\">model</th><th rowspan=\"2\">labels</th>")
                .append("<th colspan=\"4\">per track</th><th colspan=\"4\">per label</th></tr>\n")
                .append("<tr><th>tracks</th><th>P</th><th>R</th><th>F</th><th>labels</th><th>P</th><th>R</th>")
                .append("<th>F</th></tr>\n</thead>\n<tbody>\n");
        for (String model : List.of("base", "stacked")) {
            ModelReport m = model.equals("base") ? sr.base() : sr.stacked();
            prfRow(b, model, "all", m.mediaeval().all());
            prfRow(b, model, "genres", m.mediaeval().genres());
            prfRow(b, model, "subgenres", m.mediaeval().subgenres());
        }
        b.append("</tbody>\n</table>\n");

        b.append("<h3>ROC curves (validation)</h3>\n<div class=\"figures\">\n");
        for (String model : List.of("base", "stacked")) {
            String file = SourceEvaluation.rocFile(s, model);
            b.append("<figure>\n")
                    .append(model.equals("base") ? e.baseSvg() : e.stackedSvg())
                    .append("<figcaption>")
                    .append(xml(model))
                    .append(": micro-average and the ")
                    .append(sr.curveLabels().size())
                    .append(" most frequent labels · <a href=\"files/")
                    .append(xml(file))
                    .append("\">")
                    .append(xml(file))
                    .append("</a></figcaption>\n</figure>\n");
        }
        b.append("</div>\n");
        training(b, r, s);
        ablations(b, r, s);

        ModelReport base = sr.base();
        b.append("<h3>Skipped labels</h3>\n<p class=\"skipped\" id=\"skipped-")
                .append(xml(s))
                .append("\">");
        if (base.skippedLabels().isEmpty()) {
            b.append("None: every label has both classes in validation.");
        } else {
            b.append(base.skippedLabels().size())
                    .append(" of ")
                    .append(sr.labels())
                    .append(" labels have a single class in validation and are left out of the macro mean: ")
                    .append(xml(String.join(", ", base.skippedLabels())));
        }
        b.append("</p>\n");

        b.append("<details><summary>Per-label ROC-AUC (")
                .append(sr.labels())
                .append(" labels)</summary>\n")
                .append("<table class=\"per-label\" id=\"per-label-")
                .append(xml(s))
                .append("\">\n<thead><tr>")
                .append("<th>label</th><th>validation positives</th><th>train positives</th><th>base</th>")
                .append("<th>stacked</th></tr></thead>\n<tbody>\n");
        for (EvaluationReport.LabelAuc l : sr.perLabel()) {
            b.append("<tr><td>")
                    .append(xml(l.label()))
                    .append("</td><td class=\"n\">")
                    .append(l.validationPositives())
                    .append("</td><td class=\"n\">")
                    .append(l.trainPositives())
                    .append("</td>")
                    .append(cell(l.base()))
                    .append(cell(l.stacked()))
                    .append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n</details>\n");

        String submission = sr.files().get("submission");
        b.append("<h3>Files and provenance</h3>\n<ul>\n<li>MediaEval submission (stacked, validation): "
                        + "<a href=\"files/")
                .append(xml(submission))
                .append("\">")
                .append(xml(submission))
                .append("</a></li>\n");
        for (Map.Entry<String, String> o : sr.objects().entrySet()) {
            b.append("<li>")
                    .append(xml(o.getKey()))
                    .append(": ")
                    .append(objectLink(r.runId(), o.getValue()))
                    .append("</li>\n");
        }
        b.append("</ul>\n</section>\n");
    }

    /** The source's ablation table ({@link AblationTable}, id {@code ablations-<s>}), when the run asked for some. */
    static void ablations(StringBuilder b, EvaluationReport r, String s) {
        io.genrestack.common.model.AblationReport a = r.ablations().get(s);
        String missing = AblationTable.missing(r.config(), r.runId(), s, a);
        if (missing != null) {
            b.append("<h3>Ablations</h3>\n<p class=\"ablations-missing\">")
                    .append(xml(missing))
                    .append("</p>\n");
        }
        if (a == null) {
            return;
        }
        b.append("<h3>Ablations</h3>\n<table class=\"ablations\" id=\"ablations-")
                .append(xml(s))
                .append("\">\n<thead><tr>");
        AblationTable.HEADER.forEach(h -> b.append("<th>").append(xml(h)).append("</th>"));
        b.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : AblationTable.rows(a)) {
            b.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                b.append(i < 2 ? "<td>" : "<td class=\"n\">")
                        .append(xml(row.get(i)))
                        .append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n<p class=\"meta\">")
                .append(xml(AblationTable.note(a)))
                .append("</p>\n");
    }

    /** The training curves of a source's two models (from their provenance), with the restored epoch marked. */
    static void training(StringBuilder b, EvaluationReport r, String s) {
        b.append("<h3>Training curves</h3>\n<div class=\"figures\" id=\"training-")
                .append(xml(s))
                .append("\">\n");
        for (String model : List.of("base", "stacked")) {
            TrainingCurve c = r.training(s, model);
            b.append("<figure>\n")
                    .append(TrainingSvg.render("curves-" + s + "-" + model, s + " " + model + " model: training", c))
                    .append("<figcaption>")
                    .append(xml(model))
                    .append(": ")
                    .append(xml(Text.trainingSummary(c)))
                    .append("</figcaption>\n</figure>\n");
        }
        b.append("</div>\n");
    }

    private static void aucRow(
            StringBuilder b,
            boolean synthetic,
            String model,
            ModelReport m,
            EvaluationReport.Interval ci,
            Double paper) {
        b.append("<tr class=\"")
                .append(model)
                .append("\"><th>")
                .append(model)
                .append("</th>")
                .append(cell(m.macroAuc()))
                .append("<td class=\"n ci\">")
                .append(Text.interval(ci, 4))
                .append("</td>")
                .append(cell(m.microAuc()))
                .append("<td class=\"n\">")
                .append(m.evaluatedLabels())
                .append("</td>")
                .append(cell(paper));
        if (synthetic) {
            b.append("<td class=\"not-comparable\">")
                    .append(Text.NOT_COMPARABLE)
                    .append("</td></tr>\n");
            return;
        }
        String d = delta(m.macroAuc(), paper, 4);
        String cls = d.startsWith("+") ? " better" : d.startsWith("-") ? " worse" : "";
        b.append("<td class=\"n").append(cls).append("\">").append(d).append("</td></tr>\n");
    }

    private static void prfRow(StringBuilder b, String model, String subset, Prf p) {
        b.append("<tr class=\"")
                .append(model)
                .append("\"><th>")
                .append(model)
                .append("</th><td>")
                .append(subset)
                .append("</td><td class=\"n\">")
                .append(p.tracks())
                .append("</td>")
                .append(cell(p.trackPrecision()))
                .append(cell(p.trackRecall()))
                .append(cell(p.trackF()))
                .append("<td class=\"n\">")
                .append(p.labels())
                .append("</td>")
                .append(cell(p.labelPrecision()))
                .append(cell(p.labelRecall()))
                .append(cell(p.labelF()))
                .append("</tr>\n");
    }

    /** The summary's bootstrap cells: base, stacked and difference intervals, the stacked win share. */
    private static String ciCells(EvaluationReport.BootstrapReport boot) {
        if (boot == null) {
            return "<td class=\"n ci\">–</td>".repeat(4);
        }
        EvaluationReport.Difference d = boot.difference();
        String diff = Text.interval(d.low(), d.high(), 4, true);
        String cls = d.low() != null && d.low() > 0 ? " better" : d.high() != null && d.high() < 0 ? " worse" : "";
        return "<td class=\"n ci\">" + Text.interval(boot.base(), 4) + "</td><td class=\"n ci\">"
                + Text.interval(boot.stacked(), 4) + "</td><td class=\"n ci" + cls + "\">" + diff
                + "</td><td class=\"n\">" + Text.percent(d.stackedWins()) + "</td>";
    }

    private static String cell(Double v) {
        return "<td class=\"n\">" + num(v, 4) + "</td>";
    }

    /** A link to the object through {@code GET /runs/{id}/objects/...} when it lies under the run; else its key. */
    static String objectLink(String runId, String key) {
        if (key == null) {
            return "–";
        }
        String prefix = RunPaths.run(runId);
        if (key.startsWith(prefix) && ReportResource.servableObject(key.substring(prefix.length()))) {
            return "<a href=\"objects/" + xml(key.substring(prefix.length())) + "\"><code>" + xml(key) + "</code></a>";
        }
        return "<code>" + xml(key) + "</code>";
    }
}
