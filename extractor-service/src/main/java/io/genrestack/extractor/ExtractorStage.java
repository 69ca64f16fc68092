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
import io.genrestack.extractor.input.Bzip2;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    static final String STEP_PLAN = "plan";
    static final String STEP_FINISH = "hand-over";
    private static final Pattern UNIT = Pattern.compile("extract-(\\d+)-of-(\\d+)");
    private static final Pattern FINISH = Pattern.compile("finish-of-(\\d+)");

    private final Map<String, Boolean> faultInjected = new ConcurrentHashMap<>();

    @Inject
    ExtractorSettings settings;

    private volatile S3Inputs s3;
    private Bzip2 bzip2;

    /** The reader of {@code s3://} inputs (one client per allowed bucket, kept for the service's life). */
    private synchronized S3Inputs s3() {
        if (s3 == null) {
            s3 = new S3Inputs(infra().store().config(), settings.inputBuckets().orElse(List.of()));
        }
        return s3;
    }

    /** The archive decompressor of {@code genrestack.extractor.bzip2}, resolved (and logged) once. */
    private synchronized Bzip2 bzip2() {
        if (bzip2 == null) {
            bzip2 = Bzip2.of(settings.bzip2());
            LOG.infof("archives are decompressed by %s", bzip2.describe());
        }
        return bzip2;
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
        handle(job, Tuning.of(settings.threadCount(), settings.checkpointEvery()), settings.units());
    }

    void handle(StageJob job, Tuning tuning) throws Exception {
        handle(job, tuning, 1);
    }

    /** As {@link #handle(StageJob)}, with {@code units} deciding whether a run's {@code all} job is split. */
    void handle(StageJob job, Tuning tuning, int units) throws Exception {
        if (units < 1) {
            throw new IllegalArgumentException("genrestack.extractor.units must be 1 or more: " + units);
        }
        if (StageJob.ALL.equals(job.unit())) {
            // a redelivered job keeps the way its run was started, whatever this instance's setting
            Optional<ExtractionUnits> planned =
                    infra().store().getJsonIfExists(RunPaths.extractorUnits(job.runId()), ExtractionUnits.class);
            if (planned.isPresent()) {
                plan(job, planned.get().size());
            } else if (units == 1 || startedWhole(job)) {
                extractWhole(job, tuning);
            } else {
                plan(job, units);
            }
            return;
        }
        Matcher m = UNIT.matcher(job.unit());
        if (m.matches()) {
            int part = Integer.parseInt(m.group(1));
            int parts = Integer.parseInt(m.group(2));
            if (parts < 1 || part >= parts) {
                throw new IllegalArgumentException("extractor unit " + job.unit() + ": part out of range");
            }
            extractUnit(job, part, parts, tuning);
            return;
        }
        m = FINISH.matcher(job.unit());
        if (m.matches()) {
            finish(job, Integer.parseInt(m.group(1)));
            return;
        }
        throw new IllegalArgumentException("not an extractor unit: " + job.unit());
    }

    /** True when an earlier attempt began extracting the run in one job (units=1) and committed a chunk. */
    private boolean startedWhole(StageJob job) {
        return ExactlyOnceWriter.latestMark(
                        infra().bootstrap(), ProgressMark.key(job.runId(), stage(), StageJob.ALL, STEP))
                != null;
    }

    /** The unit name of part {@code g} of {@code n} ({@link io.genrestack.common.kafka.JobRouting} spreads them). */
    static String unitName(int g, int n) {
        return "extract-" + g + "-of-" + n;
    }

    /** The unit name of the hand-over once all {@code n} units are done. */
    static String finishName(int n) {
        return "finish-of-" + n;
    }

    /** One instance, one job: the whole run's extraction (genrestack.extractor.units=1, the default). */
    private void extractWhole(StageJob job, Tuning tuning) throws Exception {
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
                groundTruthProblems(run, setup, writer);
            }
            InputScanner scanner = scanner(roots);
            List<String> inputs = cfg.inputs();
            publishTracks(
                    job,
                    setup,
                    out,
                    tuning,
                    sink -> scanner.scanLocations(inputs, sink),
                    scanner.countLocations(inputs),
                    "extract " + run,
                    Map.of());
            writer.flush();
            TopicRange range = writer.outputRange(Topics.TRACK_FEATURES);
            Map<String, String> objects = objects(run, setup.vocabularies().keySet());
            out.handOver(nextJob(job, range, objects), ProgressMark.items(writer.count("items")));
            finished(out, run, range, summaryCounts(writer.counts()), objects);
        }
    }

    private static Map<String, String> objects(String run, java.util.Collection<String> labelled) {
        Map<String, String> objects = new TreeMap<>();
        objects.put(StageJob.MANIFEST, RunPaths.manifest(run));
        objects.put(StageJob.RUN, RunPaths.runJson(run));
        for (String s : labelled) {
            objects.put(StageJob.labelsName(s), RunPaths.labels(run, s));
        }
        return objects;
    }

    /** The scaler's job; for a prediction run (no scaler, trainer, evaluator) the stacker's predict job. */
    private static StageJob nextJob(StageJob job, TopicRange range, Map<String, String> objects) {
        RunConfig cfg = job.config();
        return cfg.predicting()
                ? StageJob.of(
                        job.runId(),
                        Topics.STAGE_STACKER,
                        StageJob.PREDICT,
                        cfg,
                        Map.of(StageJob.FEATURES, range),
                        objects)
                : StageJob.of(
                        job.runId(), Topics.STAGE_SCALER, StageJob.ALL, cfg, Map.of(StageJob.FEATURES, range), objects);
    }

    private void finished(
            StageRun out, String run, TopicRange range, Map<String, Long> summary, Map<String, String> objects) {
        Map<String, Long> counts = new LinkedHashMap<>(summary);
        infra().store().putJson(RunPaths.extractorSummary(run), counts);
        out.event(
                RunEvent.EXTRACTION_FINISHED,
                "published " + range.expectedRecords() + " tracks, " + counts.getOrDefault("deadLetters", 0L)
                        + " dead letters",
                counts,
                objects);
    }

    /** Dead letters for the ground-truth rows that cannot be used (in the current chunk of {@code writer}). */
    private void groundTruthProblems(String run, RunSetup setup, ExactlyOnceWriter writer) {
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

    /**
     * Several units ({@code genrestack.extractor.units} above 1), step 1: the run's setup computed once (run.json,
     * manifest, vocabularies, and the split and rows the units read, {@code extractor/setup.json.gz}), the inputs
     * planned into units ({@link ExtractionUnits}, {@code extractor/units.json}), the ground-truth dead letters, and
     * one job per unit on {@code extractor-jobs} (spread over its partitions, so over the instances), in one
     * transaction.
     */
    private void plan(StageJob job, int wanted) throws Exception {
        String run = job.runId();
        RunConfig cfg = job.config();
        try (StageRun out = open(job, STEP_PLAN)) {
            if (out.alreadyDone()) {
                return;
            }
            InputRoots roots = new InputRoots(settings.inputRoots());
            RunSetup setup = RunSetup.forRun(run, cfg, roots, infra().store(), s3());
            setup.store(infra().store(), run, cfg);
            infra().store().put(RunPaths.extractorSetup(run), setup.snapshotBytes(), "application/gzip");
            InputScanner scanner = scanner(roots);
            ExtractionUnits units = ExtractionUnits.plan(cfg.inputs(), wanted, scanner);
            infra().store().putJson(RunPaths.extractorUnits(run), units);
            out.started("extracting " + cfg.inputs() + " in " + units.size() + " units"
                    + (cfg.predicting()
                            ? " (unlabelled, for the models of run " + cfg.modelRun() + ")"
                            : " with ground truth " + cfg.groundTruth()));
            groundTruthProblems(run, setup, out.writer());
            Map<String, String> objects = objects(run, setup.vocabularies().keySet());
            List<StageJob> jobs = new ArrayList<>();
            for (int g = 0; g < units.size(); g++) {
                jobs.add(StageJob.of(run, Topics.STAGE_EXTRACTOR, unitName(g, units.size()), cfg, Map.of(), objects));
            }
            out.handOver(jobs, ProgressMark.items(0));
        }
    }

    /**
     * A unit: its segments of the inputs published exactly once (its own progress marks), with the setup the plan
     * step stored; then, in its last transaction, a finish job (every unit sends one; the one that finds every unit
     * done hands over).
     */
    private void extractUnit(StageJob job, int part, int parts, Tuning tuning) throws Exception {
        String run = job.runId();
        try (StageRun out = open(job, STEP)) {
            if (out.alreadyDone()) {
                return;
            }
            ExtractionUnits units = infra().store().getJson(RunPaths.extractorUnits(run), ExtractionUnits.class);
            if (units.size() != parts) {
                throw new IllegalStateException("run " + run + " was planned in " + units.size() + " units, not "
                        + parts + " (" + RunPaths.extractorUnits(run) + ")");
            }
            ExtractionUnits.Unit unit = units.units().get(part);
            RunSetup setup = RunSetup.fromSnapshot(infra().store().get(RunPaths.extractorSetup(run)));
            out.started("extracting unit " + (part + 1) + " of " + parts + ": " + unit.segments());
            InputScanner scanner = scanner(new InputRoots(settings.inputRoots()));
            Map<String, String> earlier = units.earlierDocuments(part, scanner);
            Map<String, String> claimed = publishTracks(
                    job,
                    setup,
                    out,
                    tuning,
                    sink -> {
                        for (ExtractionUnits.Segment seg : unit.segments()) {
                            scanner.scanSegment(seg.location(), seg.from(), seg.to(), sink);
                        }
                    },
                    count(scanner, unit),
                    "extract " + run + " unit " + (part + 1) + "/" + parts,
                    earlier);
            out.writer().flush();
            infra().store()
                    .put(RunPaths.extractorUnitClaims(run, part), UnitDuplicates.claims(claimed), "application/gzip");
            out.handOver(
                    StageJob.of(run, Topics.STAGE_EXTRACTOR, finishName(parts), job.config(), Map.of(), job.objects()),
                    ProgressMark.items(out.writer().count("items")));
        }
    }

    /** Items of a unit when cheap to know (no archive, no {@code s3://} segment), else -1. */
    private static long count(InputScanner scanner, ExtractionUnits.Unit unit) {
        long total = 0;
        for (ExtractionUnits.Segment seg : unit.segments()) {
            if (io.genrestack.extractor.input.S3Location.isS3(seg.location())) {
                return -1; // not listed twice for a progress total
            }
            List<InputScanner.Candidate> mine = seg.of(scanner.candidates(seg.location()));
            if (mine.stream().anyMatch(InputScanner.Candidate::archive)) {
                return -1;
            }
            total += mine.size();
        }
        return total;
    }

    /**
     * The hand-over once every unit is done (their done progress marks say so, with the offsets each wrote): one
     * {@code track-features} range over all units (per partition from the first unit's first offset to the last
     * one's last; readers take the run's records by run id, as always) with the summed record count, the summary and
     * the next stage's job, exactly once. Finish jobs that come earlier (not all units done) or later (already done)
     * do nothing; they all queue on one partition, so one instance takes them one after the other.
     */
    private void finish(StageJob job, int parts) throws Exception {
        String run = job.runId();
        try (StageRun out = open(job, STEP_FINISH)) {
            if (out.alreadyDone()) {
                return;
            }
            Set<String> keys = new TreeSet<>();
            for (int g = 0; g < parts; g++) {
                keys.add(ProgressMark.key(run, stage(), unitName(g, parts), STEP));
            }
            String planKey = ProgressMark.key(run, stage(), StageJob.ALL, STEP_PLAN);
            Map<String, ProgressMark> marks =
                    ExactlyOnceWriter.readMarks(infra().bootstrap(), k -> keys.contains(k) || planKey.equals(k));
            for (String k : keys) {
                ProgressMark m = marks.get(k);
                if (m == null || !m.done()) {
                    LOG.infof("[%s] %s not done yet; a later finish job hands over", run, k);
                    return;
                }
            }
            Map<Integer, long[]> offsets = new TreeMap<>();
            Map<String, Long> counts = new TreeMap<>();
            String prefix = "range:" + Topics.TRACK_FEATURES + ":";
            for (ProgressMark m : marks.values()) {
                m.counts().forEach((k, v) -> {
                    if (k.startsWith(prefix)) {
                        String[] kp = k.substring(prefix.length()).split(":");
                        long[] r = offsets.computeIfAbsent(
                                Integer.parseInt(kp[0]), p -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
                        if ("from".equals(kp[1])) {
                            r[0] = Math.min(r[0], v);
                        } else {
                            r[1] = Math.max(r[1], v);
                        }
                    } else if (!k.startsWith("range:")) {
                        counts.merge(k, v, Long::sum);
                    }
                });
            }
            Map<Integer, TopicRange.OffsetRange> ranges = new TreeMap<>();
            offsets.forEach((p, r) -> ranges.put(p, new TopicRange.OffsetRange(r[0], r[1] + 1)));
            String features = "out:" + Topics.TRACK_FEATURES;
            TopicRange merged = new TopicRange(Topics.TRACK_FEATURES, ranges, counts.getOrDefault(features, 0L));
            List<UnitDuplicates.Dropped> dropped = dropDuplicates(out, run, parts, merged, counts);
            TopicRange range = new TopicRange(
                    Topics.TRACK_FEATURES,
                    ranges,
                    merged.expectedRecords() - dropped.size(),
                    UnitDuplicates.offsets(dropped));
            Map<String, String> objects = job.objects(); // the plan step's: manifest, run.json, vocabularies
            Map<String, Long> summary = summaryCounts(counts);
            out.handOver(nextJob(job, range, objects), ProgressMark.items(counts.getOrDefault("items", 0L)));
            finished(out, run, range, summary, objects);
        }
    }

    /**
     * The later copies of recordings that two units published ({@link UnitDuplicates}), dead-lettered in the
     * hand-over's transaction as one instance dead-letters a duplicate, with {@code counts} corrected to match.
     */
    private List<UnitDuplicates.Dropped> dropDuplicates(
            StageRun out, String run, int parts, TopicRange merged, Map<String, Long> counts) throws Exception {
        ExtractionUnits units = infra().store().getJson(RunPaths.extractorUnits(run), ExtractionUnits.class);
        InputScanner scanner = scanner(new InputRoots(settings.inputRoots()));
        List<UnitDuplicates.Dropped> dropped = UnitDuplicates.find(
                infra().bootstrap(),
                run,
                parts,
                g -> UnitDuplicates.readClaims(infra().store().get(RunPaths.extractorUnitClaims(run, g))),
                merged,
                units,
                scanner);
        for (UnitDuplicates.Dropped d : dropped) {
            TrackFeatures t = d.track();
            deadLetter(out.writer(), run, t.mbid(), t.sourceFile(), d.reason(), d.document());
            counts.merge("deadLetters", 1L, Long::sum);
            counts.merge("out:" + Topics.TRACK_FEATURES, -1L, Long::sum); // the summary's "published"
            for (String key : publishedCounts(t)) {
                counts.merge(key, -1L, Long::sum);
            }
        }
        if (!dropped.isEmpty()) {
            LOG.infof(
                    "[%s] %d later copies of recordings that two units published (a first copy inside an archive of"
                            + " an earlier unit) dead-lettered as duplicates",
                    run, dropped.size());
        }
        return dropped;
    }

    private static Map<String, Long> summaryCounts(Map<String, Long> writerCounts) {
        Map<String, Long> c = new TreeMap<>();
        writerCounts.forEach((k, v) -> {
            if (!k.startsWith("out:") && !k.startsWith("range:")) {
                c.put(k, v);
            }
        });
        c.put("published", writerCounts.getOrDefault("out:" + Topics.TRACK_FEATURES, 0L));
        return c;
    }

    /**
     * One input item as the publishing thread sees it: the item and its record or refusal (null: skipped);
     * {@code record} is its track's serialised record (made on the worker), else null.
     */
    private record Built(InputItem item, TrackBuilder.Outcome outcome, byte[] record) {
        static final Built SKIPPED = new Built(null, null, null);

        /** The outcome of a document built on a worker, serialised there too (the publisher only sends). */
        static Built of(InputItem.JsonDoc doc, TrackBuilder.Outcome outcome) {
            return new Built(doc, outcome, outcome.track() == null ? null : Json.bytes(outcome.track()));
        }
    }

    /** Scans some inputs, item by item, into a sink (the whole run's, or a unit's segments). */
    @FunctionalInterface
    private interface Scan {
        void into(java.util.function.Consumer<InputItem> sink);
    }

    /**
     * Publishes what {@code scan} reads; {@code earlier}: the recordings of earlier units (their later copies here are
     * duplicates). Returns the recordings this scan claimed, with the items it claimed them from (not those of
     * {@code earlier}).
     */
    private Map<String, String> publishTracks(
            StageJob job,
            RunSetup setup,
            StageRun out,
            Tuning tuning,
            Scan scan,
            long total,
            String what,
            Map<String, String> earlier) {
        String run = job.runId();
        ExactlyOnceWriter writer = out.writer();
        long resumeAt = out.itemsConsumed();
        long failAfter = settings.failAfterItems().orElse(-1);
        boolean inject = failAfter >= 0 && faultInjected.putIfAbsent(job.key(), true) == null;
        Progress progress = new Progress(what, total, Duration.ofSeconds(settings.progressSeconds()));
        TrackBuilder tracks = new TrackBuilder(run, setup);
        tracks.rememberEarlier(earlier);
        long[] index = {0};
        long[] sinceCheckpoint = {0};
        // the reader thread scans and claims (duplicate index) in input order, workers parse and flatten, and this
        // thread publishes in input order: the writer sees the sequence one thread would give it
        OrderedPipeline.Source<Built> source = emit -> scan.into(item -> {
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
            if (inject && writer.count("items") - resumeAt >= failAfter) {
                throw new IllegalStateException(
                        "injected fault after " + failAfter + " items (genrestack.extractor.fail-after-items)");
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
        Map<String, String> mine = new java.util.HashMap<>(tracks.claimed());
        mine.keySet().removeAll(earlier.keySet());
        return mine;
    }

    /**
     * On the reader thread, in input order: a bad item or a duplicate is refused at once; any other document is
     * claimed and left to a worker to build.
     */
    private static OrderedPipeline.Step<Built> prepare(TrackBuilder tracks, InputItem item) {
        if (item instanceof InputItem.BadItem bad) {
            return OrderedPipeline.Step.done(new Built(bad, new TrackBuilder.Outcome(null, bad.reason()), null));
        }
        InputItem.JsonDoc doc = (InputItem.JsonDoc) item;
        TrackBuilder.Outcome duplicate = tracks.claim(doc);
        if (duplicate != null) {
            return OrderedPipeline.Step.done(new Built(doc, duplicate, null));
        }
        return OrderedPipeline.Step.work(() -> Built.of(doc, tracks.assemble(doc)));
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
                publish(built.outcome().track(), built.record(), writer);
                return null;
            }
        }
        String reason = built.outcome().reason();
        deadLetter(writer, run, key, item.name(), reason, payload);
        writer.count("deadLetters", 1);
        return reason;
    }

    /** An input item's dead letter, keyed by its MBID (a bad item's: its name), in the writer's current chunk. */
    private void deadLetter(
            ExactlyOnceWriter writer, String run, String key, String name, String reason, byte[] document) {
        writer.send(Topics.DEAD_LETTERS, key, Json.bytes(DeadLetter.of(run, stage(), key, name, reason, document)));
    }

    /** The scanner of this service's settings over {@code roots}. */
    private InputScanner scanner(InputRoots roots) {
        return new InputScanner(settings.maxDocumentBytes(), roots, s3(), bzip2());
    }

    private static void publish(TrackFeatures t, byte[] record, ExactlyOnceWriter writer) {
        writer.send(Topics.TRACK_FEATURES, t.mbid(), record);
        for (String key : publishedCounts(t)) {
            writer.count(key, 1);
        }
    }

    /** The summary counts a published track adds one to: published, its side, its side per source. */
    private static List<String> publishedCounts(TrackFeatures t) {
        String side = t.split() == null ? "unlabelled" : t.split() == Split.TRAIN ? "train" : "validation";
        List<String> keys = new ArrayList<>(List.of("published", side));
        for (String s : t.labels().keySet()) {
            keys.add("source." + s + "." + side);
        }
        return keys;
    }

    static List<String> sources() {
        return Sources.ALL;
    }

    static FeatureManifest manifest(RunConfig cfg) {
        return FeatureManifest.forPreset(cfg.preset(), cfg.exclusions());
    }
}
