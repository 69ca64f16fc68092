package io.genrestack.common.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The missing-value, type and vocabulary rules, on modified copies of a real document. */
class FlattenerRulesTest {

    static final FeatureManifest FULL = FeatureManifest.forPreset("full");
    static final Flattener F = new Flattener(FULL);

    static ObjectNode realDoc() {
        return (ObjectNode) SharedData.tree(
                SharedData.dir().resolve("acousticbrainz/lowlevel/0dad432b-16cc-4bf0-8961-fd31d124b01b.json"));
    }

    static ObjectNode obj(JsonNode doc, String pointer) {
        return (ObjectNode) doc.at(pointer);
    }

    @Test
    void flatKeysMapToSharps() {
        ObjectNode doc = realDoc();
        obj(doc, "/tonal").put("key_key", "Bb");
        obj(doc, "/tonal").put("chords_key", "Eb");
        float[] v = F.flatten(doc);
        assertEquals(1f, v[FULL.indexOf("tonal.key_key=A#")]);
        assertEquals(0f, v[FULL.indexOf("tonal.key_key=B")]);
        assertEquals(1f, v[FULL.indexOf("tonal.chords_key=D#")]);
        for (String[] fs : new String[][] {{"Ab", "G#"}, {"Db", "C#"}, {"Gb", "F#"}}) {
            obj(doc, "/tonal").put("key_key", fs[0]);
            assertEquals(1f, F.flatten(doc)[FULL.indexOf("tonal.key_key=" + fs[1])], fs[0]);
        }
    }

    @Test
    void missingLeafIsNaNAtExactlyThatIndex() {
        ObjectNode doc = realDoc();
        float[] before = F.flatten(doc);
        obj(doc, "/lowlevel/spectral_centroid").remove("median");
        ((ArrayNode) doc.at("/lowlevel/mfcc/cov/3")).remove(12); // last element of a matrix row
        float[] after = F.flatten(doc);
        int median = FULL.indexOf("lowlevel.spectral_centroid.median");
        int c12 = FULL.indexOf("lowlevel.mfcc.cov.3.12");
        assertTrue(median >= 0 && c12 >= 0);
        for (int i = 0; i < after.length; i++) {
            if (i == median || i == c12) {
                assertTrue(Float.isNaN(after[i]), FULL.columns().get(i).name());
            } else {
                assertEquals(before[i], after[i], 0f, FULL.columns().get(i).name());
            }
        }
    }

    @Test
    void nullLeafAndMissingSubtreeAreNaN() {
        ObjectNode doc = realDoc();
        obj(doc, "/rhythm").putNull("bpm");
        obj(doc, "/lowlevel").remove("gfcc");
        float[] v = F.flatten(doc);
        assertTrue(Float.isNaN(v[FULL.indexOf("rhythm.bpm")]));
        long nan = 0;
        for (int i = 0; i < v.length; i++) {
            if (Float.isNaN(v[i])) {
                nan++;
                String n = FULL.columns().get(i).name();
                assertTrue(n.equals("rhythm.bpm") || n.startsWith("lowlevel.gfcc."), n);
            }
        }
        assertEquals(1 + 13 + 169 + 169, nan);
    }

    @Test
    void missingKeyStringMakesItsWholeBlockNaN() {
        ObjectNode doc = realDoc();
        obj(doc, "/tonal").remove("key_key");
        float[] v = F.flatten(doc);
        for (int i = 0; i < v.length; i++) {
            boolean inBlock = FULL.columns().get(i).name().startsWith("tonal.key_key=");
            assertEquals(inBlock, Float.isNaN(v[i]), FULL.columns().get(i).name());
        }
    }

    @Test
    void missingOrNonObjectSectionThrows() {
        for (String section : new String[] {"lowlevel", "rhythm", "tonal"}) {
            ObjectNode doc = realDoc();
            doc.remove(section);
            FeatureException e = assertThrows(FeatureException.class, () -> F.flatten(doc));
            assertEquals("/" + section, e.path());
            assertTrue(e.reason().contains(section), e.reason());
            ObjectNode doc2 = realDoc();
            doc2.put(section, 3);
            assertThrows(FeatureException.class, () -> F.flatten(doc2));
        }
        assertThrows(FeatureException.class, () -> F.flatten(SharedData.MAPPER.createArrayNode()));
    }

