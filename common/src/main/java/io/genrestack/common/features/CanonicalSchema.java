package io.genrestack.common.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The canonical layout of an Essentia 2.1 (beta1/beta2) AcousticBrainz low-level document: every numeric leaf under
 * {@code lowlevel}, {@code rhythm} and {@code tonal} (without the variable-length {@code rhythm.beats_position})
 * plus the 4 tonal strings, sorted by dotted flat name exactly like a json_to_csv-style sorted CSV header.
 *
 * <p>The layout ships as the resource {@value #RESOURCE}. It was generated once from a real file with
 * {@code java ... io.genrestack.common.features.CanonicalSchema <lowlevel.json> <out.txt>} (see {@link #main});
 * {@code CanonicalSchemaTest} checks that every real file under {@code shared/data} yields exactly this layout.
 * Resource format: {@code #} comment lines, then one {@code <N|S>\t<json pointer>} line per leaf, N = number,
 * S = string.
 */
public final class CanonicalSchema {

    /** Classpath location of the shipped layout. */
    public static final String RESOURCE = "/io/genrestack/common/features/canonical-schema-v1.txt";
    /** Top-level sections that are flattened, in this order of precedence (also their sorted order). */
    public static final List<String> SECTIONS = List.of("lowlevel", "rhythm", "tonal");
    /** JSON pointers of subtrees that are never flattened (variable length). */
    public static final List<String> EXCLUDED_POINTERS = List.of("/rhythm/beats_position");

    /** Type of a leaf in the layout. */
    public enum LeafType {
        /** A JSON number. */
        NUMBER('N'),
        /** A JSON string (only the 4 one-hot encoded tonal strings are valid). */
        STRING('S'),
        /** Anything else (boolean, null): never valid, reported so a layout comparison fails visibly. */
        OTHER('?');

        private final char code;

        LeafType(char code) {
            this.code = code;
        }

        static LeafType of(char c) {
            for (LeafType t : values()) {
                if (t.code == c) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown leaf type code " + c);
        }
    }

    /**
     * One leaf of the layout.
     *
     * @param type     number or string
     * @param jsonPath RFC 6901 pointer
     * @param name     dotted flat name (pointer segments joined by '.')
     */
    public record Leaf(LeafType type, String jsonPath, String name) {
        @Override
        public String toString() {
            return type.code + "\t" + jsonPath;
        }
    }

    private static volatile List<Leaf> shipped;

    private CanonicalSchema() {}

    /** The shipped canonical layout (2647 numbers + 4 strings), loaded once. */
    public static List<Leaf> load() {
        List<Leaf> s = shipped;
        if (s == null) {
            try (InputStream in = CanonicalSchema.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " is missing from the classpath");
                }
                s = parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                        .lines()
                        .toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            shipped = s;
        }
        return s;
    }

    /** Parses the resource format (comment lines start with '#'). */
    public static List<Leaf> parse(List<String> lines) {
        List<Leaf> out = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab != 1) {
                throw new IllegalArgumentException("bad schema line: " + line);
            }
            String pointer = line.substring(2);
            out.add(new Leaf(LeafType.of(line.charAt(0)), pointer, flatName(pointer)));
        }
        return List.copyOf(out);
    }

    /**
     * The layout one parsed document actually has: every leaf under the {@link #SECTIONS} (minus
     * {@link #EXCLUDED_POINTERS}), sorted by flat name. Equal to {@link #load()} for every conforming document.
     */
    public static List<Leaf> extract(JsonNode doc) {
        List<Leaf> out = new ArrayList<>();
        for (String section : SECTIONS) {
            JsonNode node = doc.get(section);
            if (node != null) {
                walk(node, "/" + escape(section), section, out);
            }
        }
        out.sort(Comparator.comparing(Leaf::name));
        return out;
    }

    private static void walk(JsonNode node, String pointer, String name, List<Leaf> out) {
        if (EXCLUDED_POINTERS.contains(pointer)) {
            return;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                walk(e.getValue(), pointer + "/" + escape(e.getKey()), name + "." + e.getKey(), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), pointer + "/" + i, name + "." + i, out);
            }
        } else if (node.isNumber()) {
            out.add(new Leaf(LeafType.NUMBER, pointer, name));
        } else if (node.isTextual()) {
            out.add(new Leaf(LeafType.STRING, pointer, name));
        } else {
            out.add(new Leaf(LeafType.OTHER, pointer, name));
        }
    }

    /** Dotted flat name of a JSON pointer: {@code /lowlevel/mfcc/cov/3/10} → {@code lowlevel.mfcc.cov.3.10}. */
    public static String flatName(String pointer) {
        return String.join(".", segments(pointer));
    }

    /** The unescaped segments of an RFC 6901 pointer ({@code ""} is the root, no segments). */
    public static List<String> segments(String pointer) {
        if (pointer.isEmpty()) {
            return List.of();
        }
        if (pointer.charAt(0) != '/') {
            throw new IllegalArgumentException("JSON pointer must start with '/': " + pointer);
        }
        List<String> out = new ArrayList<>();
        for (String raw : pointer.substring(1).split("/", -1)) {
            out.add(raw.replace("~1", "/").replace("~0", "~"));
        }
        return out;
    }

    static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    /** Renders a layout in the resource format, with a header comment. */
    public static String render(List<Leaf> leaves, String generatedFrom) {
        StringBuilder sb = new StringBuilder();
        sb.append("# GenreStack canonical AcousticBrainz low-level layout, schema version ")
                .append(FeatureManifest.SCHEMA_VERSION)
                .append('\n')
                .append("# Leaves under lowlevel/rhythm/tonal without /rhythm/beats_position, sorted by dotted name.\n")
                .append("# N = number, S = string (one-hot encoded). Generated by CanonicalSchema.main from ")
                .append(generatedFrom)
                .append('\n');
        for (Leaf l : leaves) {
            sb.append(l).append('\n');
        }
        return sb.toString();
    }

    /**
     * Regenerates the resource: {@code CanonicalSchema <lowlevel.json> <out.txt>}. Refuses a document whose layout
     * contains anything but numbers and the 4 one-hot strings.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: CanonicalSchema <lowlevel.json> <out.txt>");
            System.exit(2);
        }
        Path in = Path.of(args[0]);
        List<Leaf> leaves = extract(new ObjectMapper().readTree(in.toFile()));
        for (Leaf l : leaves) {
            if (l.type() == LeafType.OTHER
                    || (l.type() == LeafType.STRING && OneHotVocabulary.vocabularyOf(l.jsonPath()) == null)) {
                throw new IllegalStateException("unexpected leaf " + l + " in " + in);
            }
        }
        Files.writeString(Path.of(args[1]), render(leaves, in.getFileName().toString()));
        System.out.println("wrote " + leaves.size() + " leaves to " + args[1]);
    }
}
