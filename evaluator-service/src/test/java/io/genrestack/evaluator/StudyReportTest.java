package io.genrestack.evaluator;

import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.Study;
import io.genrestack.common.serde.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StudyReport.Summary}: mean, sample standard deviation, min and max, against a tiny case by hand and against
 * Python's {@code statistics} module (exact rational arithmetic) on random values. {@link StudyReport#of} on report
 * objects of a preset × seed study: per preset and source the statistics over that preset's seeds (against Python),
 * each run's row with its preset and intervals; a preset study on one seed; a seed study's Markdown as before; a
 * report.json stored before presets could vary still reads as a seed study.
 */
class StudyReportTest {
    private static final List<String> PRESETS = List.of("paper", "full", "common-layout");

    private static RunConfig config(String preset, long seed, Long modelSeed) {
        return new RunConfig(List.of("/d"), List.of("/g"), false, preset, List.of(), 0.8, seed, null, null, false, null)
                .withModelSeed(modelSeed);
    }

    @Test
    void aPresetBySeedStudyIsGroupedByPreset() throws Exception {
        String id = "pst";
        List<Long> seeds = List.of(1L, 2L, 3L);
        Random rnd = new Random(11);
        List<String> runs = new ArrayList<>();
        List<EvaluationReport> reports = new ArrayList<>();
        // preset -> source -> model -> values over the seeds
        Map<String, Map<String, Map<String, List<Double>>>> values = new LinkedHashMap<>();
        for (int p = 0; p < PRESETS.size(); p++) {
            String preset = PRESETS.get(p);
            for (long seed : seeds) {
                String run = Study.runId(id, preset, seed);
                runs.add(run);
                Map<String, double[]> aucs = new LinkedHashMap<>();
                for (String source : List.of("lastfm", "tagtraum")) {
                    double base = 0.70 + 0.02 * p + 0.03 * rnd.nextDouble();
                    double stacked = base + 0.01 + 0.04 * rnd.nextDouble();
                    aucs.put(source, new double[] {base, stacked});
                    Map<String, List<Double>> m = values.computeIfAbsent(preset, k -> new LinkedHashMap<>())
                            .computeIfAbsent(source, k -> new LinkedHashMap<>());
                    m.computeIfAbsent("base", k -> new ArrayList<>()).add(base);
                    m.computeIfAbsent("stacked", k -> new ArrayList<>()).add(stacked);
                    m.computeIfAbsent("difference", k -> new ArrayList<>()).add(stacked - base);
                }
                reports.add(StudyResourceTest.report(run, config(preset, 42, seed), aucs, seed != 3));
            }
        }
        Study study = new Study(id, Study.VARY_MODEL, seeds, runs, config("paper", 42, 1L), Instant.now(), PRESETS);
        StudyReport r = StudyReport.of(study, reports, Instant.now());

        assertEquals(List.of(Study.FACTOR_PRESET, Study.FACTOR_SEED), r.varied());
        assertEquals(PRESETS, r.presets());
        assertEquals(
                PRESETS,
                r.groups().stream().map(StudyReport.PresetGroup::preset).toList());
        assertEquals(9, r.sources().get("lastfm").base().n(), "sources pools every run");
        for (int p = 0; p < PRESETS.size(); p++) {
            StudyReport.PresetGroup g = r.groups().get(p);
            assertEquals(runs.subList(3 * p, 3 * p + 3), g.runIds(), g.preset());
            assertEquals(
                    List.of("lastfm", "tagtraum"), new ArrayList<>(g.sources().keySet()));
            for (String source : List.of("lastfm", "tagtraum")) {
                StudyReport.SourceStudy ss = g.sources().get(source);
                Map<String, List<Double>> m = values.get(g.preset()).get(source);
                assertMatchesPython(m.get("base"), ss.base(), g.preset() + "/" + source + " base");
                assertMatchesPython(m.get("stacked"), ss.stacked(), g.preset() + "/" + source + " stacked");
                assertMatchesPython(m.get("difference"), ss.difference(), g.preset() + "/" + source + " diff");
                assertEquals(3, ss.runs().size());
                for (int i = 0; i < 3; i++) {
                    StudyReport.RunRow row = ss.runs().get(i);
                    assertEquals(g.runIds().get(i), row.runId());
                    assertEquals(g.preset(), row.preset());
                    assertEquals(42, row.seed());
                    assertEquals(seeds.get(i), row.modelSeed());
                    assertEquals(m.get("base").get(i), row.base());
                    if (i < 2) {
                        assertEquals(row.base() - 0.05, row.baseInterval().low(), 1e-15);
                        assertEquals(0.75, row.difference().stackedWins());
                    } else {
                        assertNull(row.difference(), "seed 3's report has no bootstrap");
                    }
                }
            }
        }

        String md = r.markdown();
        assertTrue(
                md.contains("9 runs, varied: preset, seed; presets [paper, full, common-layout] × seeds [1, 2, 3],"
                        + " vary model (split seed fixed, model seed varied)."),
                md);
        StudyReport.Summary full = r.groups().get(1).sources().get("tagtraum").base();
        String fullRow = "| tagtraum | full | base | 3 | " + Text.num(full.mean(), 4) + " | " + Text.num(full.sd(), 4)
                + " | " + Text.num(full.min(), 4) + " | " + Text.num(full.max(), 4) + " |";
        assertTrue(md.contains(fullRow), fullRow + " in\n" + md);
        assertTrue(md.contains("| source | run | preset | seed | model seed |"), md);
        StudyReport.RunRow row =
                r.groups().get(2).sources().get("lastfm").runs().get(0);
        assertTrue(
                md.contains("| lastfm | pst-common-layout-s1 | common-layout | 42 | 1 | " + Text.num(row.base(), 4)),
                md);

        // stored and read back: the same report
        StudyReport back = Json.read(Json.MAPPER.writeValueAsBytes(r), StudyReport.class);
        assertEquals(r, back);
    }

