package io.genrestack.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TrackPredictions;
import io.genrestack.common.serde.Json;
import io.genrestack.evaluator.EvaluationReport.Prf;
import io.genrestack.evaluator.EvaluationReport.SourceReport;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report builder on a hand-worked example (no Kafka, no storage): 4 labels, 4 train and 4 validation tracks of
 * lastfm. The arithmetic is in the comments; AUCs are also recomputed here by brute-force pair counting.
 */
class ReportBuilderTest {
    static final List<String> LABELS = List.of("jazz", "pop", "rock", "rock---indie");
    static final String RUN = "unit-run";

    // train: thresholds (F1-optimal, score >= t): jazz 0.5, pop 0.6, rock 0.7, rock---indie 0.7
    //   t1 {rock, indie}  [0.1, 0.1, 0.8, 0.7]
    //   t2 {rock}         [0.1, 0.2, 0.7, 0.2]
    //   t3 {jazz, pop}    [0.5, 0.9, 0.3, 0.1]
    //   t4 {pop}          [0.2, 0.6, 0.2, 0.3]
    // validation (jazz never true: skipped):
    //   v1 {rock, indie}  base [0.1, 0.2, 0.75, 0.5]  stacked [0.05, 0.1, 0.9, 0.8]
    //   v2 {rock}         base [0.1, 0.65, 0.4, 0.1]  stacked [0.05, 0.3, 0.8, 0.2]
    //   v3 {pop}          base [0.1, 0.7, 0.8, 0.2]   stacked [0.05, 0.9, 0.2, 0.1]
    //   v4 {pop}          base [0.1, 0.1, 0.2, 0.75]  stacked [0.05, 0.8, 0.1, 0.3]
    static List<TrackPredictions> records() {
        List<TrackPredictions> r = new ArrayList<>();
        float[][] train = {
            {0.1f, 0.1f, 0.8f, 0.7f}, {0.1f, 0.2f, 0.7f, 0.2f}, {0.5f, 0.9f, 0.3f, 0.1f}, {0.2f, 0.6f, 0.2f, 0.3f}
        };
        List<List<Integer>> trainTruth = List.of(List.of(2, 3), List.of(2), List.of(0, 1), List.of(1));
        for (int i = 0; i < 4; i++) {
            r.add(new TrackPredictions(
                    RUN, "t" + (i + 1), "lastfm", Split.TRAIN, trainTruth.get(i), train[i], train[i].clone()));
        }
        float[][] base = {
            {0.1f, 0.2f, 0.75f, 0.5f}, {0.1f, 0.65f, 0.4f, 0.1f}, {0.1f, 0.7f, 0.8f, 0.2f}, {0.1f, 0.1f, 0.2f, 0.75f}
        };
        float[][] stacked = {
            {0.05f, 0.1f, 0.9f, 0.8f}, {0.05f, 0.3f, 0.8f, 0.2f}, {0.05f, 0.9f, 0.2f, 0.1f}, {0.05f, 0.8f, 0.1f, 0.3f}
        };
        List<List<Integer>> valTruth = List.of(List.of(2, 3), List.of(2), List.of(1), List.of(1));
        for (int i = 3; i >= 0; i--) { // reversed: the report sorts by MBID
            r.add(new TrackPredictions(
                    RUN, "v" + (i + 1), "lastfm", Split.VALIDATION, valTruth.get(i), base[i], stacked[i]));
        }
        return r;
    }

    static ReportBuilder.Built build() {
        SourcePredictions p = SourcePredictions.of("lastfm", LABELS, records());
        SourceEvaluation e = SourceEvaluation.evaluate(
                p,
                Map.of(
                        "labels",
                        "runs/unit-run/labels/lastfm.json",
                        "baseModel",
                        "runs/unit-run/models/lastfm/base/provenance.json"),
                new SourceEvaluation.Options(2, 300, 1000, 1000, 42));
        return ReportBuilder.build(
                RUN,
                Instant.parse("2026-01-02T03:04:05Z"),
                8,
                List.of(e),
                List.of("tagtraum"),
                Map.of(StageJob.labelsName("lastfm"), "runs/unit-run/labels/lastfm.json"),
                null,
                Map.of());
    }

