package io.genrestack.evaluator;

import io.genrestack.common.model.TrainingCurve;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Draws one model's training curves as a standalone SVG image (no library, the style of {@link RocSvg}): per epoch
 * the training and validation loss (binary cross-entropy, left axis) and the validation macro ROC-AUC (right axis),
 * one {@code <polyline class="curve" data-curve="...">} each with one point per epoch that has the value, and the
 * restored (best) epoch marked by a dashed vertical {@code <line class="restored" data-epoch="N">}. Inlined in
 * report.html and in the run comparison page.
 */
final class TrainingSvg {
    /** The curves, in drawing order: {@code data-curve} name, legend text, colour, dash pattern (or null). */
    static final List<String[]> CURVES = List.of(
            new String[] {"trainLoss", "train loss", "#1f77b4", "5 3"},
            new String[] {"validationLoss", "validation loss", "#1f77b4", null},
            new String[] {"validationMacroAuc", "validation macro AUC", "#d62728", null});

    private static final int WIDTH = 460;
    private static final int HEIGHT = 300;
    private static final int LEFT = 58;
    private static final int TOP = 36;
    private static final int PLOT_W = 344;
    private static final int PLOT_H = 190;

    private TrainingSvg() {}

    /**
     * @param id the svg element's id (unique within its page)
     * @param title the figure title
     * @param curve the model's curve; without epochs the figure says so
     */
    static String render(String id, String title, TrainingCurve curve) {
        List<TrainingCurve.Point> pts = curve == null ? List.of() : curve.history();
        StringBuilder b = new StringBuilder(8_192);
        Svg.open(b, "training", id, WIDTH, HEIGHT);
        if (curve != null) {
            b.append(" data-epochs=\"")
                    .append(pts.size())
                    .append("\" data-restored=\"")
                    .append(curve.bestEpoch());
            b.append('"');
        }
        b.append(">\n");
        Svg.header(b, title, WIDTH, HEIGHT, LEFT + PLOT_W / 2, 20);
        Svg.rect(b, LEFT, TOP, PLOT_W, PLOT_H, " fill=\"none\" stroke=\"#333333\"");
        if (pts.isEmpty()) {
            Svg.text(
                    b,
                    LEFT + PLOT_W / 2,
                    TOP + PLOT_H / 2,
                    " text-anchor=\"middle\"",
                    "no training history in the model's provenance");
            return b.append("</svg>\n").toString();
        }
        int first = pts.get(0).epoch();
        int last = pts.get(pts.size() - 1).epoch();
        double lossMax = 0;
        double aucMin = 0.5;
        for (TrainingCurve.Point p : pts) {
            lossMax = Math.max(lossMax, p.trainLoss() == null ? 0 : p.trainLoss());
            lossMax = Math.max(lossMax, p.validationLoss() == null ? 0 : p.validationLoss());
            if (p.validationMacroAuc() != null) {
                aucMin = Math.min(aucMin, Math.floor(p.validationMacroAuc() * 10) / 10);
            }
        }
        double lossTop = niceCeiling(lossMax);
        double aucLow = aucMin;
        // grid, loss ticks (left), AUC ticks (right)
        for (int i = 0; i <= 4; i++) {
            double f = i / 4.0;
            String y = fmt(TOP + PLOT_H - f * PLOT_H);
            Svg.line(b, LEFT, y, LEFT + PLOT_W, y, " stroke=\"#e6e6e6\"");
            double ty = TOP + PLOT_H - f * PLOT_H + 4;
            Svg.text(
                    b,
                    LEFT - 6,
                    ty,
                    " text-anchor=\"end\" fill=\"#1f77b4\"",
                    String.format(Locale.ROOT, lossTop < 0.1 ? "%.3f" : "%.2f", f * lossTop));
            Svg.text(
                    b,
                    LEFT + PLOT_W + 6,
                    ty,
                    " fill=\"#d62728\"",
                    String.format(Locale.ROOT, "%.2f", aucLow + f * (1 - aucLow)));
        }
        for (int e : ticks(first, last)) {
            Svg.text(b, px(e, first, last), TOP + PLOT_H + 16, " text-anchor=\"middle\"", String.valueOf(e));
        }
        Svg.text(b, LEFT + PLOT_W / 2, TOP + PLOT_H + 34, " text-anchor=\"middle\"", "epoch");
        Svg.rotatedText(b, 14, TOP + PLOT_H / 2, -90, " fill=\"#1f77b4\"", "loss (BCE)");
        Svg.rotatedText(b, WIDTH - 8, TOP + PLOT_H / 2, 90, " fill=\"#d62728\"", "macro ROC-AUC");
        // the restored epoch (not drawn when the provenance names one outside its history)
        boolean restoredDrawn = curve.bestEpoch() >= first && curve.bestEpoch() <= last;
        String rx = fmt(px(curve.bestEpoch(), first, last));
        if (restoredDrawn) {
            b.append("<line class=\"restored\" data-epoch=\"")
                    .append(curve.bestEpoch())
                    .append("\" x1=\"")
                    .append(rx)
                    .append("\" y1=\"")
                    .append(TOP)
                    .append("\" x2=\"")
                    .append(rx)
                    .append("\" y2=\"")
                    .append(TOP + PLOT_H)
                    .append("\" stroke=\"#2ca02c\" stroke-width=\"1.5\" stroke-dasharray=\"3 3\">")
                    .append("<title>restored epoch ")
                    .append(curve.bestEpoch())
                    .append("</title></line>\n");
        }
        // curves
        List<Function<TrainingCurve.Point, Double>> values = List.of(
                TrainingCurve.Point::trainLoss,
                TrainingCurve.Point::validationLoss,
                TrainingCurve.Point::validationMacroAuc);
        for (int c = 0; c < CURVES.size(); c++) {
            String[] spec = CURVES.get(c);
            boolean auc = c == 2;
            List<String> xy = new ArrayList<>();
            for (TrainingCurve.Point p : pts) {
                Double v = values.get(c).apply(p);
                if (v != null) {
                    double f = auc ? (v - aucLow) / (1 - aucLow) : lossTop > 0 ? v / lossTop : 0;
                    xy.add(fmt(px(p.epoch(), first, last)) + "," + fmt(TOP + PLOT_H - f * PLOT_H));
                }
            }
            b.append("<polyline class=\"curve\" data-curve=\"")
                    .append(spec[0])
                    .append("\" fill=\"none\" stroke=\"")
                    .append(spec[2])
                    .append("\" stroke-width=\"1.8\"");
            if (spec[3] != null) {
                b.append(" stroke-dasharray=\"").append(spec[3]).append('"');
            }
            b.append(" points=\"")
                    .append(String.join(" ", xy))
                    .append("\"><title>")
                    .append(spec[1])
                    .append("</title></polyline>\n");
        }
        // legend
        int ly = TOP + PLOT_H + 52;
        int lx = LEFT;
        for (int c = 0; c < CURVES.size(); c++) {
            String[] spec = CURVES.get(c);
            String dash = spec[3] == null ? "" : " stroke-dasharray=\"" + spec[3] + "\"";
            Svg.line(b, lx, ly - 4, lx + 20, ly - 4, " stroke=\"" + spec[2] + "\" stroke-width=\"1.8\"" + dash);
            Svg.text(b, lx + 24, ly, "", spec[1]);
            lx += c == 2 ? 0 : 112;
        }
        Svg.text(
                b,
                LEFT,
                ly + 16,
                " fill=\"#2ca02c\"",
                "restored: epoch " + curve.bestEpoch() + " of " + pts.size()
                        + (restoredDrawn ? "" : " (not in the history)"));
        return b.append("</svg>\n").toString();
    }

    private static double px(int epoch, int first, int last) {
        if (last == first) {
            return LEFT + PLOT_W / 2.0;
        }
        return LEFT + (epoch - first) * (double) PLOT_W / (last - first);
    }

    /** At most about 10 epoch ticks, always the first and the last. */
    private static List<Integer> ticks(int first, int last) {
        int step = Math.max(1, (int) Math.ceil((last - first) / 10.0));
        List<Integer> t = new ArrayList<>();
        for (int e = first; e < last; e += step) {
            if (step == 1 || e == first || last - e > step / 2.0) { // no label crowding the last
                t.add(e);
            }
        }
        t.add(last);
        return t;
    }

    /** The smallest of 1, 2, 2.5, 5 × 10^k at or above {@code v} (1 for v ≤ 0). */
    static double niceCeiling(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String fmt(double v) {
        return Svg.fmt(v);
    }
}
