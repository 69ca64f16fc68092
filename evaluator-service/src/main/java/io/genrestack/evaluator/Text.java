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

    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** NaN → null, for JSON. */
    static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
