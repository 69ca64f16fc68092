package io.genrestack.evaluator;

import java.util.List;
import java.util.Locale;

/**
 * Draws ROC curves as a standalone SVG image (no library): axes with ticks at 0.2 steps, the chance diagonal, one
 * polyline per curve (the first one, the micro average, drawn thicker) and a legend with each curve's AUC. The same
 * markup is written as {@code roc-<source>-<model>.svg} and inlined in report.html.
 */
public final class RocSvg {
    static final String[] COLOURS = {
        "#222222", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f"
    };
    private static final int WIDTH = 460;
    private static final int HEIGHT = 470;
    private static final int LEFT = 58;
    private static final int TOP = 40;
    private static final int SIZE = 380;
    private static final String GRID = " stroke=\"#e6e6e6\"";

    private RocSvg() {}

    /**
     * @param id the svg element's id (unique within report.html)
     * @param title the figure title
     * @param curves curves to draw, the first emphasised; null entries are skipped
     */
    public static String render(String id, String title, List<RocCurves.Curve> curves) {
        StringBuilder b = new StringBuilder(16_384);
        Svg.open(b, "roc", id, WIDTH, HEIGHT).append(">\n");
        Svg.header(b, title, WIDTH, HEIGHT, LEFT + SIZE / 2, 22);
        // grid and ticks
        for (int i = 0; i <= 5; i++) {
            double v = i / 5.0;
            String x = fmt(px(v));
            String y = fmt(py(v));
            Svg.line(b, x, TOP, x, TOP + SIZE, GRID);
            Svg.line(b, LEFT, y, LEFT + SIZE, y, GRID);
            String label = String.format(Locale.ROOT, "%.1f", v);
            Svg.text(b, x, TOP + SIZE + 16, " text-anchor=\"middle\"", label);
            Svg.text(b, LEFT - 6, fmt(py(v) + 4), " text-anchor=\"end\"", label);
        }
        Svg.rect(b, LEFT, TOP, SIZE, SIZE, " fill=\"none\" stroke=\"#333333\"");
        Svg.line(b, px(0), py(0), px(1), py(1), " stroke=\"#999999\" stroke-dasharray=\"4 4\"");
        Svg.text(b, LEFT + SIZE / 2, TOP + SIZE + 34, " text-anchor=\"middle\"", "false positive rate");
        Svg.rotatedText(b, 16, TOP + SIZE / 2, -90, "", "true positive rate");
        // curves
        int drawn = 0;
        int count = (int) curves.stream().filter(c -> c != null).count();
        int legendY = TOP + SIZE - 10 - 16 * count;
        StringBuilder legend = new StringBuilder();
        if (count > 0) { // drawn after the curves, over them
            Svg.rect(
                    legend,
                    LEFT + SIZE - 212,
                    legendY - 2,
                    206,
                    16 * count + 8,
                    " class=\"legend\" fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"#cccccc\"");
        }
        for (int i = 0; i < curves.size(); i++) {
            RocCurves.Curve c = curves.get(i);
            if (c == null) {
                continue;
            }
            String colour = COLOURS[drawn % COLOURS.length];
            b.append("<polyline class=\"curve\" fill=\"none\" stroke=\"")
                    .append(colour)
                    .append("\" stroke-width=\"")
                    .append(drawn == 0 ? "2.5" : "1.4")
                    .append("\" points=\"");
            for (int p = 0; p < c.fpr().length; p++) {
                if (p > 0) {
                    b.append(' ');
                }
                b.append(fmt(px(c.fpr()[p]))).append(',').append(fmt(py(c.tpr()[p])));
            }
            b.append("\"><title>").append(Text.xml(c.name())).append("</title></polyline>\n");
            int ly = legendY + 16 * drawn + 12;
            Svg.line(
                    legend,
                    LEFT + SIZE - 206,
                    ly - 4,
                    LEFT + SIZE - 186,
                    ly - 4,
                    " stroke=\"" + colour + "\" stroke-width=\"" + (drawn == 0 ? "2.5" : "1.4") + "\"");
            Svg.text(
                    legend,
                    LEFT + SIZE - 182,
                    ly,
                    "",
                    Text.xml(Text.shorten(c.name(), 22)) + " (" + Text.num(c.auc(), 3) + ")");
            drawn++;
        }
        b.append(legend);
        if (drawn == 0) {
            Svg.text(
                    b,
                    LEFT + SIZE / 2,
                    TOP + SIZE / 2,
                    " text-anchor=\"middle\"",
                    "no label with both classes in validation");
        }
        b.append("</svg>\n");
        return b.toString();
    }

    private static double px(double v) {
        return LEFT + v * SIZE;
    }

    private static double py(double v) {
        return TOP + SIZE - v * SIZE;
    }

    private static String fmt(double v) {
        return Svg.fmt(v);
    }
}
