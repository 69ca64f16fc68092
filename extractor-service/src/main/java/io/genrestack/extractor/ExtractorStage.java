package io.genrestack.extractor;

import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.features.FeatureException;
import io.genrestack.common.features.FeatureManifest;
import io.genrestack.common.features.Flattener;
import io.genrestack.common.kafka.ExactlyOnceWriter;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.LabelVocabulary;
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
import io.genrestack.platform.StageRun;
import io.genrestack.platform.StageTemplate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The extractor's job for a run: ground truth → joint split → label vocabularies and feature manifest (object
 * storage) → every input document flattened and published to {@code track-features} exactly once, bad items to
 * {@code dead-letters} with the reason, in chunks of {@code checkpoint-every} items whose Kafka transaction also
 * carries the progress mark (items consumed so far). A restarted extraction skips the committed items without
 * parsing them. The last transaction carries the scaler's job with the run's exact record range and counts.
 */
@ApplicationScoped
public class ExtractorStage extends StageTemplate {
    private static final Logger LOG = Logger.getLogger(ExtractorStage.class);
    public static final String STEP = "publish";

    @Inject
    ExtractorSettings settings;

    @Override
    public String stage() {
        return Topics.STAGE_EXTRACTOR;
    }

    @Override
    public void handle(StageJob job) throws Exception {
        String run = job.runId();
        RunConfig cfg = job.config();
        try (StageRun out = open(job, STEP)) {
            if (out.alreadyDone()) {
                return;
            }
            out.started("extracting " + cfg.inputs() + " with ground truth " + cfg.groundTruth());
            ExactlyOnceWriter writer = out.writer();
            InputRoots roots = new InputRoots(settings.inputRoots());
            RunSetup setup = RunSetup.prepare(run, cfg, roots);
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
            publishTracks(job, setup, out, roots);
            writer.flush();
            TopicRange range = writer.outputRange(Topics.TRACK_FEATURES);
            Map<String, String> objects = new TreeMap<>();
            objects.put(StageJob.MANIFEST, RunPaths.manifest(run));
            objects.put(StageJob.RUN, RunPaths.runJson(run));
            for (String s : setup.vocabularies().keySet()) {
                objects.put(StageJob.labelsName(s), RunPaths.labels(run, s));
            }
            StageJob next =
                    StageJob.of(run, Topics.STAGE_SCALER, StageJob.ALL, cfg, Map.of(StageJob.FEATURES, range), objects);
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

    private void publishTracks(StageJob job, RunSetup setup, StageRun out, InputRoots roots) {
        String run = job.runId();
        ExactlyOnceWriter writer = out.writer();
        long resumeAt = out.itemsConsumed();
        List<Path> inputs = job.config().inputs().stream().map(Path::of).toList();
        InputScanner scanner = new InputScanner(settings.maxDocumentBytes(), roots);
        long total = scanner.countCandidates(inputs);
        Progress progress = new Progress("extract " + run, total, Duration.ofSeconds(settings.progressSeconds()));
        Flattener flattener = new Flattener(setup.manifest());
        Map<String, String> seen = new HashMap<>(); // mbid → first input name (duplicate detection)
        long[] index = {0};
        long[] sinceCheckpoint = {0};
        scanner.scan(inputs, item -> {
            long i = index[0]++;
            if (i < resumeAt) {
                if (item instanceof InputItem.JsonDoc d) {
                    seen.putIfAbsent(d.mbid(), d.name()); // rebuild duplicate detection without parsing
                }
                progress.step();
                return;
            }
            String reason = process(run, setup, flattener, item, seen, writer);
            writer.count("items", 1);
            count("read", 1);
            if (reason == null) {
                count("published", 1);
                progress.step();
            } else {
                count("dead-lettered", 1);
                progress.stepFailed();
            }
            if (++sinceCheckpoint[0] >= settings.checkpointEvery()) {
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
                                writer.count("deadLetters")),
                        null);
            }
        });
        LOG.info(progress.line());
    }

    /** Publishes one item; returns null, or the dead-letter reason. */
    private String process(
            String run,
            RunSetup setup,
            Flattener flattener,
            InputItem item,
            Map<String, String> seen,
            ExactlyOnceWriter writer) {
        String reason;
        String key = item.name();
        byte[] payload = null;
        if (item instanceof InputItem.BadItem bad) {
            reason = bad.reason();
        } else {
            InputItem.JsonDoc doc = (InputItem.JsonDoc) item;
            key = doc.mbid();
            payload = doc.bytes();
            reason = publishDoc(run, setup, flattener, doc, seen, writer);
            if (reason == null) {
                return null;
            }
        }
        writer.send(
                Topics.DEAD_LETTERS, key, Json.bytes(DeadLetter.of(run, stage(), key, item.name(), reason, payload)));
        writer.count("deadLetters", 1);
        return reason;
    }

    private String publishDoc(
            String run,
            RunSetup setup,
            Flattener flattener,
            InputItem.JsonDoc doc,
            Map<String, String> seen,
            ExactlyOnceWriter writer) {
        String first = seen.putIfAbsent(doc.mbid(), doc.name());
        if (first != null) {
            return "duplicate recording MBID " + doc.mbid() + " (first seen in " + first + ")";
        }
        Split split = setup.split(doc.mbid());
        if (split == null) {
            return "unknown recording MBID " + doc.mbid() + ": no ground-truth row in any source";
        }
        Map<String, List<Integer>> labels = new TreeMap<>();
        for (var e : setup.vocabularies().entrySet()) {
            var row = setup.row(e.getKey(), doc.mbid());
            if (row == null) {
                continue;
            }
            LabelVocabulary vocab = e.getValue();
            List<String> unknown = vocab.unknown(row.labels());
            if (!unknown.isEmpty()) {
                return e.getKey() + " labels " + unknown + " are not in the training vocabulary";
            }
            List<Integer> idx = new ArrayList<>();
            for (String l : row.labels()) {
                idx.add(vocab.indexOf(l));
            }
            idx.sort(null);
            labels.put(e.getKey(), idx);
        }
        if (labels.isEmpty()) {
            return "no usable labels in any source";
        }
        float[] features;
        try {
            features = flattener.flatten(doc.bytes());
        } catch (FeatureException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            return "cannot flatten: " + e;
        }
        TrackFeatures t =
                new TrackFeatures(run, doc.mbid(), split, setup.releaseGroup(doc.mbid()), doc.name(), labels, features);
        writer.send(Topics.TRACK_FEATURES, doc.mbid(), Json.bytes(t));
        writer.count("published", 1);
        writer.count(split == Split.TRAIN ? "train" : "validation", 1);
        for (String s : labels.keySet()) {
            writer.count("source." + s + "." + (split == Split.TRAIN ? "train" : "validation"), 1);
        }
        return null;
    }

    static List<String> sources() {
        return Sources.ALL;
    }

    static FeatureManifest manifest(RunConfig cfg) {
        return FeatureManifest.forPreset(cfg.preset(), cfg.exclusions());
    }
}