    @Test
    void aucMatchesHandWorkedValuesAndPairCounting() {
        SourceReport s = build().report().sources().get("lastfm");
        assertEquals(4, s.labels());
        assertEquals(4, s.trainTracks());
        assertEquals(4, s.validationTracks());
        // base: pop 2/4 (0.7 beats both negatives, 0.1 none), rock 2/4, indie 2/3 -> macro (0.5+0.5+2/3)/3
        assertEquals((0.5 + 0.5 + 2.0 / 3) / 3, s.base().macroAuc(), 1e-12);
        assertEquals(1.0, s.stacked().macroAuc(), 1e-12); // every positive above every negative
        assertEquals(List.of("jazz"), s.base().skippedLabels());
        assertEquals(List.of("jazz"), s.stacked().skippedLabels());
        assertEquals(3, s.base().evaluatedLabels());
        assertNull(s.perLabel().get(0).base(), "single-class label has no AUC");
        assertEquals(0.5, s.perLabel().get(1).base(), 1e-12);
        assertEquals(2.0 / 3, s.perLabel().get(3).base(), 1e-12);
        assertEquals(2, s.perLabel().get(1).validationPositives());
        assertEquals(1, s.perLabel().get(0).trainPositives());

        boolean[][] truth = truth();
        assertEquals(Brute.macro(valScores(false), truth), s.base().macroAuc(), 1e-12);
        assertEquals(Brute.micro(valScores(false), truth), s.base().microAuc(), 1e-12);
        assertEquals(Brute.micro(valScores(true), truth), s.stacked().microAuc(), 1e-12);
        assertTrue(s.stacked().macroAuc() > s.base().macroAuc());
        assertEquals(0.8276, s.paper().base(), 0);
        assertEquals(0.9064, s.paper().stacked(), 0);
    }

    @Test
    void mediaEvalWithThresholdsTunedOnTrain() {
        SourceReport s = build().report().sources().get("lastfm");
        // base predictions (thresholds .5/.6/.7/.7): v1 {rock}, v2 {pop}, v3 {pop, rock}, v4 {indie}
        // all labels per track: P (1, 0, 1/2, 0), R (1/2, 0, 1, 0), F (2/3, 0, 2/3, 0)
        Prf all = s.base().mediaeval().all();
        assertEquals(0.375, all.trackPrecision(), 1e-12);
        assertEquals(0.375, all.trackRecall(), 1e-12);
        assertEquals(1.0 / 3, all.trackF(), 1e-12);
        // per label over pop, rock, indie (jazz never true): P (1/2, 1/2, 0), R (1/2, 1/2, 0)
        assertEquals(1.0 / 3, all.labelPrecision(), 1e-12);
        assertEquals(1.0 / 3, all.labelRecall(), 1e-12);
        assertEquals(1.0 / 3, all.labelF(), 1e-12);
        assertEquals(4, all.tracks());
        assertEquals(3, all.labels());
        // genres: v1 {rock}/{rock} 1,1,1; v2 0; v3 1/2,1,2/3; v4 nothing predicted in the subset -> 0
        Prf genres = s.base().mediaeval().genres();
        assertEquals(0.375, genres.trackPrecision(), 1e-12);
        assertEquals(0.5, genres.trackRecall(), 1e-12);
        assertEquals((1 + 2.0 / 3) / 4, genres.trackF(), 1e-12);
        // subgenres: only v1 has one (indie), not predicted there
        Prf sub = s.base().mediaeval().subgenres();
        assertEquals(1, sub.tracks());
        assertEquals(0.0, sub.trackF(), 0);
        assertEquals(1, sub.labels());
        // stacked: v1 {rock, indie}, v2 {rock}, v3 {pop}, v4 {pop}: perfect
        Prf st = s.stacked().mediaeval().all();
        assertEquals(1.0, st.trackF(), 0);
        assertEquals(1.0, st.labelF(), 0);
    }

    @Test
    void submissionFileIsTheStackedValidationPredictionsInMediaEvalFormat() {
        String tsv = build().files().get("mediaeval-lastfm.tsv").text();
        assertEquals("v1\trock\trock---indie\nv2\trock\nv3\tpop\nv4\tpop\n", tsv);
    }

