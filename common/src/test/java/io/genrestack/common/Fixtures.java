package io.genrestack.common;

import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.ScaledFeatures;
import io.genrestack.common.model.Split;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackActivations;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.model.TrackPredictions;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** One populated example of every record type, for serde tests. */
public final class Fixtures {
    private Fixtures() {}

    public static float[] vector(int n, long seed, boolean withNaN) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        if (withNaN) {
            v[n / 2] = Float.NaN;
        }
        return v;
    }

    /** topic → example record. */
    public static Map<String, Object> everyRecord(String runId) {
        Map<String, List<Integer>> labels = Map.of("lastfm", List.of(0, 4), "tagtraum", List.of(7));
        Instant t = Instant.parse("2026-11-25T12:00:00Z");
        RunConfig cfg = RunConfig.defaults(List.of("/data/lowlevel"), List.of("/data/groundtruth"));
        TopicRange range = new TopicRange(
                Topics.TRACK_FEATURES,
                Map.of(0, new TopicRange.OffsetRange(0, 10), 1, new TopicRange.OffsetRange(3, 9)),
                16);
        String mbid = "0dad432b-16cc-4bf0-8961-fd31d124b01b";
        return Map.of(
                Topics.TRACK_FEATURES,
                new TrackFeatures(runId, mbid, Split.TRAIN, "rg-1", "lowlevel/x.json", labels, vector(2669, 1, true)),
                Topics.SCALED_FEATURES,
                new ScaledFeatures(runId, mbid, Split.VALIDATION, labels, vector(2669, 2, false)),
                Topics.ACTIVATIONS,
                new TrackActivations(
                        runId, mbid, "discogs", Split.TRAIN, labels, vector(256, 3, false), vector(40, 4, false)),
                Topics.PREDICTIONS,
                new TrackPredictions(
                        runId,
                        mbid,
                        "lastfm",
                        Split.VALIDATION,
                        List.of(0, 4),
                        vector(40, 5, false),
                        vector(40, 6, false)),
                Topics.RUN_EVENTS,
                new RunEvent(
                        runId,
                        RunEvent.EXTRACTION_FINISHED,
                        "extractor",
                        "all",
                        "host-1",
                        t,
                        Map.of("train", 16L, "validation", 4L),
                        Map.of("manifest", "runs/" + runId + "/features/manifest.json"),
                        "done",
                        Map.of(RunEvent.TRAIN_LOSS, 0.25, RunEvent.VAL_LOSS, 0.3125)),
                Topics.DEAD_LETTERS,
                new DeadLetter(
                        runId,
                        "extractor",
                        "bad.json",
                        "in/bad.json",
                        "unparsable JSON: Unexpected end-of-input",
                        "{\"lowlevel\": ",
                        t),
                Topics.STAGE_PROGRESS,
                new ProgressMark(
                        runId,
                        "scaler",
                        "all",
                        "standardise",
                        Map.of(0, 5L, 1, 7L),
                        Map.of("out:scaled-features", 12L),
                        false),
                Topics.jobs("trainer"),
                new StageJob(
                        runId,
                        "trainer",
                        "lastfm",
                        cfg,
                        Map.of(StageJob.FEATURES, range),
                        Map.of("stats", "runs/" + runId + "/scaler/stats.bin"),
                        t));
    }
}
