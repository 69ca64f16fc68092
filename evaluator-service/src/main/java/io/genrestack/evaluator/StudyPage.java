package io.genrestack.evaluator;

import io.genrestack.common.model.Study;
import io.genrestack.evaluator.StudyReport.PresetGroup;
import io.genrestack.evaluator.StudyReport.RunRow;
import io.genrestack.evaluator.StudyReport.SourceStudy;
import io.genrestack.evaluator.StudyReport.Summary;

import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.genrestack.evaluator.Text.num;
import static io.genrestack.evaluator.Text.xml;

/**
 * A study's page ({@code GET /studies/{id}/report.html}, or {@code GET /studies/{id}} accepting text/html): the
 * tables of its {@link StudyReport} as a self-contained HTML page (no script), links to every run's report and to
 * the comparison pages of its runs. Element ids: {@code study-varied} (what varied), {@code study-runs} (the runs),
 * {@code study-compare} (comparison links), {@code study-summary} (a seed study: per source and model mean, sd, min,
 * max over the seeds), {@code study-presets} (a preset study with seeds: the same per preset), and per source
 * {@code study-runs-<s>} (one row per run, {@code data-run}, with its intervals and the paired stacked − base
 * comparison).
 */
final class StudyPage {
    private StudyPage() {}

    /**
     * The page; {@code root} is the relative path from the page to the service's root ({@code ../} for
     * {@code /studies/{id}}, {@code ../../} for {@code /studies/{id}/report.html}), so links work behind a prefix.
     */
    static String html(StudyReport r, String root) {
        StringBuilder b = new StringBuilder(32 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>GenreStack study ")
                .append(xml(r.studyId()))
                .append("</title>\n<style>")
                .append(ComparePage.CSS)
                .append("</style>\n</head>\n<body>\n<h1>GenreStack study <code>")
                .append(xml(r.studyId()))
                .append("</code></h1>\n<p class=\"meta\" id=\"study-varied\" data-varied=\"")
                .append(xml(String.join(",", r.varied())))
                .append("\">")
                .append(r.runIds().size())
                .append(" runs; varied: <strong>")
                .append(xml(String.join(" × ", r.varied())))
                .append("</strong> — ")
                .append(xml(r.variedText()))
                .append(". Report computed ")
                .append(
                        r.generatedAt() == null
                                ? "–"
                                : xml(DateTimeFormatter.ISO_INSTANT.format(
                                        r.generatedAt().truncatedTo(ChronoUnit.SECONDS))))
                .append(".</p>\n");

        b.append("<h2>Runs</h2>\n<ul id=\"study-runs\">\n");
        for (String id : r.runIds()) {
            b.append("<li><a href=\"")
                    .append(xml(root))
                    .append("runs/")
                    .append(xml(id))
                    .append("/report.html\"><code>")
                    .append(xml(id))
                    .append("</code></a></li>\n");
        }
        b.append("</ul>\n");
        Map<String, List<String>> compare = comparisons(r);
        if (!compare.isEmpty()) {
            b.append("<p id=\"study-compare\">Side by side (configuration, AUCs, training curves): ");
            int i = 0;
            for (Map.Entry<String, List<String>> e : compare.entrySet()) {
                b.append(i++ == 0 ? "" : " · ")
                        .append("<a href=\"")
                        .append(xml(root))
                        .append("compare?runs=")
                        .append(xml(String.join(",", e.getValue())))
                        .append("\">")
                        .append(xml(e.getKey()))
                        .append("</a>");
            }
            b.append("</p>\n");
        }

        if (!r.presetStudy()) {
            b.append("<h2>Macro ROC-AUC over the runs</h2>\n<table id=\"study-summary\">\n<thead><tr><th>source</th>")
                    .append("<th>model</th><th>n</th><th>mean</th><th>sd</th><th>min</th><th>max</th></tr></thead>\n")
                    .append("<tbody>\n");
            for (Map.Entry<String, SourceStudy> e : r.sources().entrySet()) {
                summaryRows(b, e.getKey(), null, e.getValue());
            }
            b.append("</tbody>\n</table>\n");
        } else if (!r.seeds().isEmpty()) {
            b.append("<h2>Macro ROC-AUC per preset over its seeds</h2>\n<table id=\"study-presets\">\n<thead><tr>")
                    .append("<th>source</th><th>preset</th><th>model</th><th>n</th><th>mean</th><th>sd</th>")
                    .append("<th>min</th><th>max</th></tr></thead>\n<tbody>\n");
            for (String source : r.sources().keySet()) {
                for (PresetGroup g : r.groups()) {
                    SourceStudy ss = g.sources().get(source);
                    if (ss != null) {
                        summaryRows(b, source, g.preset(), ss);
                    }
                }
            }
            b.append("</tbody>\n</table>\n");
        }
        b.append("<p class=\"meta\">sd: sample standard deviation (n − 1) over the runs; null (–) for fewer than"
                + " two.</p>\n");

        for (String source : r.sources().keySet()) {
            b.append("<section id=\"study-source-")
                    .append(xml(source))
                    .append("\">\n<h2>")
                    .append(xml(source))
                    .append("</h2>\n<table class=\"auc\" id=\"study-runs-")
                    .append(xml(source))
                    .append("\">\n<thead><tr><th>run</th>")
                    .append(r.presetStudy() ? "<th>preset</th>" : "")
                    .append("<th>seed</th><th>model seed</th><th>base macro</th><th>base 95 % CI</th>")
                    .append("<th>stacked macro</th><th>stacked 95 % CI</th><th>stacked − base</th>")
                    .append("<th>stacked − base 95 % CI</th><th>stacked wins</th></tr></thead>\n<tbody>\n");
            for (RunRow row : rows(r, source)) {
                EvaluationReport.Difference d = row.difference();
                b.append("<tr data-run=\"")
                        .append(xml(row.runId()))
                        .append("\"><th><a href=\"")
                        .append(xml(root))
                        .append("runs/")
                        .append(xml(row.runId()))
                        .append("/report.html\">")
                        .append(xml(row.runId()))
                        .append("</a></th>");
                if (r.presetStudy()) {
                    b.append("<td>").append(xml(row.preset())).append("</td>");
                }
                b.append("<td class=\"n\">")
                        .append(row.seed())
                        .append("</td><td class=\"n\">")
                        .append(row.modelSeed())
                        .append("</td><td class=\"n\">")
                        .append(num(row.base(), 4))
                        .append("</td><td class=\"n ci\">")
                        .append(Text.interval(row.baseInterval(), 4))
                        .append("</td><td class=\"n\">")
                        .append(num(row.stacked(), 4))
                        .append("</td><td class=\"n ci\">")
                        .append(Text.interval(row.stackedInterval(), 4))
                        .append("</td><td class=\"n\">")
                        .append(Text.delta(row.stacked(), row.base(), 4))
                        .append("</td><td class=\"n ci\">")
                        .append(d == null ? "–" : Text.interval(d.low(), d.high(), 4, true))
                        .append("</td><td class=\"n\">")
                        .append(d == null ? "–" : Text.percent(d.stackedWins()))
                        .append("</td></tr>\n");
            }
            b.append("</tbody>\n</table>\n</section>\n");
        }
        b.append("<p class=\"meta\">95 % CI: each run's own percentile bootstrap over its validation tracks, copied"
                + " from its report (docs/metrics.md, \"Studies\"); it covers the resampling of tracks only. The"
                + " spread over seeds (sd) is what a difference between settings has to exceed before it reads as"
                + " an effect.</p>\n</body>\n</html>\n");
        return b.toString();
    }

    /** The rows of one source: preset by preset for a preset study, else in the study's order. */
    private static List<RunRow> rows(StudyReport r, String source) {
        if (!r.presetStudy()) {
            SourceStudy ss = r.sources().get(source);
            return ss == null ? List.of() : ss.runs();
        }
        List<RunRow> out = new ArrayList<>();
        for (PresetGroup g : r.groups()) {
            SourceStudy ss = g.sources().get(source);
            if (ss != null) {
                out.addAll(ss.runs());
            }
        }
        return out;
    }

    private static void summaryRows(StringBuilder b, String source, String preset, SourceStudy ss) {
        summaryRow(b, source, preset, "base", ss.base());
        summaryRow(b, source, preset, "stacked", ss.stacked());
        summaryRow(b, source, preset, "stacked − base", ss.difference());
    }

    private static void summaryRow(StringBuilder b, String source, String preset, String model, Summary s) {
        b.append("<tr data-source=\"").append(xml(source)).append('"');
        if (preset != null) {
            b.append(" data-preset=\"").append(xml(preset)).append('"');
        }
        b.append(" data-model=\"")
                .append(xml(model))
                .append("\"><th>")
                .append(xml(source))
                .append("</th>");
        if (preset != null) {
            b.append("<td>").append(xml(preset)).append("</td>");
        }
        b.append("<td>")
                .append(xml(model))
                .append("</td><td class=\"n\">")
                .append(s.n())
                .append("</td><td class=\"n\">")
                .append(num(s.mean(), 4))
                .append("</td><td class=\"n\">")
                .append(num(s.sd(), 4))
                .append("</td><td class=\"n\">")
                .append(num(s.min(), 4))
                .append("</td><td class=\"n\">")
                .append(num(s.max(), 4))
                .append("</td></tr>\n");
    }

    /**
     * The comparison links: label → runs (2 to {@link CompareResource#MAX_RUNS}). A preset study compares its
     * presets on each seed (or on its one seed); every study with few enough runs has "all runs" too.
     */
    static Map<String, List<String>> comparisons(StudyReport r) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (r.presetStudy() && !r.seeds().isEmpty()) {
            for (Long seed : r.seeds()) {
                List<String> runs = new ArrayList<>();
                for (String p : r.presets()) {
                    String id = Study.runId(r.studyId(), p, seed);
                    if (r.runIds().contains(id)) {
                        runs.add(id);
                    }
                }
                if (runs.size() >= 2 && runs.size() <= CompareResource.MAX_RUNS) {
                    out.put("presets on seed " + seed, runs);
                }
            }
        }
        if (r.runIds().size() >= 2 && r.runIds().size() <= CompareResource.MAX_RUNS) {
            out.put(r.presetStudy() && r.seeds().isEmpty() ? "the presets" : "all runs", r.runIds());
        }
        return out;
    }
}