    @Test
    void aPresetStudyOnOneSeedHasOneRunPerPreset() {
        List<String> runs =
                PRESETS.stream().map(p -> Study.runId("one", p, null)).toList();
        assertEquals(List.of("one-paper", "one-full", "one-common-layout"), runs);
        List<EvaluationReport> reports = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            reports.add(
                    StudyResourceTest.report(runs.get(p), config(PRESETS.get(p), 7, null), 0.7 + 0.1 * p, 0.8, true));
        }
        Study study = new Study("one", null, List.of(), runs, config("paper", 7, null), Instant.now(), PRESETS);
        StudyReport r = StudyReport.of(study, reports, Instant.now());
        assertEquals(List.of(Study.FACTOR_PRESET), r.varied());
        for (int p = 0; p < 3; p++) {
            StudyReport.SourceStudy ss = r.groups().get(p).sources().get("lastfm");
            assertEquals(1, ss.base().n());
            assertEquals(0.7 + 0.1 * p, ss.base().mean(), 1e-15);
            assertNull(ss.base().sd(), "one seed: no sd");
        }
        String md = r.markdown();
        assertTrue(md.contains("3 runs, varied: preset; presets [paper, full, common-layout], one seed."), md);
        assertFalse(md.contains("over its seeds"), "no per-preset statistics without seeds: " + md);
        assertTrue(
                md.contains("| lastfm | one-full | full | 7 | 7 | 0.8000 | [0.7500, 0.8500] | 0.8000 |"
                        + " [0.7500, 0.8500] | +0.0000 | [-0.1000, +0.1000] | 75.0 % |"),
                md);
    }

    @Test
    void aSeedStudyReadsAsBefore() throws Exception {
        List<String> runs = List.of("sd-s1", "sd-s2");
        List<EvaluationReport> reports = List.of(
                StudyResourceTest.report(runs.get(0), config("paper", 42, 1L), 0.6, 0.75, true),
                StudyResourceTest.report(runs.get(1), config("paper", 42, 2L), 0.8, 0.7, false));
        Study study = new Study("sd", Study.VARY_MODEL, List.of(1L, 2L), runs, config("paper", 42, 1L), Instant.now());
        StudyReport r = StudyReport.of(study, reports, Instant.now());
        assertEquals(List.of(Study.FACTOR_SEED), r.varied());
        assertEquals(List.of(), r.groups());
        String md = r.markdown();
        assertTrue(
                md.startsWith("# Study sd\n\n2 runs, seeds [1, 2], vary model (split seed fixed, model seed"
                        + " varied).\n\n"),
                md);
        assertTrue(md.contains("| source | model | n | mean | sd | min | max |\n"), md);
        assertTrue(md.contains("| lastfm | base | 2 | 0.7000 | 0.1414 | 0.6000 | 0.8000 |"), md);
        assertTrue(
                md.contains("| source | run | seed | model seed | base | base CI | stacked | stacked CI |"
                        + " stacked − base CI | stacked wins |\n"),
                md);
        assertTrue(
                md.contains("| lastfm | sd-s1 | 42 | 1 | 0.6000 | [0.5500, 0.6500] | 0.7500 | [0.7000, 0.8000] |"
                        + " [+0.0500, +0.2500] | 75.0 % |"),
                md);
        assertFalse(md.contains("preset"), md);

        // a study.json and a report.json stored before presets could vary
        Study old = Json.read(
                "{\"studyId\":\"sd\",\"vary\":\"model\",\"seeds\":[1,2],\"runIds\":[\"sd-s1\",\"sd-s2\"]}"
                        .getBytes(StandardCharsets.UTF_8),
                Study.class);
        assertEquals(List.of(), old.presets());
        assertEquals(List.of(Study.FACTOR_SEED), old.varied());
        com.fasterxml.jackson.databind.node.ObjectNode stored = Json.MAPPER.valueToTree(r);
        stored.remove(List.of("varied", "presets", "groups"));
        StudyReport oldReport = Json.read(Json.MAPPER.writeValueAsBytes(stored), StudyReport.class);
        assertEquals(List.of(Study.FACTOR_SEED), oldReport.varied());
        assertEquals(md, oldReport.markdown());
    }

    private static void assertMatchesPython(List<Double> v, StudyReport.Summary s, String what) throws Exception {
        String list = v.stream().map(d -> Double.toString(d)).collect(Collectors.joining(","));
        String[] py = python("import statistics as s; v=[" + list + "]; "
                        + "print(repr(s.mean(v)), repr(s.stdev(v)), repr(min(v)), repr(max(v)))")
                .trim()
                .split(" ");
        assertEquals(v.size(), s.n(), what);
        assertEquals(Double.parseDouble(py[0]), s.mean(), 1e-14, what + " mean");
        assertEquals(Double.parseDouble(py[1]), s.sd(), 1e-13, what + " sd");
        assertEquals(Double.parseDouble(py[2]), s.min(), what + " min");
        assertEquals(Double.parseDouble(py[3]), s.max(), what + " max");
    }

    @Test
    void tinyCaseByHand() {
        // 0.6, 0.8, 1.0: mean 0.8, squared deviations 0.04 + 0 + 0.04 = 0.08, / (3 - 1) = 0.04, sd 0.2
        StudyReport.Summary s = StudyReport.Summary.of(Arrays.asList(0.6, null, 0.8, 1.0));
        assertEquals(3, s.n(), "the null value is left out");
        assertEquals(0.8, s.mean(), 1e-15);
        assertEquals(0.2, s.sd(), 1e-15);
        assertEquals(0.6, s.min());
        assertEquals(1.0, s.max());
    }

    @Test
    void oneOrNoValue() {
        StudyReport.Summary one = StudyReport.Summary.of(List.of(0.75));
        assertEquals(1, one.n());
        assertEquals(0.75, one.mean());
        assertNull(one.sd(), "no sample standard deviation of one value");
        StudyReport.Summary none = StudyReport.Summary.of(Arrays.asList((Double) null));
        assertEquals(0, none.n());
        assertNull(none.mean());
        assertNull(none.min());
    }

    @Test
    void matchesPythonStatistics() throws Exception {
        Random rnd = new Random(7);
        for (int n : new int[] {2, 3, 5, 20}) {
            List<Double> v = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                v.add(0.7 + 0.2 * rnd.nextDouble());
            }
            String list = v.stream().map(d -> Double.toString(d)).collect(Collectors.joining(","));
            String[] py = python("import statistics as s; v=[" + list + "]; "
                            + "print(repr(s.mean(v)), repr(s.stdev(v)), repr(min(v)), repr(max(v)))")
                    .trim()
                    .split(" ");
            StudyReport.Summary s = StudyReport.Summary.of(v);
            assertEquals(n, s.n());
            assertEquals(Double.parseDouble(py[0]), s.mean(), 1e-14, "mean of " + n);
            assertEquals(Double.parseDouble(py[1]), s.sd(), 1e-13, "sd of " + n);
            assertEquals(Double.parseDouble(py[2]), s.min(), "min of " + n);
            assertEquals(Double.parseDouble(py[3]), s.max(), "max of " + n);
        }
    }

    private static String python(String code) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", "-c", code)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "python3: " + out);
        return out;
    }
}
