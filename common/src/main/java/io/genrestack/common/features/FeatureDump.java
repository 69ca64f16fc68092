package io.genrestack.common.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints a low-level file's feature vector as JSON, for debugging and docs:
 * {@code {"preset":..,"size":..,"features":{name: value, ...}}} in column order, NaN (missing) as null.
 *
 * <p>Usage: {@code FeatureDump <file.json> [--preset paper|full|common-layout] [--exclude PREFIX_OR_GLOB]...}
 */
public final class FeatureDump {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FeatureDump() {}

    /** The vector {@code v} of manifest {@code m} as a JSON object string (compact). */
    public static String toJson(FeatureManifest m, float[] v) {
        return toJson(m, v, false);
    }

    /** As {@link #toJson(FeatureManifest, float[])}, optionally indented. */
    public static String toJson(FeatureManifest m, float[] v, boolean pretty) {
        if (v.length != m.size()) {
            throw new IllegalArgumentException("vector has " + v.length + " values, manifest " + m.size());
        }
        ObjectNode root = MAPPER.createObjectNode();
        root.put("preset", m.preset());
        root.put("version", m.version());
        root.put("size", m.size());
        ObjectNode features = root.putObject("features");
        for (int i = 0; i < v.length; i++) {
            String name = m.columns().get(i).name();
            if (Float.isNaN(v[i])) {
                features.putNull(name);
            } else {
                features.put(name, v[i]);
            }
        }
        try {
            return pretty
                    ? MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root)
                    : MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The vector of the low-level JSON {@code file} under {@code preset} less {@code exclusions}, as {@link #toJson}
     * prints it ({@code genrestack features} and {@link #main}).
     *
     * @throws FeatureException when the document cannot be flattened
     */
    public static String dump(Path file, String preset, List<String> exclusions, boolean pretty) throws IOException {
        FeatureManifest m = FeatureManifest.forPreset(preset, exclusions);
        return toJson(m, new Flattener(m).flatten(Files.readAllBytes(file)), pretty);
    }

    public static void main(String[] args) throws IOException {
        String file = null;
        String preset = FeatureManifest.DEFAULT_PRESET;
        List<String> exclusions = new ArrayList<>();
        boolean pretty = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--preset" -> preset = next(args, ++i);
                case "--exclude" -> exclusions.add(next(args, ++i));
                case "--pretty" -> pretty = true;
                default -> {
                    if (file != null || args[i].startsWith("--")) {
                        usage();
                    }
                    file = args[i];
                }
            }
        }
        if (file == null) {
            usage();
        }
        try {
            System.out.println(dump(Path.of(file), preset, exclusions, pretty));
        } catch (FeatureException e) {
            System.err.println(file + ": " + e.reason());
            System.exit(1);
        }
    }

    private static String next(String[] args, int i) {
        if (i >= args.length) {
            usage();
        }
        return args[i];
    }

    private static void usage() {
        System.err.println(
                "usage: FeatureDump <file.json> [--preset paper|full|common-layout] [--exclude PREFIX_OR_GLOB]..."
                        + " [--pretty]");
        System.exit(2);
    }
}
