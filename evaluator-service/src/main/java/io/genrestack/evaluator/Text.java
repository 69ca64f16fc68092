package io.genrestack.evaluator;

import java.util.Locale;

/** Escaping and number formatting shared by the report renderers. */
final class Text {
    private Text() {}

    /** Escapes text for XML/HTML content and attribute values. */
    static String xml(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        b.append('?'); // not allowed in XML 1.0
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** Escapes text for a Markdown table cell. */
    static String md(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
    }

    /** A number with {@code digits} decimals, or an en dash for null/NaN. */
    static String num(Double v, int digits) {
        if (v == null || v.isNaN()) {
            return "–";
        }
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    /** Signed difference with {@code digits} decimals, or an en dash. */
    static String delta(Double a, Double b, int digits) {
        if (a == null || b == null || a.isNaN() || b.isNaN()) {
            return "–";
        }
        return String.format(Locale.ROOT, "%+." + digits + "f", a - b);
    }

    /** A bootstrap interval as {@code [low, high]} with {@code digits} decimals (signed if asked), or an en dash. */
    static String interval(Double low, Double high, int digits, boolean signed) {
        if (low == null || high == null || low.isNaN() || high.isNaN()) {
            return "–";
        }
        String f = "%" + (signed ? "+" : "") + "." + digits + "f";
        return String.format(Locale.ROOT, "[" + f + ", " + f + "]", low, high);
    }

    static String interval(EvaluationReport.Interval i, int digits) {
        return i == null ? "–" : interval(i.low(), i.high(), digits, false);
    }

    /** A share in [0, 1] as a percentage with one decimal, or an en dash. */
    static String percent(Double v) {
        if (v == null || v.isNaN()) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.1f %%", 100 * v);
    }

    /**
     * The paired bootstrap in one sentence (plain text, for both renderers), e.g. {@code Paired bootstrap (1000
     * resamples of the 4000 validation tracks, seed 42): stacked − base +0.0512, 95 % CI [+0.0480, +0.0544];
     * stacked better in 100.0 % of the resamples (ties 0.0 %).}
     */
    static String paired(EvaluationReport.BootstrapReport b, int validationTracks) {
        if (b == null) {
            return "No bootstrap (genrestack.evaluator.bootstrap-resamples=0 or no validation track).";
        }
        EvaluationReport.Difference d = b.difference();
        String s = "Paired bootstrap (" + b.resamples() + " resamples of the " + validationTracks
                + " validation tracks, seed " + b.seed() + "): stacked − base " + delta(d.observed(), 0.0, 4) + ", "
                + Math.round(100 * b.level()) + " % CI " + interval(d.low(), d.high(), 4, true) + "; stacked better in "
                + percent(d.stackedWins()) + " of the resamples (ties " + percent(d.ties()) + ").";
        if (b.validResamples() < b.resamples()) {
            s += " " + (b.resamples() - b.validResamples())
                    + " resamples had no label with both classes and are left out.";
        }
        return s;
    }

    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** NaN → null, for JSON. */
    static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /**
     * One line on a model's training: epochs trained, the restored epoch and its validation loss and macro AUC (or
     * that the provenance has no history).
     */
    static String trainingSummary(io.genrestack.common.model.TrainingCurve c) {
        if (c == null || !c.drawable()) {
            return "no training history in the model's provenance";
        }
        io.genrestack.common.model.TrainingCurve.Point best = null;
        for (io.genrestack.common.model.TrainingCurve.Point p : c.history()) {
            if (p.epoch() == c.bestEpoch()) {
                best = p;
            }
        }
        return c.history().size() + " epochs trained, epoch " + c.bestEpoch() + " restored"
                + (best == null
                        ? ""
                        : " (validation loss " + num(best.validationLoss(), 4) + ", validation macro ROC-AUC "
                                + num(best.validationMacroAuc(), 4) + ")");
    }

    /** What the report says next to the paper's numbers on a synthetic run, in place of "this run − paper". */
    static final String NOT_COMPARABLE = "not comparable: synthetic data";

    /**
     * The note of a synthetic run: its numbers measure the pipeline on generated data, the paper's the task on the
     * real MediaEval data, so no difference between them is shown.
     */
    static final String SYNTHETIC_NOTE = "This run is on synthetic data (generated by ./genrestack run, not the "
            + "MediaEval AcousticBrainz data): its ROC-AUC measures whether the pipeline learns the generator's "
            + "planted signal, not how well it tags real music. The paper's numbers are shown for reference only; "
            + "they are not comparable to this run's and no difference to them is computed (docs/synthetic-data.md).";
}
