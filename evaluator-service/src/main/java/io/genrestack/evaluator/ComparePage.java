package io.genrestack.evaluator;

import io.genrestack.common.Sources;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.TrainParams;
import io.genrestack.evaluator.EvaluationReport.BootstrapReport;
import io.genrestack.evaluator.EvaluationReport.SourceReport;

import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static io.genrestack.evaluator.Text.delta;
import static io.genrestack.evaluator.Text.md;
import static io.genrestack.evaluator.Text.num;
import static io.genrestack.evaluator.Text.xml;

/**
 * The side-by-side comparison of runs ({@code GET /compare?runs=a,b,...}), from their report.json files: the
 * configuration (every setting in one row, the rows where the runs differ marked), per source the AUC table with the
 * bootstrap intervals (one row per run), and per source the training curves of every run's base and stacked model.
 * Rendered as a self-contained HTML page (no script, figures inline) or as Markdown (what {@code ./genrestack
 * compare} prints). Element ids: {@code compare-config}, {@code compare-auc-<s>}, {@code compare-training-<s>}, the
 * figures {@code curves-<run>-<s>-<base|stacked>}; a configuration row that differs has {@code class="differs"};
 * {@code compare-studies} links the studies the runs belong to.
 */
final class ComparePage {
    static final String CSS = """
            body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1400px;
            padding:0 1rem;color:#1d1d1f;line-height:1.45}
            h1{font-size:1.6rem;margin-bottom:.2rem}\
            h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
            .meta{color:#555}code{background:#f3f3f3;padding:0 .25em;border-radius:3px}
            table{border-collapse:collapse;margin:.6rem 0 1rem}th,td{border:1px solid #d0d0d0;padding:.25rem .55rem}
            th{background:#f5f5f7;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
            td.ci{white-space:nowrap}tr.differs td,tr.differs th{background:#fff4e5}
            .better{color:#0a7a2f}.worse{color:#b3261e}.synthetic{color:#8a5a00}
            .figures{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0;max-width:460px}\
            figcaption{color:#555;font-size:.9rem}
            """;

    private ComparePage() {}

    /** One row of the configuration table: its label and how to read it from a run's config. */
    private record Setting(String name, Function<RunConfig, Object> value) {}

    private static final List<Setting> SETTINGS = List.of(
            new Setting("preset", RunConfig::preset),
            new Setting("exclusions", c -> c.exclusions().isEmpty() ? "none" : String.join(", ", c.exclusions())),
            new Setting("seed", RunConfig::seed),
            new Setting("split", c -> c.givenSplit() ? "given (TSV names)" : "joint " + c.trainFraction() + " train"),
            new Setting("base epochs (max / patience)", c -> epochs(c.base())),
            new Setting(
                    "base batch / learning rate",
                    c -> c.base().batchSize() + " / " + c.base().learningRate()),
            new Setting("stacked epochs (max / patience)", c -> epochs(c.stacked())),
            new Setting("data", c -> c.synthetic() ? "synthetic" : "real"),
            new Setting("inputs", c -> c.inputs().isEmpty() ? "–" : String.join(", ", c.inputs())));

    private static String epochs(TrainParams p) {
        return p.maxEpochs() + " / " + p.patience();
    }

    /** The configuration rows: setting → one value per run ("unknown" without a config). */
    static Map<String, List<String>> configuration(List<EvaluationReport> runs) {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (Setting s : SETTINGS) {
            List<String> values = new ArrayList<>();
            for (EvaluationReport r : runs) {
                values.add(
                        r.config() == null
                                ? "unknown"
                                : String.valueOf(s.value().apply(r.config())));
            }
            rows.put(s.name(), values);
        }
        return rows;
    }

    /** The settings whose values are not the same in every run. */
    static List<String> differences(List<EvaluationReport> runs) {
        List<String> out = new ArrayList<>();
        configuration(runs).forEach((name, values) -> {
            if (new LinkedHashSet<>(values).size() > 1) {
                out.add(name);
            }
        });
        return out;
    }

    /** Sources any of the runs has, in {@link Sources#ALL} order, then others by name. */
    static List<String> sources(List<EvaluationReport> runs) {
        Set<String> all = new LinkedHashSet<>();
        for (String s : Sources.ALL) {
            if (runs.stream().anyMatch(r -> r.sources().containsKey(s))) {
                all.add(s);
            }
        }
        runs.stream().flatMap(r -> r.sources().keySet().stream()).sorted().forEach(all::add);
        return new ArrayList<>(all);
    }

