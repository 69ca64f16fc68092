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

    private RocSvg() {}

    /**
     * @param id the svg element's id (unique within report.html)
     * @param title the figure title
     * @param curves curves to draw, the first emphasised; null entries are skipped
     */
    public static String render(String id, String title, List<RocCurves.Curve> curves) {
        StringBuilder b = new StringBuilder(16_384);
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"roc\" id=\"")
                .append(Text.xml(id))
                .append("\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(HEIGHT)
                .append("\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\n");
        b.append("<title>").append(Text.xml(title)).append("</title>\n");
        b.append("<rect x=\"0\" y=\"0\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(HEIGHT)
                .append("\" fill=\"#ffffff\"/>\n");
        b.append("<text x=\"")
                .append(LEFT + SIZE / 2)
                .append("\" y=\"22\" text-anchor=\"middle\" font-size=\"14\"" + " font-weight=\"bold\">")
                .append(Text.xml(title))
                .append("</text>\n");
        // grid and ticks
        for (int i = 0; i <= 5; i++) {
            double v = i / 5.0;
            String x = fmt(px(v));
            String y = fmt(py(v));
            b.append("<line x1=\"")
                    .append(x)
                    .append("\" y1=\"")
                    .append(TOP)
                    .append("\" x2=\"")
                    .append(x)
                    .append("\" y2=\"")
                    .append(TOP + SIZE)
                    .append("\" stroke=\"#e6e6e6\"/>\n");
            b.append("<line x1=\"")
                    .append(LEFT)
                    .append("\" y1=\"")
                    .append(y)
                    .append("\" x2=\"")
                    .append(LEFT + SIZE)
                    .append("\" y2=\"")
                    .append(y)
                    .append("\" stroke=\"#e6e6e6\"/>\n");
            String label = String.format(Locale.ROOT, "%.1f", v);
            b.append("<text x=\"")
                    .append(x)
                    .append("\" y=\"")
                    .append(TOP + SIZE + 16)
                    .append("\" text-anchor=\"middle\">")
                    .append(label)
                    .append("</text>\n");
            b.append("<text x=\"")
                    .append(LEFT - 6)
                    .append("\" y=\"")
                    .append(fmt(py(v) + 4))
                    .append("\" text-anchor=\"end\">")
                    .append(label)
                    .append("</text>\n");
        }
        b.append("<rect x=\"")
                .append(LEFT)
                .append("\" y=\"")
                .append(TOP)
                .append("\" width=\"")
                .append(SIZE)
                .append("\" height=\"")
                .append(SIZE)
                .append("\" fill=\"none\" stroke=\"#333333\"/>\n");
        b.append("<line x1=\"")
                .append(fmt(px(0)))
                .append("\" y1=\"")
                .append(fmt(py(0)))
                .append("\" x2=\"")
                .append(fmt(px(1)))
                .append("\" y2=\"")
                .append(fmt(py(1)))
                .append("\" stroke=\"#999999\" stroke-dasharray=\"4 4\"/>\n");
        b.append("<text x=\"")
                .append(LEFT + SIZE / 2)
                .append("\" y=\"")
                .append(TOP + SIZE + 34)
                .append("\" text-anchor=\"middle\">false positive rate</text>\n");
        b.append("<text transform=\"translate(16 ")
                .append(TOP + SIZE / 2)
                .append(") rotate(-90)\" text-anchor=\"middle\">true positive rate</text>\n");
        // curves
        int drawn = 0;
        int count = (int) curves.stream().filter(c -> c != null).count();
        int legendY = TOP + SIZE - 10 - 16 * count;
        StringBuilder legend = new StringBuilder();
        if (count > 0) { // drawn after the curves, over them
            legend.append("<rect class=\"legend\" x=\"")
                    .append(LEFT + SIZE - 212)
                    .append("\" y=\"")
                    .append(legendY - 2)
                    .append("\" width=\"206\" height=\"")
                    .append(16 * count + 8)
                    .append("\" fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"#cccccc\"/>\n");
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
            legend.append("<line x1=\"")
                    .append(LEFT + SIZE - 206)
                    .append("\" y1=\"")
                    .append(ly - 4)
                    .append("\" x2=\"")
                    .append(LEFT + SIZE - 186)
                    .append("\" y2=\"")
                    .append(ly - 4)
                    .append("\" stroke=\"")
                    .append(colour)
                    .append("\" stroke-width=\"")
                    .append(drawn == 0 ? "2.5" : "1.4")
                    .append("\"/>\n");
            legend.append("<text x=\"")
                    .append(LEFT + SIZE - 182)
                    .append("\" y=\"")
                    .append(ly)
                    .append("\">")
                    .append(Text.xml(Text.shorten(c.name(), 22)))
                    .append(" (")
                    .append(Text.num(c.auc(), 3))
                    .append(")</text>\n");
            drawn++;
        }
        b.append(legend);
        if (drawn == 0) {
            b.append("<text x=\"")
                    .append(LEFT + SIZE / 2)
                    .append("\" y=\"")
                    .append(TOP + SIZE / 2)
                    .append("\" text-anchor=\"middle\">no label with both classes in validation</text>\n");
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
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
