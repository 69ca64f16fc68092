package io.genrestack.cli.synth;

import picocli.CommandLine;

import java.util.Iterator;
import java.util.List;
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

    /** {@code --shape} on the command line: {@link #parse}. */
    public static final class Converter implements CommandLine.ITypeConverter<Shape> {
        @Override
        public Shape convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --shape}'s values for shell completion. */
    public static final class Candidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of(SYNTHETIC.id(), REAL.id()).iterator();
        }
    }
}