    /** The page, linking the studies ({@code studies/<id>/report.html}) the runs belong to. */
    static String html(List<EvaluationReport> runs, List<String> studies) {
        StringBuilder b = new StringBuilder(64 * 1024);
        String ids =
                String.join(", ", runs.stream().map(EvaluationReport::runId).toList());
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>GenreStack comparison: ")
                .append(xml(ids))
                .append("</title>\n<style>")
                .append(CSS)
                .append("</style>\n</head>\n<body>\n<h1>GenreStack run comparison</h1>\n<p class=\"meta\">")
                .append(runs.size())
                .append(" runs: ");
        for (int i = 0; i < runs.size(); i++) {
            String id = runs.get(i).runId();
            b.append(i == 0 ? "" : " · ")
                    .append("<a href=\"runs/")
                    .append(xml(id))
                    .append("/report.html\"><code>")
                    .append(xml(id))
                    .append("</code></a>");
        }
        b.append("</p>\n");
        if (!studies.isEmpty()) {
            b.append("<p class=\"meta\" id=\"compare-studies\">Part of study ");
            for (int i = 0; i < studies.size(); i++) {
                b.append(i == 0 ? "" : ", ")
                        .append("<a href=\"studies/")
                        .append(xml(studies.get(i)))
                        .append("/report.html\"><code>")
                        .append(xml(studies.get(i)))
                        .append("</code></a>");
            }
            b.append(" (its statistics over the seeds).</p>\n");
        }

        List<String> differs = differences(runs);
        b.append("<h2>Configuration</h2>\n<p id=\"compare-differences\">")
                .append(
                        differs.isEmpty()
                                ? "The runs have the same configuration."
                                : "The runs differ in: " + xml(String.join(", ", differs)) + ".")
                .append("</p>\n<table id=\"compare-config\">\n<thead><tr><th>setting</th>");
        for (EvaluationReport r : runs) {
            b.append("<th>").append(xml(r.runId())).append("</th>");
        }
        b.append("</tr></thead>\n<tbody>\n");
        configuration(runs).forEach((name, values) -> {
            b.append(differs.contains(name) ? "<tr class=\"differs\">" : "<tr>")
                    .append("<th>")
                    .append(xml(name))
                    .append("</th>");
            values.forEach(v -> b.append("<td>").append(xml(v)).append("</td>"));
            b.append("</tr>\n");
        });
        b.append("<tr><th>report generated</th>");
        for (EvaluationReport r : runs) {
            b.append("<td>")
                    .append(xml(
                            DateTimeFormatter.ISO_INSTANT.format(r.generatedAt().truncatedTo(ChronoUnit.SECONDS))))
                    .append("</td>");
        }
        b.append("</tr>\n<tr><th>predictions</th>");
        runs.forEach(r ->
                b.append("<td class=\"n\">").append(r.counts().predictions()).append("</td>"));
        b.append("</tr>\n</tbody>\n</table>\n");
        if (runs.stream().anyMatch(EvaluationReport::synthetic)) {
            b.append("<p class=\"synthetic\">Runs on synthetic data measure the pipeline, not the task: their AUCs are "
                    + "not comparable to the paper's, nor to runs on real data.</p>\n");
        }

        for (String s : sources(runs)) {
            b.append("<section id=\"compare-source-")
                    .append(xml(s))
                    .append("\">\n<h2>")
                    .append(xml(s))
                    .append("</h2>\n");
            b.append("<table class=\"auc\" id=\"compare-auc-")
                    .append(xml(s))
                    .append("\">\n<thead><tr><th>run</th><th>validation tracks</th><th>base macro</th>")
                    .append("<th>base 95 % CI</th><th>stacked macro</th><th>stacked 95 % CI</th>")
                    .append("<th>stacked − base</th><th>stacked − base 95 % CI</th><th>stacked wins</th>")
                    .append("<th>stacked − first run</th><th>restored epoch (base / stacked)</th></tr></thead>\n")
                    .append("<tbody>\n");
            Double first = null;
            for (int i = 0; i < runs.size(); i++) {
                EvaluationReport r = runs.get(i);
                SourceReport sr = r.sources().get(s);
                b.append("<tr data-run=\"")
                        .append(xml(r.runId()))
                        .append("\"><th>")
                        .append(xml(r.runId()));
                if (sr == null) {
                    b.append("</th><td colspan=\"10\">no predictions for this source</td></tr>\n");
                    continue;
                }
                if (i == 0) {
                    first = sr.stacked().macroAuc();
                }
                BootstrapReport boot = sr.bootstrap();
                b.append("</th><td class=\"n\">")
                        .append(sr.validationTracks())
                        .append("</td><td class=\"n\">")
                        .append(num(sr.base().macroAuc(), 4))
                        .append("</td><td class=\"n ci\">")
                        .append(Text.interval(boot == null ? null : boot.base(), 4))
                        .append("</td><td class=\"n\">")
                        .append(num(sr.stacked().macroAuc(), 4))
                        .append("</td><td class=\"n ci\">")
                        .append(Text.interval(boot == null ? null : boot.stacked(), 4))
                        .append("</td><td class=\"n\">")
                        .append(delta(sr.stacked().macroAuc(), sr.base().macroAuc(), 4))
                        .append("</td><td class=\"n ci\">")
                        .append(
                                boot == null
                                        ? "–"
                                        : Text.interval(
                                                boot.difference().low(),
                                                boot.difference().high(),
                                                4,
                                                true))
                        .append("</td><td class=\"n\">")
                        .append(
                                boot == null
                                        ? "–"
                                        : Text.percent(boot.difference().stackedWins()))
                        .append("</td><td class=\"n\">")
                        .append(i == 0 ? "(first)" : delta(sr.stacked().macroAuc(), first, 4))
                        .append("</td><td class=\"n\">")
                        .append(restored(r, s, "base"))
                        .append(" / ")
                        .append(restored(r, s, "stacked"))
                        .append("</td></tr>\n");
            }
            b.append("</tbody>\n</table>\n");
            b.append("<h3>Training curves</h3>\n<div class=\"figures\" id=\"compare-training-")
                    .append(xml(s))
                    .append("\">\n");
            for (EvaluationReport r : runs) {
                if (!r.sources().containsKey(s)) {
                    continue;
                }
                for (String model : List.of("base", "stacked")) {
                    b.append("<figure>\n")
                            .append(TrainingSvg.render(
                                    "curves-" + r.runId() + "-" + s + "-" + model,
                                    r.runId() + ": " + s + " " + model,
                                    r.training(s, model)))
                            .append("<figcaption>")
                            .append(xml(r.runId()))
                            .append(", ")
                            .append(xml(model))
                            .append(": ")
                            .append(xml(Text.trainingSummary(r.training(s, model))))
                            .append("</figcaption>\n</figure>\n");
                }
            }
            b.append("</div>\n</section>\n");
        }
        b.append("<p class=\"meta\">95 % CI: percentile intervals over bootstrap resamples of each run's own "
                + "validation tracks (docs/metrics.md); they describe each run's sampling uncertainty. Runs on "
                + "different splits or seeds differ by more than that: repeat a setting with several seeds before "
                + "reading a difference between two runs as an effect.</p>\n</body>\n</html>\n");
        return b.toString();
    }

