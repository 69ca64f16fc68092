package io.genrestack.common.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flattening every real low-level file under shared/data. */
class FlattenerRealFilesTest {

    static final FeatureManifest PAPER = FeatureManifest.forPreset("paper");
    static final FeatureManifest FULL = FeatureManifest.forPreset("full");
    static final Flattener PAPER_F = new Flattener(PAPER);
    static final Flattener FULL_F = new Flattener(FULL);

    /** Pointers read independently with JsonNode.at(), with their hand-written flat names. */
    static final List<String[]> KNOWN = List.of(
            new String[] {"/lowlevel/average_loudness", "lowlevel.average_loudness"},
            new String[] {"/lowlevel/mfcc/cov/3/10", "lowlevel.mfcc.cov.3.10"},
            new String[] {"/lowlevel/gfcc/icov/12/0", "lowlevel.gfcc.icov.12.0"},
            new String[] {"/lowlevel/barkbands/dvar2/26", "lowlevel.barkbands.dvar2.26"},
            new String[] {"/lowlevel/spectral_centroid/median", "lowlevel.spectral_centroid.median"},
            new String[] {"/rhythm/beats_count", "rhythm.beats_count"},
            new String[] {"/rhythm/bpm", "rhythm.bpm"},
            new String[] {"/rhythm/beats_loudness_band_ratio/mean/5", "rhythm.beats_loudness_band_ratio.mean.5"},
            new String[] {"/rhythm/bpm_histogram_second_peak_weight/max", "rhythm.bpm_histogram_second_peak_weight.max"
            },
            new String[] {"/tonal/hpcp/var/35", "tonal.hpcp.var.35"},
            new String[] {"/tonal/thpcp/0", "tonal.thpcp.0"},
            new String[] {"/tonal/chords_histogram/23", "tonal.chords_histogram.23"},
            new String[] {"/tonal/tuning_frequency", "tonal.tuning_frequency"});

    @Test
    void everyRealFileFlattensToPaperAndFullSizesWithoutMissingValues() {
        assertEquals(2669, PAPER.size());
        assertEquals(2675, FULL.size());
        Map<String, byte[]> docs = SharedData.allDocuments();
        assertEquals(10, SharedData.lowlevel().size());
        assertEquals(5, SharedData.edge().size());
        assertEquals(17, docs.size(), docs.keySet().toString());
        for (Map.Entry<String, byte[]> e : docs.entrySet()) {
            float[] p = PAPER_F.flatten(e.getValue());
            float[] f = FULL_F.flatten(e.getValue());
            assertEquals(2669, p.length, e.getKey());
            assertEquals(2675, f.length, e.getKey());
            for (int i = 0; i < f.length; i++) {
                assertTrue(
                        Float.isFinite(f[i]),
                        e.getKey() + " " + FULL.columns().get(i).name());
            }
            // paper is full minus 6 columns, value for value
            for (int i = 0; i < p.length; i++) {
                assertEquals(f[FULL.indexOf(PAPER.columns().get(i).name())], p[i], 0f);
            }
            // byte[] and JsonNode entry points agree
            assertArrayEquals(f, FULL_F.flatten(SharedData.tree(e.getValue())), e.getKey());
        }
    }

    @Test
    void knownPathsEqualTheJson() {
        for (Map.Entry<String, byte[]> e : SharedData.allDocuments().entrySet()) {
            JsonNode doc = SharedData.tree(e.getValue());
            float[] v = PAPER_F.flatten(e.getValue());
            for (String[] k : KNOWN) {
                JsonNode leaf = doc.at(k[0]);
                assertTrue(leaf.isNumber(), e.getKey() + " " + k[0]);
                int idx = PAPER.indexOf(k[1]);
                assertTrue(idx >= 0, k[1]);
                assertEquals(k[0], PAPER.columns().get(idx).jsonPath());
                assertEquals((float) leaf.doubleValue(), v[idx], 0f, e.getKey() + " " + k[0]);
            }
            // and every numeric column against at() of its own pointer
            float[] f = FULL_F.flatten(doc);
            for (int i = 0; i < FULL.size(); i++) {
                FeatureColumn c = FULL.columns().get(i);
                if (c.kind() == FeatureColumn.Kind.NUMERIC) {
                    assertEquals((float) doc.at(c.jsonPath()).doubleValue(), f[i], 0f, e.getKey() + " " + c.name());
                }
            }
        }
    }

