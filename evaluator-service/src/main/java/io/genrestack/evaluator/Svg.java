package io.genrestack.evaluator;

import java.util.Locale;

/**
 * The few SVG elements the report's figures ({@link RocSvg}, {@link TrainingSvg}) are made of, appended to a
 * {@link StringBuilder}: coordinates are written as given ({@code int}s as they are, {@code double}s with one
 * decimal, {@link #fmt}), {@code attrs} verbatim after them (each starting with a space), {@code content} verbatim
 * (callers escape text with {@link Text#xml}).
 */
final class Svg {
    private Svg() {}

    /**
     * The opening {@code <svg>} tag (white background and title follow with {@link #header}) without its closing
     * {@code >}, so a figure can add attributes of its own.
     */
    static StringBuilder open(StringBuilder b, String cssClass, String id, int width, int height) {
        return b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"")
                .append(cssClass)
                .append("\" id=\"")
                .append(Text.xml(id))
                .append("\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\"");
    }

    /** The {@code <title>} (tooltip and accessible name), a white background and the bold title at {@code (x, y)}. */
    static void header(StringBuilder b, String title, int width, int height, int x, int y) {
        b.append("<title>").append(Text.xml(title)).append("</title>\n");
        rect(b, 0, 0, width, height, " fill=\"#ffffff\"");
        text(b, x, y, " text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\"", Text.xml(title));
    }

    static void line(StringBuilder b, Object x1, Object y1, Object x2, Object y2, String attrs) {
        b.append("<line x1=\"")
                .append(coordinate(x1))
                .append("\" y1=\"")
                .append(coordinate(y1))
                .append("\" x2=\"")
                .append(coordinate(x2))
                .append("\" y2=\"")
                .append(coordinate(y2))
                .append('"')
                .append(attrs)
                .append("/>\n");
    }

    static void rect(StringBuilder b, Object x, Object y, Object width, Object height, String attrs) {
        b.append("<rect x=\"")
                .append(coordinate(x))
                .append("\" y=\"")
                .append(coordinate(y))
                .append("\" width=\"")
                .append(coordinate(width))
                .append("\" height=\"")
                .append(coordinate(height))
                .append('"')
                .append(attrs)
                .append("/>\n");
    }

    static void text(StringBuilder b, Object x, Object y, String attrs, String content) {
        b.append("<text x=\"")
                .append(coordinate(x))
                .append("\" y=\"")
                .append(coordinate(y))
                .append('"')
                .append(attrs)
                .append('>')
                .append(content)
                .append("</text>\n");
    }

    /** A label rotated by {@code degrees} about {@code (x, y)} (axis titles). */
    static void rotatedText(StringBuilder b, int x, int y, int degrees, String attrs, String content) {
        b.append("<text transform=\"translate(")
                .append(x)
                .append(' ')
                .append(y)
                .append(") rotate(")
                .append(degrees)
                .append(")\" text-anchor=\"middle\"")
                .append(attrs)
                .append('>')
                .append(content)
                .append("</text>\n");
    }

    /** A coordinate with one decimal, as every figure writes them. */
    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String coordinate(Object v) {
        return v instanceof Double d ? fmt(d) : String.valueOf(v);
    }
}
