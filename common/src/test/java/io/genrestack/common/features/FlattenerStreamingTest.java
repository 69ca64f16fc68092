package io.genrestack.common.features;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streaming pass of {@link Flattener#flatten(byte[])} against its tree path: on every real document (the sample
 * files, the edge files, the archives' documents) and on modified copies of a real one (number spellings, nulls,
 * wrong types, duplicate keys, unknown categories, damaged JSON), under every preset, {@code flatten(bytes)} gives
 * the tree path's vector bit for bit, or the same error message.
 */
class FlattenerStreamingTest {

    private static final List<Flattener> ALL = FeatureManifest.PRESETS.stream()
            .map(p -> new Flattener(FeatureManifest.forPreset(p)))
            .toList();

    @Test
    void realDocumentsTakeTheStreamingPassAndGiveTheTreeVector() {
        Map<String, byte[]> docs = new LinkedHashMap<>(SharedData.allDocuments());
        docs.putAll(SharedData.archiveJsons());
        int streamed = 0;
        for (Flattener f : ALL) {
            for (Map.Entry<String, byte[]> e : docs.entrySet()) {
                String what = f.manifest().preset() + " " + e.getKey();
                Outcome tree = Outcome.of(() -> f.treeFlatten(e.getValue()));
                float[] fast = f.streamed(e.getValue());
                if (tree.vector != null) {
                    assertNotNull(fast, what + ": a document the tree path flattens must take the streaming pass");
                    assertEquals(Outcome.bits(tree.vector), Outcome.bits(fast), what);
                    streamed++;
                } else {
                    assertNull(fast, what + ": " + tree.error);
                }
                assertEquals(tree, Outcome.of(() -> f.flatten(e.getValue())), what);
            }
        }
        // every sample file is a valid document under every preset
        assertTrue(streamed >= ALL.size() * SharedData.lowlevel().size(), "streamed " + streamed);
    }

    @Test
    void modifiedDocumentsGiveTheTreePathsVectorOrError() {
        Map<String, String> cases = modifiedCases();
        int errors = 0;
        int fastPath = 0;
        for (Flattener f : ALL) {
            for (Map.Entry<String, String> c : cases.entrySet()) {
                byte[] json = c.getValue().getBytes(StandardCharsets.UTF_8);
                String what = f.manifest().preset() + ": " + c.getKey();
                Outcome tree = Outcome.of(() -> f.treeFlatten(json));
                assertEquals(tree, Outcome.of(() -> f.flatten(json)), what);
                float[] fast = f.streamed(json);
                if (fast != null) {
                    assertNotNull(tree.vector, what + ": streamed a document the tree path refuses: " + tree.error);
                    assertEquals(Outcome.bits(tree.vector), Outcome.bits(fast), what);
                    fastPath++;
                }
                errors += tree.error != null ? 1 : 0;
            }
        }
        // the cases exercise both outcomes and both paths (a suite of only errors or only fallbacks proves little)
        assertTrue(errors > 10, "errors " + errors);
        assertTrue(fastPath > 10, "streamed " + fastPath);
    }