    @Test
    void jsonHasTheDocumentedFieldsAndNullsForUndefinedValues() throws Exception {
        ReportBuilder.Built b = build();
        JsonNode j = Json.MAPPER.readTree(b.files().get(ReportBuilder.JSON).bytes());
        assertEquals(RUN, j.get("runId").asText());
        assertEquals("2026-01-02T03:04:05Z", j.get("generatedAt").asText());
        assertEquals("complete", j.get("status").asText());
        assertEquals(8, j.at("/counts/predictions").asLong());
        assertEquals(4, j.at("/counts/validationTracks").asLong());
        assertEquals(1.0, j.at("/sources/lastfm/stacked/macroAuc").asDouble(), 0);
        assertTrue(j.at("/sources/lastfm/base/macroAuc").isNumber());
        assertEquals("jazz", j.at("/sources/lastfm/base/skippedLabels/0").asText());
        assertTrue(j.at("/sources/lastfm/perLabel/0/base").isNull());
        assertEquals(0.8276, j.at("/sources/lastfm/paper/base").asDouble(), 0);
        assertEquals("tagtraum", j.at("/sourcesWithoutPredictions/0").asText());
        assertEquals(
                "runs/unit-run/reports/roc-lastfm-stacked.svg",
                j.at("/files/roc-lastfm-stacked.svg").asText());
        assertEquals(
                "runs/unit-run/models/lastfm/base/provenance.json",
                j.at("/sources/lastfm/objects/baseModel").asText());
        assertFalse(new String(b.files().get(ReportBuilder.JSON).bytes(), StandardCharsets.UTF_8).contains("NaN"));
        // the bootstrap: 1000 resamples of the 4 validation tracks; stacked ranks perfectly in every resample
        assertEquals(1000, j.at("/sources/lastfm/bootstrap/resamples").asInt());
        assertEquals(42, j.at("/sources/lastfm/bootstrap/seed").asLong());
        assertEquals(0.95, j.at("/sources/lastfm/bootstrap/level").asDouble(), 0);
        assertEquals(1.0, j.at("/sources/lastfm/bootstrap/stacked/low").asDouble(), 0);
        assertEquals(1.0, j.at("/sources/lastfm/bootstrap/stacked/high").asDouble(), 0);
        int valid = j.at("/sources/lastfm/bootstrap/validResamples").asInt();
        assertTrue(valid > 900 && valid < 1000, "a resample of 4 tracks may hold no label with both classes: " + valid);
        double low = j.at("/sources/lastfm/bootstrap/base/low").asDouble();
        double high = j.at("/sources/lastfm/bootstrap/base/high").asDouble();
        assertTrue(0 <= low && low < high && high <= 1, low + " " + high);
        assertEquals(
                1.0 - (0.5 + 0.5 + 2.0 / 3) / 3,
                j.at("/sources/lastfm/bootstrap/difference/observed").asDouble(),
                1e-12);
        assertEquals(1 - high, j.at("/sources/lastfm/bootstrap/difference/low").asDouble(), 1e-12);
        double wins = j.at("/sources/lastfm/bootstrap/difference/stackedWins").asDouble();
        double ties = j.at("/sources/lastfm/bootstrap/difference/ties").asDouble();
        assertTrue(wins > 0.5 && ties > 0 && Math.abs(wins + ties - 1) < 1e-12, wins + " " + ties);
        // round trip (the REST API reads it back)
        EvaluationReport back = Json.read(b.files().get(ReportBuilder.JSON).bytes(), EvaluationReport.class);
        assertEquals(
                b.report().sources().get("lastfm").base().macroAuc(),
                back.sources().get("lastfm").base().macroAuc());
    }

