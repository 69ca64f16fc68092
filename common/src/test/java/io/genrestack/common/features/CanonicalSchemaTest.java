package io.genrestack.common.features;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CanonicalSchemaTest {

    @Test
    void shippedLayoutEqualsEveryRealFilesLayout() {
        List<CanonicalSchema.Leaf> shipped = CanonicalSchema.load();
        Map<String, byte[]> docs = SharedData.allDocuments();
        assertEquals(17, docs.size(), "10 shared + 5 edge + 2 archive JSONs: " + docs.keySet());
        for (Map.Entry<String, byte[]> e : docs.entrySet()) {
            assertEquals(shipped, CanonicalSchema.extract(SharedData.tree(e.getValue())), e.getKey());
        }
    }

    @Test
    void shippedLayoutHasTheDocumentedCounts() {
        List<CanonicalSchema.Leaf> shipped = CanonicalSchema.load();
        Map<String, Long> numericPerSection = shipped.stream()
                .filter(l -> l.type() == CanonicalSchema.LeafType.NUMBER)
                .collect(Collectors.groupingBy(
                        l -> l.name().substring(0, l.name().indexOf('.')), Collectors.counting()));
        assertEquals(Map.of("lowlevel", 2117L, "rhythm", 121L, "tonal", 409L), numericPerSection);
        List<String> strings = shipped.stream()
                .filter(l -> l.type() == CanonicalSchema.LeafType.STRING)
                .map(CanonicalSchema.Leaf::jsonPath)
                .toList();
        assertEquals(
                List.of("/tonal/chords_key", "/tonal/chords_scale", "/tonal/key_key", "/tonal/key_scale"), strings);
        List<String> names = shipped.stream().map(CanonicalSchema.Leaf::name).toList();
        assertEquals(names.stream().sorted().toList(), names, "plain string order of flat names");
        assertEquals(
                0,
                names.stream()
                        .filter(n -> n.startsWith("rhythm.beats_position"))
                        .count());
    }

    @Test
    void pointersAndFlatNames() {
        assertEquals("lowlevel.mfcc.cov.3.10", CanonicalSchema.flatName("/lowlevel/mfcc/cov/3/10"));
        assertEquals(List.of("a/b", "c~d"), CanonicalSchema.segments("/a~1b/c~0d"));
    }
}
