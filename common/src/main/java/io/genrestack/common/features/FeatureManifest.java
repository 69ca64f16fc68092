package io.genrestack.common.features;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The ordered list of columns a low-level document is flattened into. Every service that produces or consumes
 * feature vectors carries (or compares) the manifest, so a vector is always interpretable: column {@code i} of a
 * vector is {@code columns().get(i)}.
 *
 * <p>Column order is fixed (never document order): the canonical sorted layout of {@link CanonicalSchema}, with each
 * tonal string replaced in place by its one-hot block. Presets:
 * <ul>
 *   <li>{@code full}: all 2675 columns (2647 numeric + 28 one-hot);</li>
 *   <li>{@code paper} (the {@link #DEFAULT_PRESET}): 2669 columns, the paper's count. It drops the 6
 *       {@code rhythm.bpm_histogram_{first,second}_peak_{bpm,spread,weight}.var} columns, which are 0 in every
 *       file (a per-track value has no variance). Which 6 the baseline dropped is unknown; this is a choice,
 *       see docs/features.md.</li>
 *   <li>{@code common-layout}: 2669 columns, {@code full} without the 6
 *       {@code rhythm.beats_loudness_band_ratio.median.<i>} values: the layout a json_to_csv-style flattening could
 *       have had to keep if some MediaEval files lack those medians (a third-party reimplementation drops them as
 *       "missing in some observations", and json_to_csv refuses files whose layouts differ). The one 2669 with a
 *       mechanism behind it, and the 2669 of GenreStack's seed team; see docs/features.md.</li>
 * </ul>
 * Extra exclusions (flat-name prefixes or globs) can be removed on top of a preset.
 *
 * @param version schema version of the layout and vocabularies ({@link #SCHEMA_VERSION})
 * @param preset  preset the columns were derived from
 * @param columns the columns, in vector order
 */
public record FeatureManifest(String version, String preset, List<FeatureColumn> columns) {

    /**
     * Version of the canonical layout + one-hot vocabularies + preset definitions. Bump on any change to them that
     * changes a column's name, position or meaning in an existing preset; a new preset leaves every existing
     * manifest as it was and needs no bump (docs/features.md, "Versioning").
     */
    public static final String SCHEMA_VERSION = "1";
    /** All 2675 columns. */
    public static final String PRESET_FULL = "full";
    /** The paper's 2669 columns. */
    public static final String PRESET_PAPER = "paper";
    /** 2669 columns: the full layout without the 6 {@code rhythm.beats_loudness_band_ratio.median} values. */
    public static final String PRESET_COMMON_LAYOUT = "common-layout";
    /** The preset services use unless configured otherwise: the paper's 2669 inputs. */
    public static final String DEFAULT_PRESET = PRESET_PAPER;
    /** Every preset, in the order help texts and errors list them. */
    public static final List<String> PRESETS = List.of(PRESET_PAPER, PRESET_FULL, PRESET_COMMON_LAYOUT);

    /** Exclusions (flat-name prefixes/globs) applied by each preset on top of the full layout. */
    public static final Map<String, List<String>> PRESET_EXCLUSIONS = Map.of(
            PRESET_FULL, List.of(),
            PRESET_COMMON_LAYOUT, List.of("rhythm.beats_loudness_band_ratio.median"),
            PRESET_PAPER,
                    List.of(
                            "rhythm.bpm_histogram_first_peak_bpm.var",
                            "rhythm.bpm_histogram_first_peak_spread.var",
                            "rhythm.bpm_histogram_first_peak_weight.var",
                            "rhythm.bpm_histogram_second_peak_bpm.var",
                            "rhythm.bpm_histogram_second_peak_spread.var",
                            "rhythm.bpm_histogram_second_peak_weight.var"));

    public FeatureManifest {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(preset, "preset");
        columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
        Set<String> names = new LinkedHashSet<>();
        for (FeatureColumn c : columns) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("duplicate column " + c.name());
            }
        }
    }

    /** Number of columns (the vector length). */
    public int size() {
        return columns.size();
    }

    /** Index of the column with this flat name, or -1. Linear scan: cache the result in hot paths. */
    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The manifest of a preset ({@link #PRESETS}). */
    public static FeatureManifest forPreset(String preset) {
        return forPreset(preset, List.of());
    }

    /**
     * The manifest of a preset with further columns removed. Each exclusion is a flat name or prefix
     * ({@code lowlevel.mfcc} removes {@code lowlevel.mfcc} and everything under {@code lowlevel.mfcc.}, and
     * {@code tonal.key_key} removes its one-hot block {@code tonal.key_key=*}) or a glob over the whole flat name
     * ({@code *} any characters including '.', {@code ?} one character), e.g. {@code lowlevel.*.dvar2}.
     *
     * @throws IllegalArgumentException for an unknown preset, or an exclusion that matches no column of the full
     *                                  layout (a typo guard)
     */
    public static FeatureManifest forPreset(String preset, List<String> extraExclusions) {
        List<String> presetExclusions = PRESET_EXCLUSIONS.get(preset);
        if (presetExclusions == null) {
            throw new IllegalArgumentException("unknown feature preset '" + preset + "', expected one of " + PRESETS);
        }
        List<FeatureColumn> all = fullColumns();
        List<Pattern> patterns = new ArrayList<>();
        List<String> exclusions = new ArrayList<>(presetExclusions);
        exclusions.addAll(extraExclusions == null ? List.of() : extraExclusions);
        for (String exclusion : exclusions) {
            Pattern p = exclusionPattern(exclusion);
            if (all.stream().noneMatch(c -> p.matcher(c.name()).matches())) {
                throw new IllegalArgumentException("feature exclusion '" + exclusion + "' matches no column");
            }
            patterns.add(p);
        }
        List<FeatureColumn> kept = new ArrayList<>(all.size());
        for (FeatureColumn c : all) {
            if (patterns.stream().noneMatch(p -> p.matcher(c.name()).matches())) {
                kept.add(c);
            }
        }
        return new FeatureManifest(SCHEMA_VERSION, preset, kept);
    }

    /** The full layout: canonical leaves in order, each string leaf expanded in place into its one-hot block. */
    static List<FeatureColumn> fullColumns() {
        List<FeatureColumn> out = new ArrayList<>(2675);
        for (CanonicalSchema.Leaf leaf : CanonicalSchema.load()) {
            switch (leaf.type()) {
                case NUMBER -> out.add(FeatureColumn.numeric(leaf.name(), leaf.jsonPath()));
                case STRING -> {
                    List<String> vocabulary = OneHotVocabulary.vocabularyOf(leaf.jsonPath());
                    if (vocabulary == null) {
                        throw new IllegalStateException("string leaf without one-hot vocabulary: " + leaf);
                    }
                    for (String v : vocabulary) {
                        out.add(FeatureColumn.oneHot(leaf.name(), leaf.jsonPath(), v));
                    }
                }
                default -> throw new IllegalStateException("invalid leaf in canonical schema: " + leaf);
            }
        }
        return out;
    }

    /** Regex for one exclusion: glob if it contains '*' or '?', otherwise a segment-aware prefix. */
    static Pattern exclusionPattern(String exclusion) {
        if (exclusion == null || exclusion.isBlank()) {
            throw new IllegalArgumentException("empty feature exclusion");
        }
        String e = exclusion.trim();
        if (e.indexOf('*') >= 0 || e.indexOf('?') >= 0) {
            StringBuilder re = new StringBuilder();
            for (char ch : e.toCharArray()) {
                if (ch == '*') {
                    re.append(".*");
                } else if (ch == '?') {
                    re.append('.');
                } else {
                    re.append(Pattern.quote(String.valueOf(ch)));
                }
            }
            return Pattern.compile(re.toString());
        }
        return Pattern.compile(Pattern.quote(e) + "([.=].*)?");
    }
}