    /** Textual variants of a real document, named. {@code @@...@@} placeholders become raw JSON text. */
    private static Map<String, String> modifiedCases() {
        Map<String, String> out = new LinkedHashMap<>();
        String real = FlattenerRulesTest.realDoc().toString();
        out.put("the real document", real);
        String[] numbers = {
            "3",
            "-0",
            "-0.0",
            "0.0",
            "2147483648",
            "9223372036854775807",
            "9223372036854775808",
            "123456789012345678901234567890",
            "1e38",
            "3.4028235e38",
            "3.4028236e38",
            "1e39",
            "-1e39",
            "1e-50",
            "1e-46",
            "4.9e-324",
            "1.0000000596046448",
            "0.10000000000000000555111512312578270211815834045410156250001",
            "16777217",
            "1E5",
            "2.5e+3",
            "1e400",
            "\"1.5\"",
            "true",
            "[1]",
            "{}",
            "null"
        };
        for (String n : numbers) {
            out.put("numeric leaf = " + n, replaced("/lowlevel/spectral_centroid", "median", n));
            out.put("matrix element = " + n, element("/lowlevel/mfcc/cov/3", 12, n));
            out.put("category = " + n, replaced("/tonal", "key_key", n));
        }
        for (String k : new String[] {"\"Bb\"", "\"A#\"", "\"H\"", "\"\"", "\"major\""}) {
            out.put("key = " + k, replaced("/tonal", "key_key", k));
            out.put("scale = " + k, replaced("/tonal", "key_scale", k));
        }
        out.put("section null", replacedTop("rhythm", "null"));
        out.put("section array", replacedTop("rhythm", "[]"));
        out.put("section number", replacedTop("tonal", "1"));
        out.put("container null", replaced("/lowlevel", "mfcc", "null"));
        out.put("container number", replaced("/lowlevel", "mfcc", "4"));
        out.put("container array", replaced("/lowlevel/mfcc", "cov", "[[1,2],[3]]"));
        out.put("container object instead of array", replaced("/lowlevel/mfcc", "cov", "{\"3\": [1, 2, 3]}"));
        out.put("matrix row null", element("/lowlevel/mfcc/cov", 3, "null"));
        out.put("matrix row longer", element("/lowlevel/mfcc/cov", 3, "[" + "1.5,".repeat(40) + "2]"));
        out.put("matrix row of objects", element("/lowlevel/mfcc/cov", 3, "[{\"a\": 1}, [2], \"x\"]"));
        out.put("section missing", without(real, "tonal"));
        out.put("extra top-level values", "{\"x\": [1, {\"y\": null}], \"metadata2\": 1e999999, " + real.substring(1));
        String lowlevel = real.substring(real.indexOf("\"lowlevel\""));
        out.put("section given twice", "{\"lowlevel\": {\"average_loudness\": 0.5}, " + real.substring(1));
        out.put("leaf given twice", real.replace("\"spectral_centroid\":{", "\"spectral_centroid\":{\"median\":1.25,"));
        out.put(
                "leaf given twice, null first",
                real.replace("\"spectral_centroid\":{", "\"spectral_centroid\":{\"median\":null,"));
        for (String last : new String[] {"null", "2.5", "\"x\"", "{}"}) {
            out.put("leaf given twice, last " + last, duplicated("/lowlevel/spectral_centroid", "median", last));
            out.put("container given twice, last " + last, duplicated("/lowlevel", "mfcc", last));
            out.put("category given twice, last " + last, duplicated("/tonal", "key_key", last));
        }
        out.put("section given twice, last empty", duplicated("", "rhythm", "{}"));
        out.put("unknown key given twice", real.replace("{\"lowlevel\"", "{\"zz\":1,\"zz\":2,\"lowlevel\""));
        out.put("trailing garbage", real + " }]x");
        out.put("two documents", real + real);
        out.put("NaN token", real.replace("\"spectral_centroid\":{", "\"spectral_centroid\":{\"zz\":NaN,"));
        out.put("top-level array", "[" + real + "]");
        out.put("top-level string", "\"lowlevel\"");
        out.put("empty", "");
        out.put("whitespace", "  \n ");
        out.put("lowlevel only", "{" + lowlevel);
        for (int cut : new int[] {1, 10, real.length() / 3, real.length() / 2, real.length() - 1}) {
            out.put("truncated at " + cut, real.substring(0, cut));
        }
        return out;
    }

    /** The real document with {@code key} of the object at {@code pointer} set to raw JSON {@code raw}. */
    private static String replaced(String pointer, String key, String raw) {
        ObjectNode doc = FlattenerRulesTest.realDoc();
        FlattenerRulesTest.obj(doc, pointer).put(key, "@@RAW@@");
        return doc.toString().replace("\"@@RAW@@\"", raw);
    }

    /** The real document with {@code key} given again, last in the object at {@code pointer}, as raw {@code raw}. */
    private static String duplicated(String pointer, String key, String raw) {
        ObjectNode doc = FlattenerRulesTest.realDoc();
        (pointer.isEmpty() ? doc : FlattenerRulesTest.obj(doc, pointer)).put("@@DUP@@", "@@RAW@@");
        return doc.toString().replace("\"@@DUP@@\":\"@@RAW@@\"", "\"" + key + "\":" + raw);
    }

    private static String replacedTop(String key, String raw) {
        ObjectNode doc = FlattenerRulesTest.realDoc();
        doc.put(key, "@@RAW@@");
        return doc.toString().replace("\"@@RAW@@\"", raw);
    }

    private static String element(String pointer, int index, String raw) {
        ObjectNode doc = FlattenerRulesTest.realDoc();
        ((ArrayNode) doc.at(pointer)).set(index, "@@RAW@@");
        return doc.toString().replace("\"@@RAW@@\"", raw);
    }

    private static String without(String json, String section) {
        ObjectNode doc = (ObjectNode) SharedData.tree(json.getBytes(StandardCharsets.UTF_8));
        doc.remove(section);
        return doc.toString();
    }

    /** A vector or an error message: what a flatten call gave. */
    private record Outcome(float[] vector, String error) {
        static Outcome of(java.util.function.Supplier<float[]> call) {
            try {
                return new Outcome(call.get(), null);
            } catch (FeatureException e) {
                return new Outcome(null, e.getMessage());
            }
        }

        static List<Integer> bits(float[] v) {
            List<Integer> out = new ArrayList<>(v.length);
            for (float x : v) {
                out.add(Float.floatToRawIntBits(x));
            }
            return out;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Outcome other
                    && java.util.Objects.equals(error, other.error)
                    && (vector == null
                            ? other.vector == null
                            : other.vector != null && bits(vector).equals(bits(other.vector)));
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hashCode(error);
        }

        @Override
        public String toString() {
            return error != null ? "error: " + error : "vector of " + vector.length;
        }
    }
}
