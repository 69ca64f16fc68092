package io.genrestack.evaluator;

import io.genrestack.common.model.AblationReport;
import io.genrestack.common.model.RunConfig;

import java.util.ArrayList;
import java.util.List;

import static io.genrestack.evaluator.Text.delta;
import static io.genrestack.evaluator.Text.num;
import static io.genrestack.evaluator.Text.percent;

/**
 * A source's ablation table ({@link AblationReport}, {@code RunConfig.ablations}) as plain-text cells, one list per
 * row, for both renderers ({@link ReportMarkdown}, {@link ReportHtml}): the full stacked model first, then every
 * subset in the order asked, with its validation macro ROC-AUC, its 95 % interval, the difference to the full model
 * and the paired 95 % interval of that difference over the same resamples.
 */
final class AblationTable {
    static final List<String> HEADER = List.of(
            "subset",
            "inputs",
            "input dim",
            "validation macro ROC-AUC",
            "95 % CI",
            "− full",
            "− full 95 % CI (paired)",
            "better than full",
            "restored epoch / epochs");

    private AblationTable() {}

    /** The rows below {@link #HEADER}. */
    static List<List<String>> rows(AblationReport a) {
        List<List<String>> out = new ArrayList<>();
        out.add(row(a.full(), "full (the run's stacked model)"));
        for (AblationReport.Model m : a.subsets()) {
            out.add(row(m, m.name()));
        }
        return out;
    }

    private static List<String> row(AblationReport.Model m, String name) {
        String inputs = String.join(" + ", m.inputModels());
        if (m.skipped() != null) {
            return List.of(
                    name, inputs, String.valueOf(m.inputDim()), "skipped: " + m.skipped(), "–", "–", "–", "–", "–");
        }
        AblationReport.Difference d = m.difference();
        return List.of(
                name,
                inputs,
                String.valueOf(m.inputDim()),
                num(m.valMacroAuc(), 4),
                m.interval() == null
                        ? "–"
                        : Text.interval(m.interval().low(), m.interval().high(), 4, false),
                d == null ? "–" : delta(d.observed(), 0.0, 4),
                d == null ? "–" : Text.interval(d.low(), d.high(), 4, true),
                d == null ? "–" : percent(d.wins()),
                m.bestEpoch() == null ? "–" : m.bestEpoch() + " / " + m.epochs());
    }

    /** The sentence under the table: what was trained and how the intervals were drawn. */
    static String note(AblationReport a) {
        String s = "Ablations (" + String.join(", ", a.requested()) + "): stacked models of " + a.source()
                + " trained on subsets of the base models' L2-normalised activations (256 per source), with the full"
                + " model's settings and seed and early stopping on the same " + a.validationTracks()
                + " validation tracks. ";
        if (a.resamples() == 0) {
            return s + "No bootstrap (genrestack.stacker.ablation-resamples=0 or no validation track).";
        }
        return s + "Paired bootstrap: " + a.resamples() + " resamples of those tracks (seed " + a.seed()
                + "), the same for every model; − full: subset − full stacked model, better than full: share of the"
                + " resamples where the subset's macro AUC is higher.";
    }

    /** The line for a source whose ablations were asked but are not there, or null when nothing is missing. */
    static String missing(RunConfig config, String runId, String source, AblationReport a) {
        if (a != null || config == null || config.ablations().isEmpty()) {
            return null;
        }
        return "Ablations " + config.ablations() + " were asked but runs/" + runId + "/ablations/" + source
                + ".json is missing.";
    }
}
