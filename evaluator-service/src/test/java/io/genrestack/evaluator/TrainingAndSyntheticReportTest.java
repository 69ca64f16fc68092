package io.genrestack.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.TrainingCurve;
import io.genrestack.common.serde.Json;
import io.genrestack.testkit.TrainingFigures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report's training curves and its synthetic-data note, without Kafka or storage (the hand-worked lastfm example
 * of {@link ReportBuilderTest}). The provenance JSON here is in both real spellings (the trainer's
 * {@code validationLoss}, the stacker's {@code valLoss}); the end-to-end check against provenance written by real
 * DJL training is {@code EndToEndTest} (cli).
 */
class TrainingAndSyntheticReportTest {

    /** A provenance-shaped JSON object of {@code epochs} epochs, restored at {@code best}, in a format's spelling. */
    static ObjectNode provenance(boolean stackerSpelling, int epochs, int best, long seed) {
        Random r = new Random(seed);
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("bestEpoch", best);
        p.put("source", "lastfm");
        ArrayNode h = p.putArray("history");
        double loss = 0.3 + r.nextDouble();
        for (int e = 1; e <= epochs; e++) {
            ObjectNode n = h.addObject();
            n.put("epoch", e);
            n.put("trainLoss", loss * (1 - 0.05 * e) + 0.01 * r.nextDouble());
            n.put(stackerSpelling ? "valLoss" : "validationLoss", loss * (1 - 0.03 * e) + 0.02 * r.nextDouble());
            if (e == 2 && !stackerSpelling) {
                n.put("validationMacroAuc", Double.NaN); // an undefined AUC: written by Jackson as "NaN"
            } else {
                n.put(stackerSpelling ? "valMacroAuc" : "validationMacroAuc", 0.55 + 0.4 * r.nextDouble());
            }
            n.put("seconds", 0.5);
        }
        return p;
    }

    static TrainingCurve read(JsonNode provenance) throws Exception {
        return Json.read(Json.MAPPER.writeValueAsBytes(provenance), TrainingCurve.class);
    }

    static ReportBuilder.Built build(RunConfig config, Map<String, Map<String, TrainingCurve>> training) {
        SourceEvaluation e = SourceEvaluation.evaluate(
                SourcePredictions.of("lastfm", ReportBuilderTest.LABELS, ReportBuilderTest.records()),
                Map.of(),
                new SourceEvaluation.Options(2, 300, 1000, 200, 42));
        return ReportBuilder.build(
                ReportBuilderTest.RUN,
                Instant.parse("2026-01-02T03:04:05Z"),
                8,
                List.of(e),
                List.of(),
                Map.of(),
                config,
                training);
    }

    @Test
    void curvesOfBothModelsWithTheRestoredEpochFromTheirProvenance() throws Exception {
        ObjectNode base = provenance(false, 9, 6, 1);
        ObjectNode stacked = provenance(true, 14, 10, 2);
        TrainingCurve baseCurve = read(base);
        TrainingCurve stackedCurve = read(stacked);
        assertEquals(9, baseCurve.history().size());
        assertNull(baseCurve.history().get(1).validationMacroAuc(), "NaN read as undefined");
        assertEquals(
                stacked.at("/history/3/valLoss").asDouble(),
                stackedCurve.history().get(3).validationLoss(),
                0,
                "the stacker's spelling");
        ReportBuilder.Built b = build(
                RunConfig.defaults(List.of(), List.of()),
                Map.of("lastfm", Map.of("base", baseCurve, "stacked", stackedCurve)));
        String html = b.files().get(ReportBuilder.HTML).text();
        TrainingFigures.assertMatches(html, "curves-lastfm-base", base);
        TrainingFigures.assertMatches(html, "curves-lastfm-stacked", stacked);
        ReportBuilderTest.parse(TrainingSvg.render("x", "t & <u>", baseCurve)); // well-formed, escaped

        JsonNode json = Json.MAPPER.readTree(b.files().get(ReportBuilder.JSON).bytes());
        assertEquals(10, json.at("/training/lastfm/stacked/bestEpoch").asInt());
        assertEquals(14, json.at("/training/lastfm/stacked/history").size());
        assertTrue(json.at("/training/lastfm/base/history/1/validationMacroAuc").isNull(), "null, never NaN");
        String md = b.files().get(ReportBuilder.MARKDOWN).text();
        assertTrue(md.contains("| stacked | 14 | 10 | "), md);
        assertTrue(md.contains("| base | 9 | 6 | "), md);
    }

    @Test
    void aModelWithoutHistorySaysSo() throws Exception {
        ReportBuilder.Built b = build(null, Map.of());
        String html = b.files().get(ReportBuilder.HTML).text();
        assertTrue(html.contains("id=\"curves-lastfm-base\""), "figure present");
        assertTrue(html.contains("no training history in the model's provenance"), html);
        assertFalse(html.contains("class=\"restored\""), "no marker without history");
        String outside = TrainingSvg.render("x", "t", read(provenance(false, 4, 9, 3)));
        assertFalse(outside.contains("class=\"restored\""), "a restored epoch outside the history is not drawn");
        assertTrue(outside.contains("restored: epoch 9 of 4 (not in the history)"), outside);
        assertEquals(3, count(outside, "<polyline"), "the curves are still drawn");
    }

    @Test
    void aSyntheticRunIsNotSetAgainstThePaper() {
        RunConfig real = RunConfig.defaults(List.of(), List.of());
        String html = build(real, Map.of()).files().get(ReportBuilder.HTML).text();
        String md = build(real, Map.of()).files().get(ReportBuilder.MARKDOWN).text();
        // real data: "this run − paper" computed (stacked 1.0 − paper 0.9064, base 0.5556 − 0.8276)
        assertTrue(html.contains(">+0.0936</td>"), html);
        assertTrue(html.contains(">-0.2720</td>"), html);
        assertTrue(md.contains("| +0.0936 |"), md);
        assertFalse(html.contains(Text.NOT_COMPARABLE), html);
        assertFalse(html.contains("id=\"synthetic\""));
        assertFalse(md.contains("Synthetic data"));

        RunConfig synthetic = real.withSynthetic(true);
        ReportBuilder.Built s = build(synthetic, Map.of());
        html = s.files().get(ReportBuilder.HTML).text();
        md = s.files().get(ReportBuilder.MARKDOWN).text();
        assertTrue(html.contains("<p class=\"synthetic\" id=\"synthetic\"><b>Synthetic data.</b>"), html);
        assertTrue(html.contains("paper (macro; " + Text.NOT_COMPARABLE + ")"), "summary header");
        assertFalse(html.contains(">+0.0936</td>"), "no difference to the paper: " + html);
        assertFalse(html.contains(">-0.2720</td>"), html);
        assertEquals(2, count(html, "<td class=\"not-comparable\">" + Text.NOT_COMPARABLE + "</td>"), html);
        assertTrue(html.contains(">0.8276</td>"), "the paper's number itself is still shown");
        assertTrue(md.contains("> **Synthetic data.**"), md);
        assertFalse(md.contains("| +0.0936 |"), md);
        assertEquals(2, count(md, "| " + Text.NOT_COMPARABLE + " |"), md);
        assertTrue(s.report().synthetic());
        assertTrue(Json.MAPPER.valueToTree(s.report()).at("/config/synthetic").asBoolean());
    }

    static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
