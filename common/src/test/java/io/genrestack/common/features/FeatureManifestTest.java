package io.genrestack.common.features;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureManifestTest {

    @Test
    void presetsAndDefault() {
        FeatureManifest full = FeatureManifest.forPreset("full");
        FeatureManifest paper = FeatureManifest.forPreset("paper");
        assertEquals("paper", FeatureManifest.DEFAULT_PRESET);
        assertEquals(
                2669, FeatureManifest.forPreset(FeatureManifest.DEFAULT_PRESET).size());
        assertEquals(2675, full.size());
        assertEquals("1", full.version());
        assertEquals(
                2647,
                full.columns().stream()
                        .filter(c -> c.kind() == FeatureColumn.Kind.NUMERIC)
                        .count());
        assertEquals(
                28,
                full.columns().stream()
                        .filter(c -> c.kind() == FeatureColumn.Kind.ONE_HOT)
                        .count());
        Set<String> dropped = full.columns().stream().map(FeatureColumn::name).collect(Collectors.toSet());
        paper.columns().forEach(c -> dropped.remove(c.name()));
        assertEquals(
                Set.of(
                        "rhythm.bpm_histogram_first_peak_bpm.var", "rhythm.bpm_histogram_first_peak_spread.var",
                        "rhythm.bpm_histogram_first_peak_weight.var", "rhythm.bpm_histogram_second_peak_bpm.var",
                        "rhythm.bpm_histogram_second_peak_spread.var", "rhythm.bpm_histogram_second_peak_weight.var"),
                dropped);
        // paper keeps full's relative order
        List<String> fullMinus = full.columns().stream()
                .map(FeatureColumn::name)
                .filter(n -> !dropped.contains(n))
                .toList();
        assertEquals(
                fullMinus, paper.columns().stream().map(FeatureColumn::name).toList());
        assertThrows(IllegalArgumentException.class, () -> FeatureManifest.forPreset("nope"));
    }

    @Test
    void paperDropsOnlyColumnsThatAreZeroInEveryRealFile() {
        FeatureManifest full = FeatureManifest.forPreset("full");
        Flattener f = new Flattener(full);
        for (byte[] doc : SharedData.allDocuments().values()) {
            float[] v = f.flatten(doc);
            for (String n : FeatureManifest.PRESET_EXCLUSIONS.get("paper")) {
                assertEquals(0f, v[full.indexOf(n)], 0f, n);
            }
        }
    }

    /**
     * The third 2669-wide preset (docs/features.md, "Presets"): {@code full} without the 6
     * {@code rhythm.beats_loudness_band_ratio.median} values, keeping the bpm-histogram variances and
     * {@code rhythm.beats_loudness.median}; on every real file its vector is the full vector without those 6.
     */
    @Test
    void commonLayoutDropsTheSixBandRatioMediansOnRealFiles() {
        FeatureManifest full = FeatureManifest.forPreset("full");
        FeatureManifest common = FeatureManifest.forPreset(FeatureManifest.PRESET_COMMON_LAYOUT);
        assertEquals("common-layout", common.preset());
        assertEquals(2669, common.size());
        assertEquals(List.of("paper", "full", "common-layout"), FeatureManifest.PRESETS);
        List<String> names = common.columns().stream().map(FeatureColumn::name).toList();
        assertTrue(
                names.stream().noneMatch(n -> n.startsWith("rhythm.beats_loudness_band_ratio.median")),
                "no band-ratio median");
        for (String n : FeatureManifest.PRESET_EXCLUSIONS.get("paper")) {
            assertTrue(common.indexOf(n) >= 0, "keeps " + n);
        }
        assertTrue(common.indexOf("rhythm.beats_loudness.median") >= 0, "keeps beats_loudness.median");
        for (String stat : List.of("mean", "var", "min", "max", "dmean", "dmean2", "dvar", "dvar2")) {
            for (int i = 0; i < 6; i++) {
                assertTrue(common.indexOf("rhythm.beats_loudness_band_ratio." + stat + "." + i) >= 0, stat + i);
            }
        }
        List<Integer> droppedAt = new java.util.ArrayList<>();
        for (int i = 0; i < full.size(); i++) {
            if (common.indexOf(full.columns().get(i).name()) < 0) {
                droppedAt.add(i);
            }
        }
        assertEquals(6, droppedAt.size());
        Flattener fullF = new Flattener(full);
        Flattener commonF = new Flattener(common);
        int files = 0;
        for (var doc : SharedData.allDocuments().entrySet()) {
            float[] v = fullF.flatten(doc.getValue());
            float[] c = commonF.flatten(doc.getValue());
            com.fasterxml.jackson.databind.JsonNode medians =
                    SharedData.tree(doc.getValue()).at("/rhythm/beats_loudness_band_ratio/median");
            assertEquals(6, medians.size(), doc.getKey() + ": the file has the 6 medians");
            for (int k = 0; k < 6; k++) {
                FeatureColumn dropped = full.columns().get(droppedAt.get(k));
                assertEquals("/rhythm/beats_loudness_band_ratio/median/" + k, dropped.jsonPath());
                assertEquals((float) medians.get(k).asDouble(), v[droppedAt.get(k)], 0f, doc.getKey());
            }
            int j = 0;
            for (int i = 0; i < full.size(); i++) {
                if (!droppedAt.contains(i)) {
                    assertEquals(
                            v[i],
                            c[j++],
                            0f,
                            doc.getKey() + " " + full.columns().get(i).name());
                }
            }
            assertEquals(c.length, j);
            files++;
        }
        assertTrue(files >= 17, "every real file: " + files);
    }

    @Test
    void columnsAndIndexOf() {
        FeatureManifest full = FeatureManifest.forPreset("full");
        int i = full.indexOf("lowlevel.mfcc.cov.3.10");
        FeatureColumn c = full.columns().get(i);
        assertEquals("/lowlevel/mfcc/cov/3/10", c.jsonPath());
        assertEquals(FeatureColumn.Kind.NUMERIC, c.kind());
        assertNull(c.category());
        FeatureColumn k = full.columns().get(full.indexOf("tonal.key_key=C#"));
        assertEquals("/tonal/key_key", k.jsonPath());
        assertEquals(FeatureColumn.Kind.ONE_HOT, k.kind());
        assertEquals("C#", k.category());
        assertEquals(-1, full.indexOf("lowlevel.nothing"));
        assertEquals(0, full.indexOf("lowlevel.average_loudness"));
    }

    @Test
    void extraExclusionsByPrefixAndGlob() {
        FeatureManifest paper = FeatureManifest.forPreset("paper");
        FeatureManifest noMfcc = FeatureManifest.forPreset("paper", List.of("lowlevel.mfcc"));
        assertEquals(2669 - 351, noMfcc.size());
        assertTrue(noMfcc.indexOf("lowlevel.mfcc.mean.0") < 0);
        assertEquals("paper", noMfcc.preset());

        FeatureManifest noKey = FeatureManifest.forPreset("full", List.of("tonal.key_key"));
        assertEquals(2675 - 12, noKey.size());
        assertTrue(noKey.indexOf("tonal.key_strength") >= 0, "prefix is segment-aware");

        long dvar2 = paper.columns().stream()
                .filter(c -> c.name().contains(".dvar2"))
                .count();
        assertTrue(dvar2 > 0);
        FeatureManifest noDvar2 = FeatureManifest.forPreset("paper", List.of("*.dvar2*"));
        assertEquals(2669 - dvar2, noDvar2.size());

        FeatureManifest oneCol = FeatureManifest.forPreset("full", List.of("lowlevel.spectral_centroid.m??n"));
        assertEquals(2675 - 1, oneCol.size());

        assertThrows(
                IllegalArgumentException.class, () -> FeatureManifest.forPreset("paper", List.of("lowlevel.mfccc")));
        assertThrows(IllegalArgumentException.class, () -> FeatureManifest.forPreset("paper", List.of(" ")));
    }

    @Test
    void jsonRoundTrip() throws Exception {
        for (FeatureManifest m : List.of(
                FeatureManifest.forPreset("paper"),
                FeatureManifest.forPreset("common-layout"),
                FeatureManifest.forPreset("full"),
                FeatureManifest.forPreset("full", List.of("lowlevel.gfcc", "tonal.chords_*")))) {
            String json = SharedData.MAPPER.writeValueAsString(m);
            FeatureManifest back = SharedData.MAPPER.readValue(json, FeatureManifest.class);
            assertEquals(m, back);
            assertEquals(m.size(), back.size());
            assertTrue(
                    json.contains("\"name\":\"tonal.key_key=C#\"") || m.indexOf("tonal.key_key=C#") < 0,
                    json.substring(0, 200));
            assertTrue(json.startsWith("{\"version\":\"1\",\"preset\":"), json.substring(0, 80));
        }
    }
}
