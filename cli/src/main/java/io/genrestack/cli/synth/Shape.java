package io.genrestack.cli.synth;

import java.util.Locale;

/**
 * The shape of a generated data set. {@link #SYNTHETIC} (the default) has small taxonomies
 * ({@code --label-scale}) and the synthetic coverage; {@link #REAL} has the real MediaEval sources' label counts,
 * genre/sub-genre proportions and coverage ({@link RealShape}).
 */
public enum Shape {
    SYNTHETIC,
    REAL;

    /** The option value, {@code synthetic} or {@code real}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code synthetic} or {@code real}. */
    public static Shape parse(String s) {
        for (Shape v : values()) {
            if (v.id().equals(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown shape '" + s + "' (synthetic or real)");
    }
}
