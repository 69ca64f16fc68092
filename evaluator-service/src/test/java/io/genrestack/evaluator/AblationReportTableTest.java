package io.genrestack.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.common.model.AblationReport;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrainingCurve;
import io.genrestack.common.serde.Json;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report's ablation table (issue 16) from an {@code ablations/<source>.json} as the stacker writes it (the
 * stacker's real training is checked by its {@code StackerStageTest}): read through GenreStack's mapper into the
 * report (the hand-worked lastfm example of {@link ReportBuilderTest}), one row per model in report.json, report.md
 * and report.html (well-formed, id {@code ablations-lastfm}); no table when the run asked for none, a note when it
 * asked but the file is missing.
 */
class AblationReportTableTest {
    static final List<String> ASKED = List.of("own", "leave-one-out", "allmusic+discogs");

    /** The stacker's file for lastfm, serialised and read back as the evaluator stage reads it. */
    static AblationReport stackerFile() throws Exception {
        List<TrainingCurve.Point> history = new ArrayList<>();
        for (int e = 1; e <= 5; e++) {
            history.add(new TrainingCurve.Point(e, 0.5 - 0.05 * e, 0.45 - 0.03 * e, 0.70 + 0.01 * e));
        }
        AblationReport.Model full = new AblationReport.Model(
                "full",
                List.of("allmusic", "discogs", "lastfm", "tagtraum"),
                1024,
                0.8735,
                6,
                null,
                null,
                null,
                null,
                List.of(),
                new AblationReport.Interval(0.85, 0.90),
                null,
                1000,
                null);
        List<AblationReport.Model> subsets = List.of(
                trained("own", List.of("lastfm"), 0.7291, -0.1444, -0.1925, -0.0990, 0.0, history),
                trained(
                        "without-allmusic",
                        List.of("discogs", "lastfm", "tagtraum"),
                        0.8229,
                        -0.0506,
                        -0.0817,
                        -0.0188,
                        0.001,
                        history),
                new AblationReport.Model(
                        "allmusic+discogs",
                        List.of("allmusic", "discogs"),
                        512,
                        null,
                        0,
                        null,
                        null,
                        null,
                        null,
                        List.of(),
                        null,
                        null,
                        null,
                        "the run has no base model of [allmusic]"));
        AblationReport a = new AblationReport(
                ReportBuilderTest.RUN,
                "lastfm",
                ASKED,
                Map.of("lastfm", new TopicRange("activations", Map.of(0, new TopicRange.OffsetRange(0, 10)), 10)),
                120,
                1000,
                7,
                0.95,
                full,
                subsets,
                Instant.parse("2026-01-02T03:00:00Z"));
        return Json.read(Json.MAPPER.writeValueAsBytes(a), AblationReport.class);
    }

    static AblationReport.Model trained(
            String name,
            List<String> inputs,
            double auc,
            double diff,
            double low,
            double high,
            double wins,
            List<TrainingCurve.Point> history) {
        return new AblationReport.Model(
                name,
                inputs,
                256 * inputs.size(),
                auc,
                6,
                4,
                5,
                true,
                1.5,
                history,
                new AblationReport.Interval(auc - 0.03, auc + 0.03),
                new AblationReport.Difference(diff, low, high, wins),
                1000,
                null);
    }

    static ReportBuilder.Built build(RunConfig config, Map<String, AblationReport> ablations) {
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
                Map.of(),
                ablations);
    }

    @Test
    void everyModelOfTheFileIsARowOfTheTableInEveryFormat() throws Exception {
        RunConfig config = RunConfig.defaults(List.of(), List.of()).withAblations(ASKED);
        AblationReport a = stackerFile();
        ReportBuilder.Built b = build(config, Map.of("lastfm", a));

        JsonNode json = Json.MAPPER.readTree(b.files().get(ReportBuilder.JSON).bytes());
        assertEquals(0.7291, json.at("/ablations/lastfm/subsets/0/valMacroAuc").asDouble(), 0);
        assertEquals(256, json.at("/ablations/lastfm/subsets/0/inputDim").asInt());
        assertEquals(
                -0.0188, json.at("/ablations/lastfm/subsets/1/difference/high").asDouble(), 0);
        assertEquals(3, json.at("/ablations/lastfm/subsets").size());
        assertEquals(ASKED.size(), json.at("/config/ablations").size());

        String md = b.files().get(ReportBuilder.MARKDOWN).text();
        assertTrue(md.contains("### Ablations (lastfm)"), md);
        assertTrue(
                md.contains("| full (the run's stacked model) | allmusic + discogs + lastfm + tagtraum | 1024 | 0.8735"
                        + " | [0.8500, 0.9000] | – | – | – | – |"),
                md);
        assertTrue(
                md.contains("| own | lastfm | 256 | 0.7291 | [0.6991, 0.7591] | -0.1444 | [-0.1925, -0.0990] |"
                        + " 0.0 % | 4 / 5 |"),
                md);
        assertTrue(md.contains("| without-allmusic | discogs + lastfm + tagtraum | 768 | 0.8229 |"), md);
        assertTrue(
                md.contains("| allmusic+discogs | allmusic + discogs | 512 | skipped: the run has no base model of"
                        + " [allmusic] |"),
                md);
        assertTrue(md.contains("1000 resamples of those tracks (seed 7)"), md);

        String html = b.files().get(ReportBuilder.HTML).text();
        int start = html.indexOf("<table class=\"ablations\" id=\"ablations-lastfm\">");
        assertTrue(start > 0, "table ablations-lastfm in " + html);
        String fragment = html.substring(start, html.indexOf("</table>", start) + "</table>".length());
        Element table = ReportBuilderTest.parse(fragment).getDocumentElement(); // well-formed, escaped
        assertEquals("ablations-lastfm", table.getAttribute("id"));
        NodeList rows = table.getElementsByTagName("tr");
        assertEquals(1 + 1 + 3, rows.getLength(), "header, full, three subsets");
        NodeList own = ((Element) rows.item(2)).getElementsByTagName("td");
        assertEquals(AblationTable.HEADER.size(), own.getLength());
        assertEquals("own", own.item(0).getTextContent());
        assertEquals("0.7291", own.item(3).getTextContent());
        assertEquals("-0.1444", own.item(5).getTextContent());
        assertEquals("[-0.1925, -0.0990]", own.item(6).getTextContent());
    }

    @Test
    void noAblationsAskedNoTableAskedButMissingANote() throws Exception {
        ReportBuilder.Built none = build(RunConfig.defaults(List.of(), List.of()), Map.of());
        assertFalse(none.files().get(ReportBuilder.MARKDOWN).text().contains("Ablations"));
        assertFalse(none.files().get(ReportBuilder.HTML).text().contains("Ablations"));
        assertTrue(Json.MAPPER
                .readTree(none.files().get(ReportBuilder.JSON).bytes())
                .at("/ablations")
                .isEmpty());

        ReportBuilder.Built missing =
                build(RunConfig.defaults(List.of(), List.of()).withAblations(List.of("own")), Map.of());
        String md = missing.files().get(ReportBuilder.MARKDOWN).text();
        assertTrue(md.contains("were asked but runs/unit-run/ablations/lastfm.json is missing"), md);
        assertFalse(md.contains("| subset |"), md);
        assertTrue(missing.files().get(ReportBuilder.HTML).text().contains("class=\"ablations-missing\""));
    }
}
