package io.genrestack.common.model;

import io.genrestack.common.Sources;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ablations a run asks for ({@link RunConfig#ablations()}): for each target source, stacked models also trained
 * on a subset of the base models' L2-normalised 256-d activations, so the report shows which taxonomies' embeddings
 * help which (docs/metrics.md, "Ablations"). The values:
 * <ul>
 * <li>{@value #OWN}: the target source's own activations only (256 inputs);</li>
 * <li>{@value #LEAVE_ONE_OUT}: for each other source of the run, all of the run's sources but that one;</li>
 * <li>an explicit subset, sources joined by {@code +} ({@code allmusic+discogs}), the same for every target.</li>
 * </ul>
 */
public final class Ablations {
    public static final String OWN = "own";
    public static final String LEAVE_ONE_OUT = "leave-one-out";
    /** Name prefix of a leave-one-out subset: {@code without-discogs}. */
    public static final String WITHOUT = "without-";

    private Ablations() {}

    /**
     * One subset of a target source's ablations.
     *
     * @param name {@value #OWN}, {@code without-<source>} or the explicit subset in {@link Sources#ALL} order
     * @param sources the base models whose activations form the input, in {@link Sources#ALL} order
     */
    public record Subset(String name, List<String> sources) {
        public Subset {
            sources = List.copyOf(sources);
        }
    }

    /** What is wrong with {@code requested} (one sentence), or empty when every value is known and usable. */
    public static Optional<String> problem(List<String> requested) {
        if (requested == null) {
            return Optional.empty();
        }
        for (String v : requested) {
            if (v == null || v.isBlank()) {
                return Optional.of("ablations: empty value; expected " + expected());
            }
            if (v.equals(OWN) || v.equals(LEAVE_ONE_OUT)) {
                continue;
            }
            List<String> parts = List.of(v.split("\\+", -1));
            List<String> seen = new ArrayList<>();
            for (String s : parts) {
                if (!Sources.ALL.contains(s)) {
                    String what = v.contains("+") ? " (unknown source '" + s + "')" : "";
                    return Optional.of("ablations: unknown value '" + v + "'" + what + "; expected " + expected());
                }
                if (seen.contains(s)) {
                    return Optional.of("ablations: '" + v + "' names " + s + " twice");
                }
                seen.add(s);
            }
            if (seen.size() == Sources.ALL.size()) {
                return Optional.of("ablations: '" + v + "' names every source: that is the full stacked model");
            }
        }
        return Optional.empty();
    }

    private static String expected() {
        return OWN + ", " + LEAVE_ONE_OUT + " or sources joined by '+' (e.g. allmusic+discogs) of " + Sources.ALL;
    }

    /**
     * The subsets of {@code target}'s ablations, in the order asked ({@code leave-one-out} expands to one subset per
     * other source of the run, in {@link Sources#ALL} order). A subset that has the same sources as an earlier one
     * is left out; one with every source of the run (the full model) is kept, the trainer reports it as skipped.
     *
     * @param runSources the run's sources (the base models), in {@link Sources#ALL} order
     * @throws IllegalArgumentException on a value {@link #problem} refuses
     */
    public static List<Subset> subsets(List<String> requested, String target, List<String> runSources) {
        problem(requested).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        Map<List<String>, Subset> out = new LinkedHashMap<>();
        for (String v : requested == null ? List.<String>of() : requested) {
            if (v.equals(OWN)) {
                out.putIfAbsent(List.of(target), new Subset(OWN, List.of(target)));
            } else if (v.equals(LEAVE_ONE_OUT)) {
                for (String left : runSources) {
                    if (!left.equals(target)) {
                        List<String> s = new ArrayList<>(runSources);
                        s.remove(left);
                        out.putIfAbsent(List.copyOf(s), new Subset(WITHOUT + left, s));
                    }
                }
            } else {
                List<String> s = Sources.ALL.stream()
                        .filter(List.of(v.split("\\+"))::contains)
                        .toList();
                out.putIfAbsent(s, new Subset(String.join("+", s), s));
            }
        }
        return List.copyOf(out.values());
    }
}
