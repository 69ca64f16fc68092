package io.genrestack.stacker;

import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.kafka.JobRouting;
import io.genrestack.common.kafka.JobWorker;
import io.genrestack.common.kafka.KafkaClients;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.metrics.Bootstrap;
import io.genrestack.common.metrics.RocAuc;
import io.genrestack.common.model.AblationReport;
import io.genrestack.common.model.ModelKind;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackActivations;
import io.genrestack.common.model.TrackPredictions;
import io.genrestack.common.model.TrainParams;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.ml.MlpModel;
import io.genrestack.ml.MlpSpec;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.InfraTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stacker service against the real broker, object storage and DJL. Synthetic base-model activations are
 * published the way the trainer does (one exactly-once range per model); each model's 256-d hidden vector carries an
 * independent noisy view of the latent labels of ALL sources, and each base model's scores are a noisy readout of its
 * own view of its own labels, so a stacked model that combines the four views should beat the base scores. The test
 * configuration injects a crash into the first publishing attempt (genrestack.stacker.fail-after-predictions), so
 * the run is also a resume: the job is retried and must still publish exactly one prediction per (source, track).
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class StackerStageTest {
    static final int HIDDEN = 256;
    static final int LABELS = 6;
    static final int DIMS_PER_LABEL = 10;
    static final double VIEW_NOISE = 1.5;
    static final double BASE_NOISE = 0.6;

    @Inject
    Infrastructure infra;

    /** Waits until the service has created the topics and the bucket and started its job worker. */
    static void awaitInfrastructure(Infrastructure infra) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!(infra.initialised() && infra.worker() != null && infra.worker().isConnected())) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("infrastructure not ready within 60 s: " + infra.initError());
            }
            Thread.sleep(200);
        }
    }

    /** A synthetic run: per track latent labels, tags, split and each model's activations. */
    record Synthetic(
            String runId,
            List<String> mbids,
            Split[] split,
            Map<String, List<Integer>>[] labels,
            Map<String, float[][]> hidden,
            Map<String, float[][]> scores) {}

    @SuppressWarnings("unchecked")
    static Synthetic generate(String runId, int n, long seed) {
        Random r = new Random(seed);
        List<String> mbids = new ArrayList<>();
        Split[] split = new Split[n];
        Map<String, List<Integer>>[] labels = new Map[n];
        boolean[][][] latent = new boolean[n][Sources.ALL.size()][LABELS];
        for (int t = 0; t < n; t++) {
            mbids.add(new UUID(seed, t).toString());
            split[t] = t % 5 == 0 ? Split.VALIDATION : Split.TRAIN;
            labels[t] = new TreeMap<>();
            for (int s = 0; s < Sources.ALL.size(); s++) {
                int k = r.nextInt(LABELS);
                latent[t][s][k] = true;
                if (r.nextDouble() < 0.3) {
                    latent[t][s][r.nextInt(LABELS)] = true;
                }
                if (r.nextDouble() < 0.8) {
                    List<Integer> ls = new ArrayList<>();
                    for (int j = 0; j < LABELS; j++) {
                        if (latent[t][s][j]) {
                            ls.add(j);
                        }
                    }
                    labels[t].put(Sources.ALL.get(s), ls);
                }
            }
        }
        Map<String, float[][]> hidden = new LinkedHashMap<>();
        Map<String, float[][]> scores = new LinkedHashMap<>();
        for (int m = 0; m < Sources.ALL.size(); m++) {
            float[][] h = new float[n][HIDDEN];
            float[][] sc = new float[n][LABELS];
            for (int t = 0; t < n; t++) {
                for (int d = 0; d < HIDDEN; d++) {
                    int q = d / DIMS_PER_LABEL; // latent label q = source * LABELS + label
                    double z = q < Sources.ALL.size() * LABELS && latent[t][q / LABELS][q % LABELS] ? 1 : 0;
                    h[t][d] = (float) (z + VIEW_NOISE * r.nextGaussian());
                }
                for (int k = 0; k < LABELS; k++) {
                    double mean = 0;
                    int q = m * LABELS + k;
                    for (int d = q * DIMS_PER_LABEL; d < (q + 1) * DIMS_PER_LABEL; d++) {
                        mean += h[t][d];
                    }
                    mean /= DIMS_PER_LABEL;
                    double logit = 3 * (mean - 0.5) + BASE_NOISE * 3 * r.nextGaussian();
                    sc[t][k] = (float) (1 / (1 + Math.exp(-logit)));
                }
            }
            hidden.put(Sources.ALL.get(m), h);
            scores.put(Sources.ALL.get(m), sc);
        }
        return new Synthetic(runId, mbids, split, labels, hidden, scores);
    }

    /** Publishes each model's activations as the trainer does; returns the ranges. */
    Map<String, TopicRange> publish(Synthetic s) throws InterruptedException {
        return publish(s, null);
    }

    /** As {@link #publish(Synthetic)}; {@code renamed} (model → MBID replacement of track 0) makes sets differ. */
    Map<String, TopicRange> publish(Synthetic s, Map<String, String> renamed) throws InterruptedException {
        awaitInfrastructure(infra);
        Map<String, TopicRange> ranges = new LinkedHashMap<>();
        for (String model : Sources.ALL) {
            try (ExactlyOnceWriter w =
                    ExactlyOnceWriter.open(infra.bootstrap(), s.runId(), Topics.STAGE_TRAINER, model, "activations")) {
                for (int t = 0; t < s.mbids().size(); t++) {
                    String mbid = t == 0 && renamed != null && renamed.containsKey(model)
                            ? renamed.get(model)
                            : s.mbids().get(t);
                    TrackActivations a = new TrackActivations(
                            s.runId(),
                            mbid,
                            model,
                            s.split()[t],
                            s.labels()[t],
                            s.hidden().get(model)[t],
                            s.scores().get(model)[t]);
                    w.send(Topics.ACTIVATIONS, a.mbid(), Json.bytes(a));
                }
                w.finish(ProgressMark.items((long) s.mbids().size()));
                ranges.put(model, w.outputRange(Topics.ACTIVATIONS));
            }
        }
        return ranges;
    }

    static RunConfig config() {
        return new RunConfig(
                List.of(),
                List.of(),
                false,
                "paper",
                List.of(),
                0.8,
                7,
                TrainParams.paperBase(),
                TrainParams.paperStacked().withMaxEpochs(15));
    }

    Map<String, String> objects(String runId) {
        Map<String, String> o = new TreeMap<>();
        for (String s : Sources.ALL) {
            List<String> vocab = new ArrayList<>();
            for (int k = 0; k < LABELS; k++) {
                vocab.add(s + "-genre-" + k);
            }
            infra.store().putJson(RunPaths.labels(runId, s), Map.of("source", s, "labels", vocab));
            o.put(StageJob.labelsName(s), RunPaths.labels(runId, s));
            o.put(StageJob.modelName(s, ModelKind.BASE), RunPaths.modelParams(runId, s, "base"));
        }
        o.put(StageJob.MANIFEST, RunPaths.manifest(runId));
        o.put(StageJob.RUN, RunPaths.runJson(runId));
        o.put(StageJob.STATS, RunPaths.scalerStats(runId));
        return o;
    }

    void submit(String runId, Map<String, TopicRange> ranges) {
        submit(runId, ranges, config());
    }

    void submit(String runId, Map<String, TopicRange> ranges, RunConfig config) {
        Map<String, String> objects = objects(runId);
        for (String s : Sources.ALL) {
            JobWorker.submit(
                    infra.events(),
                    StageJob.of(
                            runId,
                            Topics.STAGE_STACKER,
                            s,
                            config,
                            Map.of(StageJob.ACTIVATIONS, ranges.get(s)),
                            objects));
        }
    }

    StageJob findEvaluatorJob(String runId, long waitMillis) {
        long deadline = System.currentTimeMillis() + waitMillis;
        try (var c = KafkaClients.reader(infra.bootstrap(), "stacker-test")) {
            // every partition: a job that went elsewhere than the run's home slot fails below, not by a timeout
            List<TopicPartition> tps = c.partitionsFor(Topics.jobs(Topics.STAGE_EVALUATOR)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            do {
                for (var rec : c.poll(Duration.ofMillis(500))) {
                    StageJob j = Json.read(rec.value(), StageJob.class);
                    if (j.runId().equals(runId)) {
                        assertEquals(
                                JobRouting.homePartition(j), rec.partition(), "the evaluator job on its home slot");
                        return j;
                    }
                }
            } while (System.currentTimeMillis() < deadline);
        }
        return null;
    }

    List<RunEvent> events(String runId) throws Exception {
        return TopicScan.runEvents(infra.bootstrap(), runId);
    }

    @Test
    void stacksFourModelsBeatsTheBaseModelsAndPublishesExactlyOnceAfterACrash() throws Exception {
        String runId = "stacker-" + UUID.randomUUID();
        Synthetic s = generate(runId, 600, 11);
        Map<String, TopicRange> ranges = publish(s);
        submit(runId, ranges);
        StageJob evaluator = findEvaluatorJob(runId, 300_000);
        assertNotNull(evaluator, "no evaluator job for " + runId + " within 300 s");

        // the evaluator job: predictions range + all objects passed through + stacked model keys
        assertEquals(Topics.STAGE_EVALUATOR, evaluator.stage());
        assertEquals(StageJob.ALL, evaluator.unit());
        for (String src : Sources.ALL) {
            assertEquals(RunPaths.modelParams(runId, src, "stacked"), evaluator.model(src, ModelKind.STACKED));
            assertEquals(RunPaths.modelParams(runId, src, "base"), evaluator.model(src, ModelKind.BASE));
            assertEquals(RunPaths.labels(runId, src), evaluator.labels(src));
            assertTrue(infra.store().exists(RunPaths.stageState(runId, "stacker", src, "input.json")));
        }
        assertEquals(RunPaths.scalerStats(runId), evaluator.stats());
        assertEquals(config(), evaluator.config());

        // exactly one prediction per (source, tagged track), despite the injected crash
        TopicRange range = evaluator.predictions();
        Map<String, TrackPredictions> got = new HashMap<>();
        List<String> dups = new ArrayList<>();
        RangeReader.read(infra.bootstrap(), range, rec -> {
            TrackPredictions p = Json.read(rec.value(), TrackPredictions.class);
            if (p.runId().equals(runId) && got.put(p.source() + "/" + p.mbid(), p) != null) {
                dups.add(p.source() + "/" + p.mbid());
            }
        });
        assertEquals(List.of(), dups);
        long tagged = 0;
        for (int t = 0; t < s.mbids().size(); t++) {
            tagged += s.labels()[t].size();
        }
        assertEquals(tagged, got.size());
        assertEquals(tagged, range.expectedRecords());

        for (int m = 0; m < Sources.ALL.size(); m++) {
            String src = Sources.ALL.get(m);
            List<float[]> base = new ArrayList<>();
            List<float[]> stacked = new ArrayList<>();
            List<boolean[]> truth = new ArrayList<>();
            int train = 0;
            for (int t = 0; t < s.mbids().size(); t++) {
                List<Integer> ls = s.labels()[t].get(src);
                TrackPredictions p = got.get(src + "/" + s.mbids().get(t));
                if (ls == null) {
                    assertEquals(null, p, "untagged track must not be predicted");
                    continue;
                }
                assertNotNull(p, src + "/" + s.mbids().get(t));
                assertEquals(ls, p.labels());
                assertEquals(s.split()[t], p.split());
                assertArrayEquals(s.scores().get(src)[t], p.baseScores(), "base scores of model " + src);
                assertEquals(LABELS, p.stackedScores().length);
                if (p.split() == Split.VALIDATION) {
                    base.add(p.baseScores());
                    stacked.add(p.stackedScores());
                    boolean[] y = new boolean[LABELS];
                    ls.forEach(l -> y[l] = true);
                    truth.add(y);
                } else {
                    train++;
                }
            }
            double baseAuc = RocAuc.macro(base.toArray(new float[0][]), truth.toArray(new boolean[0][]))
                    .macro();
            double stackedAuc = RocAuc.macro(stacked.toArray(new float[0][]), truth.toArray(new boolean[0][]))
                    .macro();
            System.out.printf(
                    "%s: validation macro AUC base %.4f stacked %.4f (%d validation tracks)%n",
                    src, baseAuc, stackedAuc, truth.size());
            assertTrue(stackedAuc > baseAuc, src + ": stacked " + stackedAuc + " must beat base " + baseAuc);

            // params + provenance in S3; the stored model reproduces the published scores from the raw activations
            byte[] params = infra.store().get(RunPaths.modelParams(runId, src, "stacked"));
            StackedProvenance prov =
                    infra.store().getJson(RunPaths.provenance(runId, src, "stacked"), StackedProvenance.class);
            assertEquals(ranges, prov.inputs());
            assertEquals(Sources.ALL, prov.inputModels());
            assertEquals(4 * HIDDEN, prov.inputDim());
            assertEquals((long) truth.size(), prov.counts().get("validation"));
            assertEquals((long) train, prov.counts().get("train"));
            assertEquals(15, prov.params().maxEpochs());
            assertFalse(prov.history().isEmpty());
            assertTrue(prov.history().size() <= 15);
            assertTrue(
                    prov.bestEpoch() >= 1 && prov.bestEpoch() <= prov.history().size());
            assertEquals(stackedAuc, prov.stackedValMacroAuc(), 1e-4);
            assertEquals(baseAuc, prov.baseValMacroAuc(), 1e-9);
            assertNotNull(prov.djlVersion());
            try (MlpModel model = MlpModel.load(MlpSpec.stacked(4 * HIDDEN, LABELS), params)) {
                for (int t = 0; t < 50; t++) {
                    TrackPredictions p = got.get(src + "/" + s.mbids().get(t));
                    if (p == null) {
                        continue;
                    }
                    float[] x = StackedInput.of(
                            s.hidden().get("allmusic")[t],
                            s.hidden().get("discogs")[t],
                            s.hidden().get("lastfm")[t],
                            s.hidden().get("tagtraum")[t]);
                    float[] y = model.predict(x, 1);
                    for (int k = 0; k < LABELS; k++) {
                        assertEquals(y[k], p.stackedScores()[k], 1e-5, src + " track " + t + " label " + k);
                    }
                }
            }
        }

        List<RunEvent> ev = events(runId);
        assertEquals(
                2,
                ev.stream().filter(e -> e.type().equals(RunEvent.STAGE_STARTED)).count(),
                "first attempt crashed (injected), second resumed: " + ev);
        for (String src : Sources.ALL) {
            assertEquals(
                    1,
                    ev.stream()
                            .filter(e -> e.type().equals(RunEvent.STACKED_MODEL_FINISHED)
                                    && e.unit().equals(src))
                            .count(),
                    "trained once, reused on the retry: " + src);
            // the epochs as typed metrics (what the evaluator's console charts): one event per trained epoch
            RunEvent stacked = ev.stream()
                    .filter(e -> e.type().equals(RunEvent.STACKED_MODEL_FINISHED)
                            && e.unit().equals(src))
                    .findFirst()
                    .orElseThrow();
            List<RunEvent> epochs = ev.stream()
                    .filter(e ->
                            e.type().equals(RunEvent.EPOCH_FINISHED) && e.unit().equals(src))
                    .toList();
            assertEquals(stacked.counts().get("epochs"), (long) epochs.size(), "epoch events of " + src);
            for (int i = 0; i < epochs.size(); i++) {
                RunEvent e = epochs.get(i);
                assertEquals(i + 1L, e.counts().get(RunEvent.EPOCH), src + " epoch numbers");
                assertTrue(e.counts().get(RunEvent.EPOCHS) >= epochs.size(), "most epochs: " + e.counts());
                for (String m : List.of(RunEvent.TRAIN_LOSS, RunEvent.VAL_LOSS, RunEvent.VAL_MACRO_AUC)) {
                    Double v = e.metrics().get(m);
                    assertTrue(v != null && Double.isFinite(v), src + " epoch " + (i + 1) + " " + m + ": " + v);
                }
                assertTrue(
                        e.metrics().get(RunEvent.VAL_MACRO_AUC) <= 1,
                        e.metrics().toString());
                assertTrue(
                        e.message().contains(String.format("%.4f", e.metrics().get(RunEvent.VAL_MACRO_AUC))),
                        "the message's AUC is the typed one: " + e.message() + " " + e.metrics());
            }
        }
        RunEvent done = ev.stream()
                .filter(e -> e.type().equals(RunEvent.PREDICTIONS_FINISHED))
                .findFirst()
                .orElseThrow();
        assertEquals(tagged, done.counts().get("predictions"));
        long sum = 0;
        for (String src : Sources.ALL) {
            sum += done.counts().get(src + ".train") + done.counts().get(src + ".validation");
        }
        assertEquals(tagged, sum, "per-source counts balance");
    }

    /**
     * A run that asks for ablations ({@code own}, {@code leave-one-out} and an explicit pair): each source's
     * {@code ablations/<source>.json} has every subset, trained on only its blocks (256 × its sources inputs); the
     * full model's row is the stacked provenance's AUC, and its bootstrap interval is the one recomputed here from the
     * published validation predictions in MBID order with the run's seed (the evaluator's resamples). Every model's
     * hidden vector is an independent noisy view of the same latent labels, so one view (own) must do worse than
     * four. The injected crash makes the job retry: the ablations are not trained again.
     */
    @Test
    void ablationsTrainEveryRequestedSubsetAndCompareItWithTheFullModel() throws Exception {
        String runId = "stacker-ablate-" + UUID.randomUUID();
        Synthetic s = generate(runId, 600, 13);
        Map<String, TopicRange> ranges = publish(s);
        RunConfig config = config().withAblations(List.of("own", "leave-one-out", "allmusic+discogs"));
        submit(runId, ranges, config);
        StageJob evaluator = findEvaluatorJob(runId, 600_000);
        assertNotNull(evaluator, "no evaluator job for " + runId + " within 600 s");
        assertEquals(config, evaluator.config());
        Map<String, TrackPredictions> got = new HashMap<>();
        RangeReader.read(infra.bootstrap(), evaluator.predictions(), rec -> {
            TrackPredictions p = Json.read(rec.value(), TrackPredictions.class);
            if (p.runId().equals(runId)) {
                got.put(p.source() + "/" + p.mbid(), p);
            }
        });
        List<RunEvent> ev = events(runId);
        Instant retried = ev.stream()
                .filter(e -> e.type().equals(RunEvent.STAGE_STARTED))
                .map(RunEvent::time)
                .max(Comparator.naturalOrder())
                .orElseThrow();
        for (String src : Sources.ALL) {
            var report = infra.store().getJson(RunPaths.ablations(runId, src), AblationReport.class);
            StackedProvenance prov =
                    infra.store().getJson(RunPaths.provenance(runId, src, "stacked"), StackedProvenance.class);
            assertEquals(src, report.source());
            assertEquals(config.ablations(), report.requested());
            assertEquals(ranges, report.inputs());
            assertEquals(1000, report.resamples());
            assertEquals(config.seed(), report.seed());
            assertTrue(report.finished().isBefore(retried), "written once, before the retry: " + report.finished());
            assertEquals(prov.counts().get("validation"), (long) report.validationTracks());

            // the reference: the run's stacked model itself
            var full = report.full();
            assertEquals("full", full.name());
            assertEquals(Sources.ALL, full.inputModels());
            assertEquals(4 * HIDDEN, full.inputDim());
            assertEquals(prov.stackedValMacroAuc(), full.valMacroAuc(), 1e-6, src + " full = stacked provenance");

            // its interval, recomputed from the published validation scores (MBID order, the run's seed)
            List<String> val = new ArrayList<>();
            for (int t = 0; t < s.mbids().size(); t++) {
                if (s.labels()[t].containsKey(src) && s.split()[t] == Split.VALIDATION) {
                    val.add(s.mbids().get(t));
                }
            }
            Collections.sort(val);
            float[][] scores = new float[val.size()][];
            boolean[][] truth = new boolean[val.size()][LABELS];
            for (int i = 0; i < val.size(); i++) {
                TrackPredictions p = got.get(src + "/" + val.get(i));
                scores[i] = p.stackedScores();
                for (int l : p.labels()) {
                    truth[i][l] = true;
                }
            }
            double[] resampled = Bootstrap.macros(
                    scores, truth, Bootstrap.weights(Bootstrap.indices(config.seed(), val.size(), 1000), val.size()));
            var expected = Bootstrap.compare(resampled, resampled, 0.95).base();
            assertEquals(expected.low(), full.interval().low(), 1e-3, src + " full interval low");
            assertEquals(expected.high(), full.interval().high(), 1e-3, src + " full interval high");

            // every requested subset, in the order asked
            List<String> others =
                    Sources.ALL.stream().filter(x -> !x.equals(src)).toList();
            List<String> names = new ArrayList<>(List.of("own"));
            others.forEach(o -> names.add("without-" + o));
            names.add("allmusic+discogs");
            assertEquals(
                    names,
                    report.subsets().stream().map(AblationReport.Model::name).toList());
            for (var a : report.subsets()) {
                String what = src + " " + a.name();
                assertEquals(null, a.skipped(), what);
                List<String> inputs = a.name().equals("own")
                        ? List.of(src)
                        : a.name().startsWith("without-")
                                ? Sources.ALL.stream()
                                        .filter(x -> !x.equals(a.name().substring(8)))
                                        .toList()
                                : List.of("allmusic", "discogs");
                assertEquals(inputs, a.inputModels(), what);
                assertEquals(HIDDEN * inputs.size(), a.inputDim(), what);
                assertTrue(a.valMacroAuc() > 0.6 && a.valMacroAuc() <= 1, what + ": " + a.valMacroAuc());
                assertTrue(a.bestEpoch() >= 1 && a.bestEpoch() <= a.epochs() && a.epochs() <= 15, what);
                assertEquals(a.epochs(), a.history().size(), what);
                assertEquals(a.valMacroAuc(), a.history().get(a.bestEpoch() - 1).validationMacroAuc(), 1e-6, what);
                assertEquals(
                        a.valMacroAuc() - full.valMacroAuc(), a.difference().observed(), 1e-12, what);
                assertTrue(a.interval().low() <= a.interval().high(), what);
                assertTrue(a.difference().low() <= a.difference().high(), what);
                assertTrue(a.difference().wins() >= 0 && a.difference().wins() <= 1, what);
                assertEquals(1000, a.validResamples(), what);
                System.out.printf(
                        "%s: %s AUC %.4f (full %.4f), difference %.4f [%.4f, %.4f]%n",
                        src,
                        a.name(),
                        a.valMacroAuc(),
                        full.valMacroAuc(),
                        a.difference().observed(),
                        a.difference().low(),
                        a.difference().high());
            }
            var own = report.subset("own");
            assertTrue(own.difference().observed() < 0, src + ": one view must do worse than four: " + own);
            assertTrue(own.difference().high() < 0, src + ": significantly: " + own.difference());
        }
    }

    RunEvent awaitFailure(String runId) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            var failed = events(runId).stream()
                    .filter(e -> e.type().equals(RunEvent.STAGE_FAILED))
                    .findFirst();
            if (failed.isPresent()) {
                return failed.get();
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the stacker job of " + runId + " did not fail within 120 s");
    }

    @Test
    void modelsCoveringDifferentTracksFailTheJobNamingTheDifference() throws Exception {
        String runId = "stacker-tracks-" + UUID.randomUUID();
        Synthetic s = generate(runId, 30, 3);
        String stranger = new UUID(999, 999).toString();
        submit(runId, publish(s, Map.of("discogs", stranger)));
        RunEvent failed = awaitFailure(runId);
        assertTrue(failed.message().contains("cover different tracks"), failed.message());
        assertTrue(failed.message().contains(s.mbids().get(0)), failed.message());
        assertTrue(failed.message().contains(stranger), failed.message());
        assertEquals(null, findEvaluatorJob(runId, 1000));
    }

    @Test
    void aPartialActivationsRangeFailsTheJobAndPublishesNothing() throws Exception {
        String runId = "stacker-partial-" + UUID.randomUUID();
        Synthetic s = generate(runId, 40, 5);
        Map<String, TopicRange> ranges = new LinkedHashMap<>(publish(s));
        TopicRange lastfm = ranges.get("lastfm");
        ranges.put("lastfm", new TopicRange(lastfm.topic(), lastfm.partitions(), lastfm.expectedRecords() + 3));
        submit(runId, ranges);
        long deadline = System.currentTimeMillis() + 120_000;
        RunEvent failed = null;
        while (failed == null && System.currentTimeMillis() < deadline) {
            failed = events(runId).stream()
                    .filter(e -> e.type().equals(RunEvent.STAGE_FAILED))
                    .findFirst()
                    .orElse(null);
            if (failed == null) {
                Thread.sleep(1000);
            }
        }
        assertNotNull(failed, "the stacker job of a partial set must fail");
        assertTrue(failed.message().contains("refusing to stack a partial set"), failed.message());
        assertTrue(failed.message().contains("lastfm"), failed.message());
        assertEquals(null, findEvaluatorJob(runId, 1000));
        assertFalse(infra.store().exists(RunPaths.modelParams(runId, "lastfm", "stacked")));
    }
}
