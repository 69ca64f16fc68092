package io.genrestack.evaluator;

import io.genrestack.common.model.Study;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The statistics of a study over its runs' reports ({@code studies/<id>/report.json}, {@code GET /studies/{id}};
 * docs/metrics.md, "Studies"). Per source and model: mean, sample standard deviation (n − 1), min and max of the
 * validation macro ROC-AUC over the runs; per run its AUCs, their bootstrap intervals and the paired stacked − base
 * difference, copied from the run's report.json. A study that varies the feature preset has the same per preset
 * ({@code groups}: the statistics over that preset's seeds).
 *
 * @param studyId the study
 * @param vary {@code model} or {@code both} ({@link Study}); null when no seeds vary
 * @param seeds the study's seeds (empty when only the preset varies)
 * @param runIds the runs, in the study's order
 * @param generatedAt when this report was computed
 * @param sources per source present in any run's report, in the order of the first report: over every run of the
 *        study (in a preset study pooled over the presets: read {@code groups} there)
 * @param varied what varies across the runs: {@code preset} and/or {@code seed} ({@link Study#varied()}); a report
 *        stored before presets could vary reads as {@code [seed]}
 * @param presets the presets varied, in the study's order (empty for a seed study)
 * @param groups per preset, in the order of {@code presets}: its runs and per source the statistics over them
 *        (empty for a seed study)
 */
public record StudyReport(
        String studyId,
        String vary,
        List<Long> seeds,
        List<String> runIds,
        Instant generatedAt,
        Map<String, SourceStudy> sources,
        List<String> varied,
        List<String> presets,
        List<PresetGroup> groups) {

    public StudyReport {
        seeds = seeds == null ? List.of() : List.copyOf(seeds);
        runIds = runIds == null ? List.of() : List.copyOf(runIds);
        sources = sources == null ? Map.of() : sources;
        presets = presets == null ? List.of() : List.copyOf(presets);
        groups = groups == null ? List.of() : List.copyOf(groups);
        varied = varied != null
                ? List.copyOf(varied)
                : new Study(studyId, vary, seeds, runIds, null, null, presets).varied();
    }

    /**
     * The runs of one preset of a preset study.
     *
     * @param preset the feature preset
     * @param runIds its runs (one per seed, or one)
     * @param sources per source the statistics over its runs, and its runs' rows
     */
    public record PresetGroup(String preset, List<String> runIds, Map<String, SourceStudy> sources) {}

    /** True when the study varies the feature preset. */
    public boolean presetStudy() {
        return !presets.isEmpty();
    }

    /**
     * One source over the study's runs.
     *
     * @param base the base models' macro AUC over the runs
     * @param stacked the stacked models' macro AUC over the runs
     * @param difference stacked − base macro AUC over the runs (each run's observed difference)
     * @param runs each run's numbers, in the study's order
     */
    public record SourceStudy(Summary base, Summary stacked, Summary difference, List<RunRow> runs) {}

    /**
     * Summary statistics of one quantity over the runs that have it.
     *
     * @param n runs with a value (a null AUC, e.g. no label with both classes, is left out)
     * @param mean arithmetic mean, null for n = 0
     * @param sd sample standard deviation (divisor n − 1), null for n &lt; 2
     * @param min smallest value, null for n = 0
     * @param max largest value, null for n = 0
     */
    public record Summary(int n, Double mean, Double sd, Double min, Double max) {
        /** The statistics of the non-null values. */
        public static Summary of(List<Double> values) {
            List<Double> v =
                    values.stream().filter(x -> x != null && !x.isNaN()).toList();
            int n = v.size();
            if (n == 0) {
                return new Summary(0, null, null, null, null);
            }
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double x : v) {
                sum += x;
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            double mean = sum / n;
            Double sd = null;
            if (n >= 2) {
                double ss = 0;
                for (double x : v) {
                    ss += (x - mean) * (x - mean);
                }
                sd = Math.sqrt(ss / (n - 1));
            }
            return new Summary(n, mean, sd, min, max);
        }
    }

    /**
     * One run of one source.
     *
     * @param runId the run
     * @param seed its split seed
     * @param modelSeed its models' seed (the split seed when the run config has none)
     * @param base base macro AUC
     * @param stacked stacked macro AUC
     * @param baseInterval the run's 95 % bootstrap interval of the base AUC (null without bootstrap)
     * @param stackedInterval that of the stacked AUC
     * @param difference the run's paired stacked − base bootstrap (observed, interval, share of resamples where
     *        stacked wins); null without bootstrap
     * @param preset its feature preset (from its report's config; null without one)
     */
    public record RunRow(
            String runId,
            long seed,
            long modelSeed,
            Double base,
            Double stacked,
            EvaluationReport.Interval baseInterval,
            EvaluationReport.Interval stackedInterval,
            EvaluationReport.Difference difference,
            String preset) {}

    /** The report of {@code study} from its runs' reports, given in the order of {@code study.runIds()}. */
    public static StudyReport of(Study study, List<EvaluationReport> reports, Instant now) {
        List<PresetGroup> groups = new ArrayList<>();
        for (String preset : study.presets()) {
            List<EvaluationReport> of = reports.stream()
                    .filter(r -> r.config() != null && preset.equals(r.config().preset()))
                    .toList();
            groups.add(new PresetGroup(
                    preset, of.stream().map(EvaluationReport::runId).toList(), bySource(of)));
        }
        return new StudyReport(
                study.studyId(),
                study.vary(),
                study.seeds(),
                study.runIds(),
                now,
                bySource(reports),
                study.varied(),
                study.presets(),
                groups);
    }

    /** Per source (in the order the reports name them): the statistics over the reports and their rows. */
    private static Map<String, SourceStudy> bySource(List<EvaluationReport> reports) {
        List<String> sources = new ArrayList<>();
        for (EvaluationReport r : reports) {
            for (String s : r.sources().keySet()) {
                if (!sources.contains(s)) {
                    sources.add(s);
                }
            }
        }
        Map<String, SourceStudy> out = new LinkedHashMap<>();
        for (String s : sources) {
            List<RunRow> rows = new ArrayList<>();
            for (EvaluationReport r : reports) {
                EvaluationReport.SourceReport sr = r.sources().get(s);
                if (sr == null) {
                    continue;
                }
                EvaluationReport.BootstrapReport b = sr.bootstrap();
                long seed = r.config() != null ? r.config().seed() : 0;
                long modelSeed = r.config() != null ? r.config().trainingSeed() : 0;
                rows.add(new RunRow(
                        r.runId(),
                        seed,
                        modelSeed,
                        sr.base() == null ? null : sr.base().macroAuc(),
                        sr.stacked() == null ? null : sr.stacked().macroAuc(),
                        b == null ? null : b.base(),
                        b == null ? null : b.stacked(),
                        b == null ? null : b.difference(),
                        r.config() != null ? r.config().preset() : null));
            }
            out.put(
                    s,
                    new SourceStudy(
                            summary(rows, RunRow::base),
                            summary(rows, RunRow::stacked),
                            summary(rows, StudyReport::difference),
                            rows));
        }
        return out;
    }

    static Double difference(RunRow r) {
        return r.base() == null || r.stacked() == null ? null : r.stacked() - r.base();
    }

    private static Summary summary(List<RunRow> rows, Function<RunRow, Double> f) {
        List<Double> v = new ArrayList<>();
        for (RunRow r : rows) {
            v.add(f.apply(r));
        }
        return Summary.of(v);
    }

    /** The study's tables as Markdown (what {@code ./genrestack study} prints). */
    public String markdown() {
        if (presetStudy()) {
            return presetMarkdown();
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# Study ").append(Text.md(studyId)).append("\n\n");
        sb.append(runIds.size())
                .append(" runs, seeds ")
                .append(seeds)
                .append(", vary ")
                .append(vary)
                .append(Study.VARY_MODEL.equals(vary) ? " (split seed fixed, model seed varied)" : " (split and model)")
                .append(".\n\n");
        sb.append("Macro ROC-AUC over the runs (sd: sample standard deviation, n − 1):\n\n");
        sb.append("| source | model | n | mean | sd | min | max |\n|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, SourceStudy> e : sources.entrySet()) {
            row(sb, e.getKey(), "base", e.getValue().base());
            row(sb, e.getKey(), "stacked", e.getValue().stacked());
            row(sb, e.getKey(), "stacked − base", e.getValue().difference());
        }
        sb.append("\nPer run (95 % bootstrap intervals and the paired stacked − base comparison from each run's"
                + " report):\n\n");
        sb.append("| source | run | seed | model seed | base | base CI | stacked | stacked CI | stacked − base CI"
                + " | stacked wins |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, SourceStudy> e : sources.entrySet()) {
            for (RunRow r : e.getValue().runs()) {
                runRow(sb, e.getKey(), r, false);
            }
        }
        return sb.toString();
    }

    /** What varied, in words: e.g. "presets [paper, full] × seeds [1, 2], vary model (...)". */
    public String variedText() {
        StringBuilder sb = new StringBuilder();
        if (!presets.isEmpty()) {
            sb.append("presets ").append(presets);
        }
        if (!seeds.isEmpty()) {
            sb.append(presets.isEmpty() ? "" : " × ")
                    .append("seeds ")
                    .append(seeds)
                    .append(", vary ")
                    .append(vary)
                    .append(
                            Study.VARY_MODEL.equals(vary)
                                    ? " (split seed fixed, model seed varied)"
                                    : " (split and model)");
        } else if (!presets.isEmpty()) {
            sb.append(", one seed");
        }
        return sb.toString();
    }

    private String presetMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Study ").append(Text.md(studyId)).append("\n\n");
        sb.append(runIds.size())
                .append(" runs, varied: ")
                .append(String.join(", ", varied))
                .append("; ")
                .append(variedText())
                .append(".\n\n");
        if (!seeds.isEmpty()) {
            sb.append("Macro ROC-AUC per preset over its seeds (sd: sample standard deviation, n − 1):\n\n");
            sb.append("| source | preset | model | n | mean | sd | min | max |\n|---|---|---|---|---|---|---|---|\n");
            for (String source : sources.keySet()) {
                for (PresetGroup g : groups) {
                    SourceStudy ss = g.sources().get(source);
                    if (ss == null) {
                        continue;
                    }
                    String label = Text.md(source) + " | " + Text.md(g.preset());
                    row(sb, label, "base", ss.base(), false);
                    row(sb, label, "stacked", ss.stacked(), false);
                    row(sb, label, "stacked − base", ss.difference(), false);
                }
            }
            sb.append('\n');
        }
        sb.append("Per run (95 % bootstrap intervals and the paired stacked − base comparison from each run's"
                + " report):\n\n");
        sb.append("| source | run | preset | seed | model seed | base | base CI | stacked | stacked CI"
                + " | stacked − base | stacked − base CI | stacked wins |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String source : sources.keySet()) {
            for (PresetGroup g : groups) {
                SourceStudy ss = g.sources().get(source);
                if (ss != null) {
                    for (RunRow r : ss.runs()) {
                        runRow(sb, source, r, true);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static void runRow(StringBuilder sb, String source, RunRow r, boolean preset) {
        EvaluationReport.Difference d = r.difference();
        sb.append("| ")
                .append(Text.md(source))
                .append(" | ")
                .append(Text.md(r.runId()))
                .append(" | ");
        if (preset) {
            sb.append(Text.md(r.preset())).append(" | ");
        }
        sb.append(r.seed())
                .append(" | ")
                .append(r.modelSeed())
                .append(" | ")
                .append(Text.num(r.base(), 4))
                .append(" | ")
                .append(Text.interval(r.baseInterval(), 4))
                .append(" | ")
                .append(Text.num(r.stacked(), 4))
                .append(" | ")
                .append(Text.interval(r.stackedInterval(), 4))
                .append(" | ");
        if (preset) {
            sb.append(Text.delta(r.stacked(), r.base(), 4)).append(" | ");
        }
        sb.append(d == null ? "–" : Text.interval(d.low(), d.high(), 4, true))
                .append(" | ")
                .append(d == null ? "–" : Text.percent(d.stackedWins()))
                .append(" |\n");
    }

    private static void row(StringBuilder sb, String source, String model, Summary s) {
        row(sb, source, model, s, true);
    }

    /** One statistics row; {@code label} is escaped for Markdown unless it is cells already ({@code escape} false). */
    private static void row(StringBuilder sb, String label, String model, Summary s, boolean escape) {
        sb.append("| ")
                .append(escape ? Text.md(label) : label)
                .append(" | ")
                .append(model)
                .append(" | ")
                .append(s.n())
                .append(" | ")
                .append(Text.num(s.mean(), 4))
                .append(" | ")
                .append(Text.num(s.sd(), 4))
                .append(" | ")
                .append(Text.num(s.min(), 4))
                .append(" | ")
                .append(Text.num(s.max(), 4))
                .append(" |\n");
    }
}
