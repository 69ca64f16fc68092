package io.genrestack.common.features;

import java.util.Objects;

/**
 * One column of the feature vector.
 *
 * @param name     dotted flat name, json_to_csv style: {@code lowlevel.mfcc.cov.3.10}; one-hot columns are
 *                 {@code <field>=<value>}, e.g. {@code tonal.key_key=C#}
 * @param jsonPath RFC 6901 JSON pointer of the source leaf, e.g. {@code /lowlevel/mfcc/cov/3/10}; all columns of a
 *                 one-hot block share their string's pointer ({@code /tonal/key_key})
 * @param kind     {@link Kind#NUMERIC} (the leaf's number as float) or {@link Kind#ONE_HOT}
 * @param category the one-hot value this column stands for ({@code C#}, {@code minor}); null for numeric columns
 */
public record FeatureColumn(String name, String jsonPath, Kind kind, String category) {

    /** How a column's value is obtained from its leaf. */
    public enum Kind {
        /** The leaf is a JSON number, read as float. */
        NUMERIC,
        /** The leaf is a string; the column is 1 when it equals {@link FeatureColumn#category()}, else 0. */
        ONE_HOT
    }

    public FeatureColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jsonPath, "jsonPath");
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.ONE_HOT && category == null) {
            throw new IllegalArgumentException("one-hot column " + name + " needs a category");
        }
        if (kind == Kind.NUMERIC && category != null) {
            throw new IllegalArgumentException("numeric column " + name + " must not have a category");
        }
    }

    /** A numeric column. */
    public static FeatureColumn numeric(String name, String jsonPath) {
        return new FeatureColumn(name, jsonPath, Kind.NUMERIC, null);
    }

    /** A one-hot column {@code <field>=<category>}. */
    public static FeatureColumn oneHot(String field, String jsonPath, String category) {
        return new FeatureColumn(field + "=" + category, jsonPath, Kind.ONE_HOT, category);
    }
}