    @Test
    void figuresAreWellFormedSvgWithMicroAndFrequentLabelCurves() throws Exception {
        ReportBuilder.Built b = build();
        for (String model : List.of("base", "stacked")) {
            Document d = parse(b.files().get("roc-lastfm-" + model + ".svg").text());
            assertEquals("svg", d.getDocumentElement().getLocalName());
            NodeList lines = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline");
            assertEquals(3, lines.getLength(), "micro-average + 2 most frequent labels");
        }
        assertEquals(List.of("pop", "rock"), b.report().sources().get("lastfm").curveLabels());
        // the html is self-contained and has the tables and the figures inline
        String html = b.files().get(ReportBuilder.HTML).text();
        assertTrue(html.contains("id=\"summary\""));
        assertTrue(html.contains("id=\"auc-lastfm\""));
        assertTrue(html.contains("id=\"mediaeval-lastfm\""));
        assertTrue(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"roc\" id=\"roc-lastfm-base\""));
        assertFalse(html.contains("<script"));
        String withoutNamespace = html.replace("http://www.w3.org/2000/svg", "");
        assertFalse(
                withoutNamespace.contains("http://") || withoutNamespace.contains("https://"), "no external resource");
        assertTrue(html.contains("<a href=\"objects/models/lastfm/base/provenance.json\">"));
        String md = b.files().get(ReportBuilder.MARKDOWN).text();
        assertTrue(md.contains("| lastfm | 0.5556 | 1.0000 | +0.4444 | ["), md);
        var boot = b.report().sources().get("lastfm").bootstrap();
        String diff = Text.interval(boot.difference().low(), boot.difference().high(), 4, true);
        assertTrue(md.contains(" | [1.0000, 1.0000] | " + diff + " | "), md);
        assertTrue(md.contains("Paired bootstrap (1000 resamples of the 4 validation tracks, seed 42)"), md);
        assertTrue(html.contains("<p class=\"paired\" id=\"paired-lastfm\">Paired bootstrap (1000 resamples"), html);
        assertTrue(html.contains("<td class=\"n ci\">[1.0000, 1.0000]</td>"), html);
    }

    @Test
    void zeroResamplesTurnTheBootstrapOff() throws Exception {
        SourceEvaluation e = SourceEvaluation.evaluate(
                SourcePredictions.of("lastfm", LABELS, records()),
                Map.of(),
                new SourceEvaluation.Options(2, 300, 1000, 0, 42));
        assertNull(e.report().bootstrap());
        ReportBuilder.Built b = ReportBuilder.build(
                RUN, Instant.parse("2026-01-02T03:04:05Z"), 8, List.of(e), List.of(), Map.of(), null, Map.of());
        JsonNode j = Json.MAPPER.readTree(b.files().get(ReportBuilder.JSON).bytes());
        assertTrue(j.at("/sources/lastfm/bootstrap").isNull());
        assertTrue(b.files().get(ReportBuilder.MARKDOWN).text().contains("No bootstrap"));
        assertTrue(b.files().get(ReportBuilder.HTML).text().contains("<td class=\"n ci\">–</td>"));
    }

    @Test
    void labelNamesAreEscapedInFigures() throws Exception {
        var c = new RocCurves.Curve("r&b <soul> \"x\"", 0.75, new double[] {0, 0.5, 1}, new double[] {0, 1, 1});
        Document d = parse(RocSvg.render("roc-x", "ROC r&b", List.of(c)));
        assertTrue(d.getDocumentElement().getTextContent().contains("r&b <soul>"));
    }

    @Test
    void microCurveWithEnoughThresholdsIsExact() {
        float[][] scores = valScores(false);
        boolean[][] truth = truth();
        RocCurves.Curve c = RocCurves.micro("micro", null, scores, truth, 1000, 1000);
        assertEquals(0, c.fpr()[0]);
        assertEquals(0, c.tpr()[0]);
        assertEquals(1, c.fpr()[c.fpr().length - 1]);
        assertEquals(1, c.tpr()[c.tpr().length - 1]);
        double area = 0;
        for (int i = 1; i < c.fpr().length; i++) {
            assertTrue(c.fpr()[i] >= c.fpr()[i - 1] && c.tpr()[i] >= c.tpr()[i - 1], "monotone");
            area += (c.fpr()[i] - c.fpr()[i - 1]) * (c.tpr()[i] + c.tpr()[i - 1]) / 2;
        }
        assertEquals(Brute.micro(scores, truth), area, 1e-12);
    }

    @Test
    void inconsistentRecordsAreRejected() {
        List<TrackPredictions> dup = new ArrayList<>(records());
        dup.add(dup.get(0));
        assertThrows(IllegalArgumentException.class, () -> SourcePredictions.of("lastfm", LABELS, dup));
        List<TrackPredictions> shortScores = new ArrayList<>(records());
        shortScores.add(
                new TrackPredictions(RUN, "x", "lastfm", Split.VALIDATION, List.of(0), new float[3], new float[4]));
        assertThrows(IllegalArgumentException.class, () -> SourcePredictions.of("lastfm", LABELS, shortScores));
        List<TrackPredictions> badLabel = new ArrayList<>(records());
        badLabel.add(
                new TrackPredictions(RUN, "y", "lastfm", Split.VALIDATION, List.of(4), new float[4], new float[4]));
        assertThrows(IllegalArgumentException.class, () -> SourcePredictions.of("lastfm", LABELS, badLabel));
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    static boolean[][] truth() {
        boolean[][] t = new boolean[4][4];
        t[0][2] = t[0][3] = true;
        t[1][2] = true;
        t[2][1] = true;
        t[3][1] = true;
        return t;
    }

    static float[][] valScores(boolean stacked) {
        List<TrackPredictions> v = records().stream()
                .filter(p -> p.split() == Split.VALIDATION)
                .sorted(java.util.Comparator.comparing(TrackPredictions::mbid))
                .toList();
        float[][] s = new float[v.size()][];
        for (int i = 0; i < s.length; i++) {
            s[i] = stacked ? v.get(i).stackedScores() : v.get(i).baseScores();
        }
        return s;
    }
}
