package io.genrestack.evaluator;

import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.io.PathTrees;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.model.AblationReport;
import io.genrestack.common.model.LabelVocabulary;
import io.genrestack.common.model.ModelKind;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackPredictions;
import io.genrestack.common.model.TrainingCurve;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.StageTemplate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The evaluator's job for a run (stage {@code evaluator}, unit {@code all}), submitted by the stacker at the end:
 * reads the run's whole {@code predictions} range (train and validation, every source), refuses a partial set
 * (the run's record count must equal the range's expected count, no record may be unreadable or inconsistent),
 * evaluates every source ({@link SourceEvaluation}), writes the report files under {@code runs/<run>/reports/}
 * (report.json last, so its presence means a complete report) and publishes {@code report-ready}. Re-running
 * overwrites the same keys. A failed attempt leaves {@code reports/failure.json} with the reason (removed by the
 * next success), so {@code GET /runs} can say why a run has no report.
 */
@ApplicationScoped
public class EvaluatorStage extends StageTemplate {
    private static final Logger LOG = Logger.getLogger(EvaluatorStage.class);
    public static final String FAILURE = "failure.json";

    @Inject
    EvaluatorSettings settings;

    /** What {@code reports/failure.json} holds. */
    public record Failure(String runId, Instant time, String message) {}

    @Override
    public String stage() {
        return Topics.STAGE_EVALUATOR;
    }

    @Override
    public void handle(StageJob job) throws Exception {
        String run = job.runId();
        try {
            evaluate(job);
        } catch (Exception e) {
            try {
                infra().store()
                        .putJson(
                                RunPaths.reports(run) + FAILURE,
                                new Failure(run, Instant.now(), String.valueOf(e.getMessage())));
            } catch (RuntimeException storeFailure) {
                e.addSuppressed(storeFailure);
            }
            throw e;
        }
    }

    private void evaluate(StageJob job) throws Exception {
        String run = job.runId();
        TopicRange input = job.predictions();
        long t0 = System.nanoTime();
        event(
                run,
                job.unit(),
                RunEvent.STAGE_STARTED,
                "evaluating " + input.expectedRecords() + " predictions",
                null,
                null);

        Map<String, LabelVocabulary> vocabularies = vocabularies(job);
        List<SourceEvaluation> evaluations = new ArrayList<>();
        List<String> withoutPredictions = new ArrayList<>();
        Map<String, Long> tracks = new LinkedHashMap<>();
        Path work = infra().workDir()
                .resolve(run)
                .resolve(stage())
                .resolve(java.util.UUID.randomUUID().toString());
        Map<String, ColumnStore> stores = new LinkedHashMap<>();
        try {
            stores.putAll(read(run, input, vocabularies, work));
            for (Map.Entry<String, LabelVocabulary> v : vocabularies.entrySet()) {
                String source = v.getKey();
                try (ColumnStore store = stores.remove(source)) { // files deleted once evaluated
                    if (store.train().tracks() + store.validation().tracks() == 0) {
                        withoutPredictions.add(source);
                        continue;
                    }
                    evaluations.add(SourceEvaluation.evaluate(
                            source,
                            store.labels(),
                            store.train(),
                            store.validation(),
                            provenance(job, source),
                            settings.options(seed(job)),
                            work.resolve("scratch")));
                    tracks.put(source, (long)
                            (store.train().tracks() + store.validation().tracks()));
                    LOG.infof(
                            "[%s] evaluated %s: %d train, %d validation tracks, %d labels (%d MiB of column files)",
                            run,
                            source,
                            store.train().tracks(),
                            store.validation().tracks(),
                            store.labels().size(),
                            store.diskBytes() >> 20);
                }
            }
        } finally {
            stores.values().forEach(ColumnStore::close);
            deleteTree(work);
        }
        if (evaluations.isEmpty()) {
            throw new IllegalStateException("run " + run + " has no predictions to evaluate");
        }

        ReportBuilder.Built built = ReportBuilder.build(
                run,
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                input.expectedRecords(),
                evaluations,
                withoutPredictions,
                new java.util.TreeMap<>(job.objects()),
                job.config(),
                training(job, evaluations),
                ablations(job, evaluations));
        String prefix = RunPaths.reports(run);
        List<String> names = new ArrayList<>(built.files().keySet());
        names.remove(ReportBuilder.JSON);
        names.add(ReportBuilder.JSON); // last: its presence means the report is complete
        for (String name : names) {
            ReportBuilder.ReportFile f = built.files().get(name);
            infra().store().put(prefix + name, f.bytes(), f.contentType());
        }
        if (infra().store().exists(prefix + FAILURE)) {
            infra().store().delete(prefix + FAILURE);
        }
        count("published", evaluations.size());

        StringBuilder msg = new StringBuilder("report ready");
        built.report()
                .sources()
                .forEach((s, r) -> msg.append(String.format(
                        java.util.Locale.ROOT,
                        "; %s macro AUC base %s stacked %s",
                        s,
                        Text.num(r.base().macroAuc(), 4),
                        Text.num(r.stacked().macroAuc(), 4))));
        msg.append(String.format(java.util.Locale.ROOT, " (%.1f s)", (System.nanoTime() - t0) / 1e9));
        event(
                run,
                job.unit(),
                RunEvent.REPORT_READY,
                msg.toString(),
                tracks,
                built.report().files());
    }

