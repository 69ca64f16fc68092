package io.genrestack.evaluator;

import io.genrestack.evaluator.EvaluationReport.ModelReport;
import io.genrestack.evaluator.EvaluationReport.Prf;
import io.genrestack.evaluator.EvaluationReport.SourceReport;

import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static io.genrestack.evaluator.Text.delta;
import static io.genrestack.evaluator.Text.interval;
import static io.genrestack.evaluator.Text.md;
import static io.genrestack.evaluator.Text.num;
import static io.genrestack.evaluator.Text.percent;

/** The {@code report.md} of a run: the same tables as report.html, figures as image links. */
final class ReportMarkdown {
    private ReportMarkdown() {}

    static String render(EvaluationReport r) {
        StringBuilder b = new StringBuilder(16 * 1024);
        b.append("# GenreStack evaluation report: run `").append(r.runId()).append("`\n\n");
        b.append("Generated ")
                .append(DateTimeFormatter.ISO_INSTANT.format(
                        r.generatedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
                .append(" from ")
                .append(r.counts().predictions())
                .append(" predictions (")
                .append(r.counts().trainTracks())
                .append(" train, ")
                .append(r.counts().validationTracks())
                .append(" validation source × track pairs).\n\n");
        b.append("## Macro ROC-AUC on validation: this run and the paper\n\n");
        if (r.synthetic()) {
            b.append("> **Synthetic data.** ").append(Text.SYNTHETIC_NOTE).append("\n\n");
        }
        b.append("| source | base | stacked | stacked − base | base 95 % CI | stacked 95 % CI | stacked − base 95 % CI"
                + " | stacked wins | micro base | micro stacked | paper base | paper stacked |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, SourceReport> e : r.sources().entrySet()) {
            SourceReport s = e.getValue();
            b.append("| ")
                    .append(md(e.getKey()))
                    .append(" | ")
                    .append(num(s.base().macroAuc(), 4))
                    .append(" | ")
                    .append(num(s.stacked().macroAuc(), 4))
                    .append(" | ")
                    .append(delta(s.stacked().macroAuc(), s.base().macroAuc(), 4))
                    .append(" | ")
                    .append(interval(
                            s.bootstrap() == null ? null : s.bootstrap().base(), 4))
                    .append(" | ")
                    .append(interval(
                            s.bootstrap() == null ? null : s.bootstrap().stacked(), 4))
                    .append(" | ")
                    .append(
                            s.bootstrap() == null
                                    ? "–"
                                    : Text.interval(
                                            s.bootstrap().difference().low(),
                                            s.bootstrap().difference().high(),
                                            4,
                                            true))
                    .append(" | ")
                    .append(
                            s.bootstrap() == null
                                    ? "–"
                                    : percent(s.bootstrap().difference().stackedWins()))
                    .append(" | ")
                    .append(num(s.base().microAuc(), 4))
                    .append(" | ")
                    .append(num(s.stacked().microAuc(), 4))
                    .append(" | ")
                    .append(num(s.paper() == null ? null : s.paper().base(), 4))
                    .append(" | ")
                    .append(num(s.paper() == null ? null : s.paper().stacked(), 4))
                    .append(" |\n");
        }
        b.append("\nPaper: Oramas et al., MediaEval 2018 AcousticBrainz genre task baseline. 95 % CI: percentile "
                + "interval of the macro ROC-AUC over bootstrap resamples of the validation tracks, the same "
                + "resamples for both models (stacked wins: share of the resamples where stacked − base > 0).\n");
        for (Map.Entry<String, SourceReport> e : r.sources().entrySet()) {
            source(b, r.synthetic(), e.getKey(), e.getValue());
            training(b, r, e.getKey());
            ablations(b, r, e.getKey());
        }
        if (!r.sourcesWithoutPredictions().isEmpty()) {
            b.append("\nSources with a vocabulary but no predictions: ")
                    .append(String.join(", ", r.sourcesWithoutPredictions()))
                    .append("\n");
        }
        b.append("\n## Protocol\n\n- ROC-AUC: ")
                .append(r.protocol().auc())
                .append("\n- Thresholds: ")
                .append(r.protocol().thresholds())
                .append("\n- MediaEval: ")
                .append(r.protocol().mediaeval())
                .append("\n- Submission files: ")
                .append(r.protocol().submission())
                .append("\n");
        b.append("\n## Run objects\n\n");
        r.objects()
                .forEach((k, v) ->
                        b.append("- ").append(k).append(": `").append(v).append("`\n"));
        return b.toString();
    }

    private static void source(StringBuilder b, boolean synthetic, String s, SourceReport sr) {
        b.append("\n## ")
                .append(s)
                .append("\n\n")
                .append(sr.labels())
                .append(" labels, ")
                .append(sr.trainTracks())
                .append(" train tracks, ")
                .append(sr.validationTracks())
                .append(" validation tracks.\n\n");
        b.append("| model | macro ROC-AUC | macro 95 % CI | micro ROC-AUC | labels evaluated | paper macro | "
                + "this run − paper |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|\n");
        aucRow(
                b,
                synthetic,
                "base",
                sr.base(),
                sr.bootstrap() == null ? null : sr.bootstrap().base(),
                sr.paper() == null ? null : sr.paper().base());
        aucRow(
                b,
                synthetic,
                "stacked",
                sr.stacked(),
                sr.bootstrap() == null ? null : sr.bootstrap().stacked(),
                sr.paper() == null ? null : sr.paper().stacked());
        b.append("\n")
                .append(md(Text.paired(sr.bootstrap(), sr.validationTracks())))
                .append("\n");
        b.append("\n### MediaEval (validation; thresholds tuned on train)\n\n");
        b.append("| model | labels | tracks | track P | track R | track F | labels | label P | label R | label F |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String model : List.of("base", "stacked")) {
            ModelReport m = model.equals("base") ? sr.base() : sr.stacked();
            prfRow(b, model, "all", m.mediaeval().all());
            prfRow(b, model, "genres", m.mediaeval().genres());
            prfRow(b, model, "subgenres", m.mediaeval().subgenres());
        }
        b.append("\n![ROC ")
                .append(s)
                .append(" base](")
                .append(sr.files().get("rocBase"))
                .append(") ![ROC ")
                .append(s)
                .append(" stacked](")
                .append(sr.files().get("rocStacked"))
                .append(")\n\n");
        b.append("Curves: micro-average");
        sr.curveLabels().forEach(l -> b.append(", ").append(l));
        b.append(".\n\n");
        List<String> skipped = sr.base().skippedLabels();
        b.append("Skipped labels (single class in validation): ");
        b.append(skipped.isEmpty() ? "none" : skipped.size() + ": " + String.join(", ", skipped))
                .append(".\n\n");
        b.append("MediaEval submission (stacked, validation): `")
                .append(sr.files().get("submission"))
                .append("`\n\n");
        sr.objects()
                .forEach((k, v) ->
                        b.append("- ").append(k).append(": `").append(v).append("`\n"));
    }

    /** Per model: epochs trained, the restored epoch and its validation loss and macro AUC. */
    private static void training(StringBuilder b, EvaluationReport r, String s) {
        b.append("\n### Training (").append(s).append(")\n\n");
        b.append("| model | epochs | restored epoch | train loss | validation loss | validation macro ROC-AUC |\n");
        b.append("|---|---:|---:|---:|---:|---:|\n");
        for (String model : List.of("base", "stacked")) {
            io.genrestack.common.model.TrainingCurve c = r.training(s, model);
            b.append("| ").append(model).append(" | ");
            io.genrestack.common.model.TrainingCurve.Point best = null;
            if (c != null) {
                for (io.genrestack.common.model.TrainingCurve.Point p : c.history()) {
                    if (p.epoch() == c.bestEpoch()) {
                        best = p;
                    }
                }
            }
            if (c == null || !c.drawable()) {
                b.append("– | – | – | – | – |\n");
                continue;
            }
            b.append(c.history().size())
                    .append(" | ")
                    .append(c.bestEpoch())
                    .append(" | ")
                    .append(num(best == null ? null : best.trainLoss(), 4))
                    .append(" | ")
                    .append(num(best == null ? null : best.validationLoss(), 4))
                    .append(" | ")
                    .append(num(best == null ? null : best.validationMacroAuc(), 4))
                    .append(" |\n");
        }
        b.append("\nThe curves (per-epoch losses and validation macro ROC-AUC) are drawn in report.html.\n");
    }

    /** The source's ablation table ({@link AblationTable}), when the run asked for ablations. */
    private static void ablations(StringBuilder b, EvaluationReport r, String s) {
        io.genrestack.common.model.AblationReport a = r.ablations().get(s);
        String missing = AblationTable.missing(r.config(), r.runId(), s, a);
        if (missing != null) {
            b.append("\n### Ablations (")
                    .append(s)
                    .append(")\n\n")
                    .append(md(missing))
                    .append("\n");
        }
        if (a == null) {
            return;
        }
        b.append("\n### Ablations (").append(s).append(")\n\n| ");
        b.append(String.join(" | ", AblationTable.HEADER)).append(" |\n|---|---|");
        b.append("---:|".repeat(AblationTable.HEADER.size() - 2)).append("\n");
        for (List<String> row : AblationTable.rows(a)) {
            b.append("| ")
                    .append(String.join(" | ", row.stream().map(Text::md).toList()))
                    .append(" |\n");
        }
        b.append("\n").append(md(AblationTable.note(a))).append("\n");
    }

    private static void aucRow(
            StringBuilder b,
            boolean synthetic,
            String model,
            ModelReport m,
            EvaluationReport.Interval ci,
            Double paper) {
        b.append("| ")
                .append(model)
                .append(" | ")
                .append(num(m.macroAuc(), 4))
                .append(" | ")
                .append(interval(ci, 4))
                .append(" | ")
                .append(num(m.microAuc(), 4))
                .append(" | ")
                .append(m.evaluatedLabels())
                .append(" | ")
                .append(num(paper, 4))
                .append(" | ")
                .append(synthetic ? Text.NOT_COMPARABLE : delta(m.macroAuc(), paper, 4))
                .append(" |\n");
    }

    private static void prfRow(StringBuilder b, String model, String subset, Prf p) {
        b.append("| ")
                .append(model)
                .append(" | ")
                .append(subset)
                .append(" | ")
                .append(p.tracks())
                .append(" | ")
                .append(num(p.trackPrecision(), 4))
                .append(" | ")
                .append(num(p.trackRecall(), 4))
                .append(" | ")
                .append(num(p.trackF(), 4))
                .append(" | ")
                .append(p.labels())
                .append(" | ")
                .append(num(p.labelPrecision(), 4))
                .append(" | ")
                .append(num(p.labelRecall(), 4))
                .append(" | ")
                .append(num(p.labelF(), 4))
                .append(" |\n");
    }
}