    @Test
    void oneHotBlocksMarkTheFilesKeyStrings() {
        for (Map.Entry<String, byte[]> e : SharedData.allDocuments().entrySet()) {
            JsonNode doc = SharedData.tree(e.getValue());
            float[] v = FULL_F.flatten(doc);
            for (String field : List.of("key_key", "key_scale", "chords_key", "chords_scale")) {
                String value = doc.at("/tonal/" + field).textValue();
                int hot = FULL.indexOf("tonal." + field + "=" + value);
                assertTrue(hot >= 0, e.getKey() + " tonal." + field + "=" + value);
                int ones = 0;
                int blockSize = 0;
                for (int i = 0; i < FULL.size(); i++) {
                    if (FULL.columns().get(i).name().startsWith("tonal." + field + "=")) {
                        blockSize++;
                        assertEquals(
                                i == hot ? 1f : 0f,
                                v[i],
                                0f,
                                e.getKey() + " " + FULL.columns().get(i).name());
                        ones += (int) v[i];
                    }
                }
                assertEquals(field.endsWith("key") ? 12 : 2, blockSize);
                assertEquals(1, ones);
            }
        }
    }

    @Test
    void layoutFollowsFeaturesMdPositionsAndSortedOrder() {
        // 0-based positions of the one-hot blocks in the full layout, from shared/data/FEATURES.md
        assertEquals("tonal.chords_key=A", FULL.columns().get(2263).name());
        assertEquals("tonal.chords_key=G#", FULL.columns().get(2274).name());
        assertEquals("tonal.chords_scale=major", FULL.columns().get(2276).name());
        assertEquals("tonal.chords_scale=minor", FULL.columns().get(2277).name());
        assertEquals("tonal.key_key=A", FULL.columns().get(2620).name());
        assertEquals("tonal.key_key=G#", FULL.columns().get(2631).name());
        assertEquals("tonal.key_scale=major", FULL.columns().get(2632).name());
        assertEquals("tonal.key_scale=minor", FULL.columns().get(2633).name());
        // x.10 sorts before x.2
        assertTrue(FULL.indexOf("lowlevel.barkbands.dmean.10") < FULL.indexOf("lowlevel.barkbands.dmean.2"));
        // base names (one-hot blocks at their string's position) are in plain string order
        List<String> bases = new ArrayList<>();
        for (FeatureColumn c : FULL.columns()) {
            String base = c.kind() == FeatureColumn.Kind.ONE_HOT
                    ? c.name().substring(0, c.name().indexOf('='))
                    : c.name();
            if (bases.isEmpty() || !bases.get(bases.size() - 1).equals(base)) {
                bases.add(base);
            }
        }
        assertEquals(2651, bases.size());
        List<String> sorted = new ArrayList<>(bases);
        Collections.sort(sorted);
        assertEquals(sorted, bases);
    }

    @Test
    void documentKeyOrderDoesNotMatter() {
        for (Map.Entry<String, byte[]> e : SharedData.allDocuments().entrySet()) {
            JsonNode doc = SharedData.tree(e.getValue());
            JsonNode reversed = reverseKeys(doc);
            assertNotEquals(
                    doc.properties().iterator().next().getKey(),
                    reversed.properties().iterator().next().getKey(),
                    "key order really changed");
            assertArrayEquals(FULL_F.flatten(doc), FULL_F.flatten(reversed), e.getKey());
        }
    }

    @Test
    void highlevelAndMetadataAreIgnored() {
        byte[] bytes = SharedData.bytes(
                SharedData.dir().resolve("acousticbrainz/lowlevel-edge/cd3f5efa-bc5e-4064-a765-960494ad4bb4.json"));
        ObjectNode doc = (ObjectNode) SharedData.tree(bytes);
        assertTrue(doc.has("highlevel"));
        float[] withAll = FULL_F.flatten(doc);
        ObjectNode stripped = doc.deepCopy();
        stripped.remove("highlevel");
        stripped.remove("metadata");
        assertArrayEquals(withAll, FULL_F.flatten(stripped));
        assertEquals(2669, PAPER_F.flatten(bytes).length);
    }

    private static JsonNode reverseKeys(JsonNode n) {
        if (n.isObject()) {
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(n.properties());
            Collections.reverse(entries);
            ObjectNode o = SharedData.MAPPER.createObjectNode();
            for (Map.Entry<String, JsonNode> en : entries) {
                o.set(en.getKey(), reverseKeys(en.getValue()));
            }
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = SharedData.MAPPER.createArrayNode();
            n.forEach(x -> a.add(reverseKeys(x)));
            return a;
        }
        return n;
    }
}
