package io.genrestack.common.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureDumpTest {

    @Test
    void toJsonListsColumnsInOrderWithNaNAsNull() throws Exception {
        FeatureManifest m = FeatureManifest.forPreset("paper");
        ObjectNode doc = (ObjectNode) SharedData.tree(SharedData.lowlevel().get(0));
        ((ObjectNode) doc.get("rhythm")).remove("bpm");
        float[] v = new Flattener(m).flatten(doc);
        JsonNode out = SharedData.MAPPER.readTree(FeatureDump.toJson(m, v));
        assertEquals("paper", out.get("preset").asText());
        assertEquals(2669, out.get("size").asInt());
        List<String> names = new ArrayList<>();
        out.get("features").fieldNames().forEachRemaining(names::add);
        assertEquals(m.columns().stream().map(FeatureColumn::name).toList(), names);
        assertTrue(out.at("/features/rhythm.bpm").isNull());
        int i = m.indexOf("lowlevel.mfcc.cov.3.10");
        assertEquals(v[i], out.get("features").get("lowlevel.mfcc.cov.3.10").floatValue(), 0f);
    }

    @Test
    void mainPrintsAFilesVector() throws Exception {
        Path file = SharedData.edge().get(0);
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            FeatureDump.main(new String[] {file.toString(), "--preset", "full"});
        } finally {
            System.setOut(old);
        }
        JsonNode out = SharedData.MAPPER.readTree(buf.toString(StandardCharsets.UTF_8));
        assertEquals("full", out.get("preset").asText());
        assertEquals(2675, out.get("size").asInt());
        assertEquals(2675, out.get("features").size());
        JsonNode doc = SharedData.tree(file);
        assertEquals(
                (float) doc.at("/tonal/tuning_frequency").doubleValue(),
                out.get("features").get("tonal.tuning_frequency").floatValue(),
                0f);
    }
}
