package io.genrestack.extractor;

import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.features.FeatureManifest;
import io.genrestack.common.io.OrderedPipeline;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.extractor.groundtruth.GroundTruth;
import io.genrestack.extractor.input.InputItem;
import io.genrestack.extractor.input.InputRoots;
import io.genrestack.extractor.input.InputScanner;
import io.genrestack.extractor.input.Progress;
import io.genrestack.extractor.input.S3Inputs;
import io.genrestack.platform.StageRun;
import io.genrestack.platform.StageTemplate;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The extractor's job for a run: ground truth → joint split → label vocabularies and feature manifest (object
 * storage) → every input document flattened and published to {@code track-features} exactly once, bad items to
 * {@code dead-letters} with the reason, in chunks of {@code checkpoint-every} items whose Kafka transaction also
 * carries the progress mark (items consumed so far). A restarted extraction skips the committed items without
 * parsing them. The last transaction carries the scaler's job with the run's exact record range and counts; for a
 * prediction run ({@link RunConfig#predicting()}: no ground truth, unlabelled tracks flattened with the model run's
 * manifest) the stacker's {@link StageJob#PREDICT} job instead.
 */
@ApplicationScoped
public class ExtractorStage extends StageTemplate {
    private static final Logger LOG = Logger.getLogger(ExtractorStage.class);
    public static final String STEP = "publish";

    @Inject
    ExtractorSettings settings;

    private volatile S3Inputs s3;

    /** The reader of {@code s3://} inputs (one client per allowed bucket, kept for the service's life). */
    private synchronized S3Inputs s3() {
        if (s3 == null) {
            s3 = new S3Inputs(infra().store().config(), settings.inputBuckets().orElse(List.of()));
        }
        return s3;
    }

    @PreDestroy
    void closeS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    public String stage() {
        return Topics.STAGE_EXTRACTOR;
    }

    /**
     * How one extraction runs: {@code threads} parse-and-flatten workers (1: all on the job's thread), a window of
     * {@code window} items between the reader and the publisher, {@code checkpointEvery} items per chunk.
     */
    record Tuning(int threads, int window, int checkpointEvery) {
        static Tuning of(int threads, int checkpointEvery) {
            return new Tuning(threads, 2 * threads, checkpointEvery);
        }
    }

    @Override
    public void handle(StageJob job) throws Exception {
        handle(job, Tuning.of(settings.threadCount(), settings.checkpointEvery()));
    }

    void handle(StageJob job, Tuning tuning) throws Exception {
        String run = job.runId();
        RunConfig cfg = job.config();
        try (StageRun out = open(job, STEP)) {
            if (out.alreadyDone()) {
                return;
            }
            out.started("extracting " + cfg.inputs()
                    + (cfg.predicting()
                            ? " (unlabelled, for the models of run " + cfg.modelRun() + ")"
                            : " with ground truth " + cfg.groundTruth()));
            ExactlyOnceWriter writer = out.writer();
            InputRoots roots = new InputRoots(settings.inputRoots());
            RunSetup setup = RunSetup.forRun(run, cfg, roots, infra().store(), s3());
            setup.store(infra().store(), run, cfg);
            // ground-truth rows that cannot be used are dead letters too (first incarnation only)
            if (writer.resumePoint() == null) {
                for (GroundTruth.Problem p : setup.problems()) {
                    writer.send(
                            Topics.DEAD_LETTERS,
                            p.mbid() == null ? p.file() + ":" + p.line() : p.mbid(),
                            Json.bytes(DeadLetter.of(
                                    run,
                                    stage(),
                                    p.mbid(),
                                    p.file() + ":" + p.line(),
                                    p.source() + " ground truth: " + p.reason(),
                                    null)));
                    writer.count("deadLetters", 1);
                    writer.count("deadLetters.groundTruth", 1);
                }
            }
            publishTracks(job, setup, out, roots, tuning);
            writer.flush();
            TopicRange range = writer.outputRange(Topics.TRACK_FEATURES);
            Map<String, String> objects = new TreeMap<>();
            objects.put(StageJob.MANIFEST, RunPaths.manifest(run));
            objects.put(StageJob.RUN, RunPaths.runJson(run));
            for (String s : setup.vocabularies().keySet()) {
                objects.put(StageJob.labelsName(s), RunPaths.labels(run, s));
            }
            // a prediction run skips scaler, trainer and evaluator: the stacker predicts with the model run's models
            StageJob next = cfg.predicting()
                    ? StageJob.of(
                            run, Topics.STAGE_STACKER, StageJob.PREDICT, cfg, Map.of(StageJob.FEATURES, range), objects)
                    : StageJob.of(
                            run, Topics.STAGE_SCALER, StageJob.ALL, cfg, Map.of(StageJob.FEATURES, range), objects);
            out.handOver(next, ProgressMark.items(writer.count("items")));
            Map<String, Long> counts = new LinkedHashMap<>(summaryCounts(writer));
            infra().store().putJson(RunPaths.extractorSummary(run), counts);
            out.event(
                    RunEvent.EXTRACTION_FINISHED,
                    "published " + range.expectedRecords() + " tracks, " + writer.count("deadLetters")
                            + " dead letters",
                    counts,
                    objects);
        }
    }

    private static Map<String, Long> summaryCounts(ExactlyOnceWriter w) {
        Map<String, Long> c = new TreeMap<>();
        w.counts().forEach((k, v) -> {
            if (!k.startsWith("out:")) {
                c.put(k, v);
            }
        });
        c.put("published", w.count("out:" + Topics.TRACK_FEATURES));
        return c;
    }

    /** One input item as the publishing thread sees it: the item and its record or refusal (null: skipped). */
    private record Built(InputItem item, TrackBuilder.Outcome outcome) {
        static final Built SKIPPED = new Built(null, null);
    }

    private void publishTracks(StageJob job, RunSetup setup, StageRun out, InputRoots roots, Tuning tuning) {
        String run = job.runId();
        ExactlyOnceWriter writer = out.writer();
        long resumeAt = out.itemsConsumed();
        List<String> inputs = job.config().inputs();
        InputScanner scanner = new InputScanner(settings.maxDocumentBytes(), roots, s3());
        long total = scanner.countLocations(inputs);
        Progress progress = new Progress("extract " + run, total, Duration.ofSeconds(settings.progressSeconds()));
        TrackBuilder tracks = new TrackBuilder(run, setup);
        long[] index = {0};
        long[] sinceCheckpoint = {0};
        // the reader thread scans and claims (duplicate index) in input order, workers parse and flatten, and this
        // thread publishes in input order: the writer sees the sequence one thread would give it
        OrderedPipeline.Source<Built> source = emit -> scanner.scanLocations(inputs, item -> {
            long i = index[0]++;
            if (i < resumeAt) {
                if (item instanceof InputItem.JsonDoc d) {
                    tracks.remember(d); // rebuild duplicate detection without parsing
                }
                emit.accept(OrderedPipeline.Step.done(Built.SKIPPED));
                return;
            }
            emit.accept(prepare(tracks, item));
        });
        OrderedPipeline.run(tuning.threads(), tuning.window(), source, built -> {
            if (built == Built.SKIPPED) {
                progress.step();
                return;
            }
            String reason = process(run, built, writer);
            writer.count("items", 1);
            count("read", 1);
            if (reason == null) {
                count("published", 1);
                progress.step();
            } else {
                count("dead-lettered", 1);
                progress.stepFailed();
            }
            if (++sinceCheckpoint[0] >= tuning.checkpointEvery()) {
                writer.checkpoint(ProgressMark.items(writer.count("items")));
                sinceCheckpoint[0] = 0;
            }
            String line = progress.lineIfDue();
            if (line != null) {
                LOG.info(line);
                out.event(
                        RunEvent.PROGRESS,
                        line,
                        Map.of(
                                "items",
                                writer.count("items"),
                                "published",
                                writer.count("published"),
                                "deadLetters",
                                writer.count("deadLetters"),
                                "total",
                                total),
                        null);
            }
        });
        LOG.info(progress.line());
    }

    /**
     * On the reader thread, in input order: a bad item or a duplicate is refused at once; any other document is
     * claimed and left to a worker to build.
     */
    private static OrderedPipeline.Step<Built> prepare(TrackBuilder tracks, InputItem item) {
        if (item instanceof InputItem.BadItem bad) {
            return OrderedPipeline.Step.done(new Built(bad, new TrackBuilder.Outcome(null, bad.reason())));
        }
        InputItem.JsonDoc doc = (InputItem.JsonDoc) item;
        TrackBuilder.Outcome duplicate = tracks.claim(doc);
        if (duplicate != null) {
            return OrderedPipeline.Step.done(new Built(doc, duplicate));
        }
        return OrderedPipeline.Step.work(() -> new Built(doc, tracks.assemble(doc)));
    }

    /** Publishes one item; returns null, or the dead-letter reason. */
    private String process(String run, Built built, ExactlyOnceWriter writer) {
        InputItem item = built.item();
        String key = item.name();
        byte[] payload = null;
        if (item instanceof InputItem.JsonDoc doc) {
            key = doc.mbid();
            payload = doc.bytes();
            if (built.outcome().track() != null) {
                publish(built.outcome().track(), writer);
                return null;
            }
        }
        String reason = built.outcome().reason();
        writer.send(
                Topics.DEAD_LETTERS, key, Json.bytes(DeadLetter.of(run, stage(), key, item.name(), reason, payload)));
        writer.count("deadLetters", 1);
        return reason;
    }

    private static void publish(TrackFeatures t, ExactlyOnceWriter writer) {
        writer.send(Topics.TRACK_FEATURES, t.mbid(), Json.bytes(t));
        writer.count("published", 1);
        String side = t.split() == null ? "unlabelled" : t.split() == Split.TRAIN ? "train" : "validation";
        writer.count(side, 1);
        for (String s : t.labels().keySet()) {
            writer.count("source." + s + "." + side, 1);
        }
    }

    static List<String> sources() {
        return Sources.ALL;
    }

    static FeatureManifest manifest(RunConfig cfg) {
        return FeatureManifest.forPreset(cfg.preset(), cfg.exclusions());
    }
}