    /**
     * Seed of the bootstrap resamples: the run config's seed, or {@link RunConfig#defaults}' for a job without a
     * config.
     */
    static long seed(StageJob job) {
        RunConfig config = job.config() != null ? job.config() : RunConfig.defaults(List.of(), List.of());
        return config.seed();
    }

    /** The vocabularies named by the job ({@code labels.<source>}), in {@link Sources#ALL} order, then by name. */
    private Map<String, LabelVocabulary> vocabularies(StageJob job) {
        TreeSet<String> names = new TreeSet<>((a, b) -> {
            int ia = Sources.ALL.indexOf(a);
            int ib = Sources.ALL.indexOf(b);
            if (ia >= 0 || ib >= 0) {
                return ia < 0 ? 1 : ib < 0 ? -1 : Integer.compare(ia, ib);
            }
            return a.compareTo(b);
        });
        names.addAll(job.labelSources());
        Map<String, LabelVocabulary> out = new LinkedHashMap<>();
        for (String source : names) {
            out.put(source, vocabulary(job, source));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("evaluator job " + job.key() + " names no vocabulary (labels.<source>)");
        }
        return out;
    }

    /**
     * Reads the whole range into one {@link ColumnStore} per source (column files under {@code work}); fails on any
     * unreadable or inconsistent record, a source without vocabulary, or a bad count (a bad count is reported first).
     */
    private Map<String, ColumnStore> read(
            String run, TopicRange input, Map<String, LabelVocabulary> vocabularies, Path work) throws Exception {
        Map<String, ColumnStore> stores = new LinkedHashMap<>();
        boolean done = false;
        try {
            for (Map.Entry<String, LabelVocabulary> v : vocabularies.entrySet()) {
                stores.put(
                        v.getKey(),
                        new ColumnStore(
                                work.resolve(v.getKey()),
                                v.getKey(),
                                v.getValue().labels()));
            }
            long[] count = {0};
            String[] unknown = {null};
            RuntimeException[] invalid = {null};
            RangeReader.read(infra().bootstrap(), input, r -> {
                TrackPredictions p;
                try {
                    p = Json.read(r.value(), TrackPredictions.class);
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(
                            "unreadable predictions record at " + r.topic() + "-"
                                    + r.partition() + "@" + r.offset() + " (key " + r.key() + "): " + e.getMessage()
                                    + "; refusing to report on a partial set",
                            e);
                }
                if (!run.equals(p.runId())) {
                    return;
                }
                count[0]++;
                ColumnStore store = stores.get(String.valueOf(p.source()));
                if (store == null) {
                    unknown[0] = unknown[0] == null ? String.valueOf(p.source()) : unknown[0];
                } else if (invalid[0] == null) { // after the first bad record: only counted, the job fails
                    try {
                        store.add(p);
                    } catch (IllegalArgumentException e) {
                        invalid[0] = e;
                    }
                }
            });
            count("read", count[0]);
            if (count[0] != input.expectedRecords()) {
                throw new IllegalStateException("run " + run + ": the stacker announced " + input.expectedRecords()
                        + " predictions in " + input.topic() + " but the range holds " + count[0]
                        + " of the run; refusing to report on a partial set");
            }
            if (unknown[0] != null) {
                throw new IllegalStateException("run " + run + " has predictions for source '" + unknown[0]
                        + "' but the job names no vocabulary for it (object " + StageJob.labelsName(unknown[0]) + ")");
            }
            if (invalid[0] != null) {
                throw invalid[0];
            }
            for (ColumnStore s : stores.values()) {
                s.finish();
            }
            done = true;
            return stores;
        } finally {
            if (!done) {
                stores.values().forEach(ColumnStore::close);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try {
            PathTrees.deleteRecursively(dir);
        } catch (java.io.IOException e) {
            LOG.warnf("could not delete the evaluator's work dir %s: %s", dir, e.getMessage());
        }
    }

    /**
     * The training curves of the evaluated sources' models: each model the job names ({@link StageJob#model}) has its
     * provenance.json next to its parameters ({@link RunPaths#provenance}); one that is missing, unreadable or has
     * no history is left out (logged), it does not fail the report.
     */
    private Map<String, Map<String, TrainingCurve>> training(StageJob job, List<SourceEvaluation> evaluations) {
        Map<String, Map<String, TrainingCurve>> out = new LinkedHashMap<>();
        for (SourceEvaluation e : evaluations) {
            Map<String, TrainingCurve> models = new LinkedHashMap<>();
            for (String kind : List.of(ModelKind.BASE, ModelKind.STACKED)) {
                if (job.model(e.source(), kind) == null) {
                    continue;
                }
                String key = RunPaths.provenance(job.runId(), e.source(), kind);
                try {
                    infra().store()
                            .getJsonIfExists(key, TrainingCurve.class)
                            .filter(TrainingCurve::drawable)
                            .ifPresentOrElse(
                                    c -> models.put(kind, c),
                                    () -> LOG.infof("[%s] no training history in %s", job.runId(), key));
                } catch (RuntimeException ex) {
                    LOG.warnf("[%s] cannot read the training history of %s: %s", job.runId(), key, ex.getMessage());
                }
            }
            if (!models.isEmpty()) {
                out.put(e.source(), models);
            }
        }
        return out;
    }

    /**
     * The stacker's ablations of the evaluated sources ({@link RunPaths#ablations}) when the run asked for some; one
     * that is missing or unreadable is left out (logged, and the report says so), it does not fail the report.
     */
    private Map<String, AblationReport> ablations(StageJob job, List<SourceEvaluation> evaluations) {
        Map<String, AblationReport> out = new LinkedHashMap<>();
        if (job.config() == null || job.config().ablations().isEmpty()) {
            return out;
        }
        for (SourceEvaluation e : evaluations) {
            String key = RunPaths.ablations(job.runId(), e.source());
            try {
                infra().store()
                        .getJsonIfExists(key, AblationReport.class)
                        .ifPresentOrElse(
                                a -> out.put(e.source(), a),
                                () -> LOG.warnf("[%s] ablations asked but %s is missing", job.runId(), key));
            } catch (RuntimeException ex) {
                LOG.warnf("[%s] cannot read the ablations %s: %s", job.runId(), key, ex.getMessage());
            }
        }
        return out;
    }

    /** The source's provenance: vocabulary and model keys from the job. */
    private static Map<String, String> provenance(StageJob job, String source) {
        Map<String, String> o = new LinkedHashMap<>();
        put(o, "labels", job.labels(source));
        put(o, "baseModel", job.model(source, ModelKind.BASE));
        put(o, "stackedModel", job.model(source, ModelKind.STACKED));
        return o;
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
