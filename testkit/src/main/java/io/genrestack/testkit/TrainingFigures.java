package io.genrestack.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks a training-curve figure of a report page (the evaluator's {@code TrainingSvg}, {@code <svg id="curves-...">})
 * against the model's own {@code provenance.json}, read as plain JSON (either the trainer's spelling
 * {@code validationLoss}/{@code validationMacroAuc} or the stacker's {@code valLoss}/{@code valMacroAuc}): one
 * polyline per curve, with one point per epoch of the provenance's history that has the value, and the restored
 * epoch marker at the provenance's {@code bestEpoch}, at the x of that epoch's points.
 */
public final class TrainingFigures {
    private TrainingFigures() {}

    /** The curves of a figure by {@code data-curve}, with their field names in the two provenance spellings. */
    private static final Map<String, String[]> FIELDS = Map.of(
            "trainLoss", new String[] {"trainLoss", "trainLoss"},
            "validationLoss", new String[] {"validationLoss", "valLoss"},
            "validationMacroAuc", new String[] {"validationMacroAuc", "valMacroAuc"});

    /**
     * @param page the HTML page holding the figure
     * @param svgId the figure's id
     * @param provenance the model's provenance.json
     */
    public static void assertMatches(String page, String svgId, JsonNode provenance) throws Exception {
        Matcher m = Pattern.compile("<svg[^>]*id=\"" + Pattern.quote(svgId) + "\"[\\s\\S]*?</svg>")
                .matcher(page);
        assertTrue(m.find(), "figure " + svgId + " on the page");
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document svg =
                f.newDocumentBuilder().parse(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.UTF_8)));
        JsonNode history = provenance.get("history");
        assertNotNull(history, "history in the provenance");
        assertTrue(history.size() > 0, "the provenance has epochs");
        int best = provenance.get("bestEpoch").asInt();

        NodeList lines = svg.getElementsByTagNameNS("*", "polyline");
        Map<String, String[]> points = new HashMap<>();
        for (int i = 0; i < lines.getLength(); i++) {
            Element e = (Element) lines.item(i);
            String curve = e.getAttribute("data-curve");
            assertTrue(FIELDS.containsKey(curve), svgId + ": unexpected polyline " + curve);
            assertTrue(
                    points.put(curve, e.getAttribute("points").trim().split("\\s+")) == null,
                    svgId + ": one polyline per curve, " + curve + " twice");
        }
        assertEquals(FIELDS.keySet(), points.keySet(), svgId + ": the three curves");
        String bestX = null;
        for (Map.Entry<String, String[]> c : points.entrySet()) {
            String[] names = FIELDS.get(c.getKey());
            int expected = 0;
            Integer bestIndex = null;
            for (JsonNode epoch : history) {
                JsonNode v = epoch.has(names[0]) ? epoch.get(names[0]) : epoch.get(names[1]);
                if (v != null && v.isNumber() && Double.isFinite(v.asDouble())) {
                    if (epoch.get("epoch").asInt() == best) {
                        bestIndex = expected;
                    }
                    expected++;
                }
            }
            assertEquals(expected, c.getValue().length, svgId + " " + c.getKey() + ": points = epochs with a value");
            if (c.getKey().equals("validationLoss")) {
                assertNotNull(bestIndex, svgId + ": the restored epoch " + best + " is in the history");
                bestX = c.getValue()[bestIndex].split(",")[0];
            }
        }
        NodeList markers = svg.getElementsByTagNameNS("*", "line");
        Element restored = null;
        for (int i = 0; i < markers.getLength(); i++) {
            Element e = (Element) markers.item(i);
            if (e.getAttribute("class").equals("restored")) {
                assertTrue(restored == null, svgId + ": one restored-epoch marker");
                restored = e;
            }
        }
        assertNotNull(restored, svgId + ": restored-epoch marker");
        assertEquals(String.valueOf(best), restored.getAttribute("data-epoch"), svgId + ": restored epoch");
        assertEquals(bestX, restored.getAttribute("x1"), svgId + ": marker at the restored epoch's x");
        assertEquals(bestX, restored.getAttribute("x2"), svgId + ": marker vertical");
    }
}