    @Test
    void wrongTypesThrowNamingThePath() {
        ObjectNode doc = realDoc();
        ((ArrayNode) doc.at("/lowlevel/mfcc/mean")).set(3, "1.5");
        FeatureException e = assertThrows(FeatureException.class, () -> F.flatten(doc));
        assertEquals("/lowlevel/mfcc/mean/3", e.path());
        assertTrue(e.reason().contains("/lowlevel/mfcc/mean/3") && e.reason().contains("string"), e.reason());

        ObjectNode bool = realDoc();
        obj(bool, "/rhythm").put("danceability", true);
        assertEquals(
                "/rhythm/danceability",
                assertThrows(FeatureException.class, () -> F.flatten(bool)).path());

        ObjectNode object = realDoc();
        obj(object, "/tonal").putObject("key_strength").put("mean", 1);
        assertEquals(
                "/tonal/key_strength",
                assertThrows(FeatureException.class, () -> F.flatten(object)).path());

        ObjectNode numberForKey = realDoc();
        obj(numberForKey, "/tonal").put("chords_scale", 1);
        assertEquals(
                "/tonal/chords_scale",
                assertThrows(FeatureException.class, () -> F.flatten(numberForKey))
                        .path());

        ObjectNode scalarForContainer = realDoc();
        obj(scalarForContainer, "/lowlevel").put("barkbands", 0.5);
        assertEquals(
                "/lowlevel/barkbands",
                assertThrows(FeatureException.class, () -> F.flatten(scalarForContainer))
                        .path());
    }

    @Test
    void unknownKeyOrScaleThrows() {
        ObjectNode doc = realDoc();
        obj(doc, "/tonal").put("key_key", "H");
        FeatureException e = assertThrows(FeatureException.class, () -> F.flatten(doc));
        assertEquals("/tonal/key_key", e.path());
        assertTrue(e.reason().contains("'H'"), e.reason());
        ObjectNode scale = realDoc();
        obj(scale, "/tonal").put("key_scale", "dorian");
        assertEquals(
                "/tonal/key_scale",
                assertThrows(FeatureException.class, () -> F.flatten(scale)).path());
    }

    @Test
    void nonFiniteAndOutOfRangeNumbersThrow() throws Exception {
        String json = SharedData.MAPPER.writeValueAsString(realDoc());
        String marker = "\"average_loudness\":";
        int at = json.indexOf(marker);
        assertTrue(at > 0);
        int end = at + marker.length();
        while (",}".indexOf(json.charAt(end)) < 0) {
            end++;
        }
        for (String bad : new String[] {"1e400", "-1e400", "1e39"}) {
            byte[] b = (json.substring(0, at + marker.length()) + bad + json.substring(end))
                    .getBytes(StandardCharsets.UTF_8);
            FeatureException e = assertThrows(FeatureException.class, () -> F.flatten(b), bad);
            assertEquals("/lowlevel/average_loudness", e.path(), bad);
        }
        // NaN / Infinity tokens are rejected by the default parser
        for (String bad : new String[] {"NaN", "Infinity"}) {
            byte[] b = (json.substring(0, at + marker.length()) + bad + json.substring(end))
                    .getBytes(StandardCharsets.UTF_8);
            FeatureException e = assertThrows(FeatureException.class, () -> F.flatten(b), bad);
            assertTrue(e.reason().contains("JSON"), e.reason());
        }
        assertThrows(FeatureException.class, () -> F.flatten("{not json".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void extraKeysAnywhereAreIgnoredAndIntsReadAsFloat() {
        ObjectNode doc = realDoc();
        float[] before = F.flatten(doc);
        doc.putObject("highlevel").put("genre", "rock");
        obj(doc, "/lowlevel").put("brand_new_descriptor", "text");
        obj(doc, "/lowlevel/mfcc").putArray("extra").add(true);
        ((ArrayNode) doc.at("/lowlevel/mfcc/mean")).add("a 14th coefficient");
        obj(doc, "/tonal").put("key_key_new", false);
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(F.flatten(doc)));

        obj(doc, "/rhythm").put("bpm", 120); // an int
        assertEquals(120f, F.flatten(doc)[FULL.indexOf("rhythm.bpm")]);
        assertTrue(doc.at("/rhythm/beats_count").isIntegralNumber());
        assertEquals(doc.at("/rhythm/beats_count").intValue(), (int) before[FULL.indexOf("rhythm.beats_count")]);
    }

    @Test
    void flattenersOfOtherManifestsReadOnlyTheirColumns() {
        FeatureManifest m = FeatureManifest.forPreset("full", java.util.List.of("lowlevel", "rhythm"));
        Flattener f = new Flattener(m);
        ObjectNode doc = realDoc();
        doc.remove("lowlevel"); // neither section is in the manifest any more
        doc.remove("rhythm");
        float[] v = f.flatten(doc);
        assertEquals(409 + 28, v.length);
        float[] full = F.flatten(realDoc());
        for (int i = 0; i < v.length; i++) {
            assertEquals(full[FULL.indexOf(m.columns().get(i).name())], v[i], 0f);
        }
        assertNotEquals(FULL, m);
    }
}