    static String markdown(List<EvaluationReport> runs) {
        StringBuilder b = new StringBuilder(8 * 1024);
        b.append("# GenreStack run comparison\n\n");
        List<String> differs = differences(runs);
        b.append(
                        differs.isEmpty()
                                ? "The runs have the same configuration."
                                : "The runs differ in: " + String.join(", ", differs) + ".")
                .append("\n\n| setting |");
        runs.forEach(r -> b.append(' ').append(md(r.runId())).append(" |"));
        b.append("\n|---|").append("---|".repeat(runs.size())).append('\n');
        configuration(runs).forEach((name, values) -> {
            b.append("| ")
                    .append(differs.contains(name) ? "**" + name + "**" : name)
                    .append(" |");
            values.forEach(v -> b.append(' ').append(md(v)).append(" |"));
            b.append('\n');
        });
        for (String s : sources(runs)) {
            b.append("\n## ").append(s).append("\n\n");
            b.append("| run | base macro | base 95 % CI | stacked macro | stacked 95 % CI | stacked − base | "
                    + "stacked − base 95 % CI | restored epoch (base / stacked) |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (EvaluationReport r : runs) {
                SourceReport sr = r.sources().get(s);
                if (sr == null) {
                    b.append("| ").append(md(r.runId())).append(" | – | – | – | – | – | – | – |\n");
                    continue;
                }
                BootstrapReport boot = sr.bootstrap();
                b.append("| ")
                        .append(md(r.runId()))
                        .append(" | ")
                        .append(num(sr.base().macroAuc(), 4))
                        .append(" | ")
                        .append(Text.interval(boot == null ? null : boot.base(), 4))
                        .append(" | ")
                        .append(num(sr.stacked().macroAuc(), 4))
                        .append(" | ")
                        .append(Text.interval(boot == null ? null : boot.stacked(), 4))
                        .append(" | ")
                        .append(delta(sr.stacked().macroAuc(), sr.base().macroAuc(), 4))
                        .append(" | ")
                        .append(
                                boot == null
                                        ? "–"
                                        : Text.interval(
                                                boot.difference().low(),
                                                boot.difference().high(),
                                                4,
                                                true))
                        .append(" | ")
                        .append(restored(r, s, "base"))
                        .append(" / ")
                        .append(restored(r, s, "stacked"))
                        .append(" |\n");
            }
        }
        if (runs.stream().anyMatch(EvaluationReport::synthetic)) {
            b.append("\nRuns on synthetic data measure the pipeline, not the task: not comparable to the paper.\n");
        }
        b.append("\nThe training curves are on the HTML page (GET /compare?runs=...).\n");
        return b.toString();
    }

    private static String restored(EvaluationReport r, String s, String model) {
        var c = r.training(s, model);
        return c == null || !c.drawable()
                ? "–"
                : c.bestEpoch() + " of " + c.history().size();
    }

    /** The run ids of a {@code runs} parameter: comma-separated, trimmed, in order, without repeats. */
    static List<String> parse(String runs) {
        Set<String> ids = new LinkedHashSet<>();
        if (runs != null) {
            for (String s : runs.split(",", -1)) {
                if (!s.isBlank()) {
                    ids.add(s.trim());
                }
            }
        }
        return new ArrayList<>(ids);
    }
}
