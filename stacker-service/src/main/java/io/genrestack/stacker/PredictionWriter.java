package io.genrestack.stacker;

import io.genrestack.common.io.PathTrees;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.metrics.MediaEvalMetrics;
import io.genrestack.common.model.TopicRange;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.ml.FloatRowStore;
import org.jboss.logging.Logger;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output of a prediction run: reads the run's unlabelled {@code track-features} range (the count must equal the
 * range's {@code expectedRecords}), scores each batch with the model run's base and stacked models
 * ({@link RunModels#scores}), keeps the scores in memory-mapped files (one per source, arrival order), and writes,
 * tracks in MBID order, per source:
 * <ul>
 * <li>{@code mediaeval-<source>.tsv}: the MediaEval submission, one line {@code recordingmbid<TAB>label<TAB>...} per
 * track, no header, labels in vocabulary order, decided as the evaluator decides its submission
 * ({@link MediaEvalMetrics.Binariser} with the model run's {@link Thresholds}: every label at or above its
 * threshold, else the best-scoring one, so every line has a label);</li>
 * <li>{@code scores-<source>.jsonl}: one {@link ScoreLine} per track.</li>
 * </ul>
 * Deterministic: the same inputs and models give the same bytes, so a redone job overwrites the objects with
 * themselves. Heap: the MBIDs and their order (per track), one batch of features, one chunk of scores.
 */
final class PredictionWriter {
    private static final Logger LOG = Logger.getLogger(PredictionWriter.class);
    /** Feature rows scored per batch. */
    static final int BATCH = 256;
    /** Tracks decided per chunk when the files are written. */
    static final int CHUNK = 1024;

    /** One line of {@code scores-<source>.jsonl}: the track, its decided labels, every label's score. */
    record ScoreLine(String mbid, List<String> labels, List<Float> scores) {}

    private PredictionWriter() {}

    /** Writes the run's objects; returns their keys by name and the counts. */
    static Map<String, String> write(
            String run,
            String bootstrap,
            TopicRange range,
            RunModels models,
            float[][] thresholds,
            Path dir,
            ObjectStore store,
            Map<String, Long> counts)
            throws Exception {
        PathTrees.deleteRecursively(dir);
        Files.createDirectories(dir);
        int d = models.featureCount();
        int sources = models.sources.size();
        List<String> mbids = new ArrayList<>();
        FloatRowStore.Writer[] writers = new FloatRowStore.Writer[sources];
        Path[] files = new Path[sources];
        try {
            for (int m = 0; m < sources; m++) {
                files[m] = dir.resolve("scores-" + models.sources.get(m) + ".f32");
                writers[m] = FloatRowStore.create(files[m], models.vocabulary(m).size());
            }
            float[] batch = new float[BATCH * d];
            int[] filled = {0};
            RangeReader.read(bootstrap, range, rec -> {
                TrackFeatures t = Json.read(rec.value(), TrackFeatures.class);
                if (!run.equals(t.runId())) {
                    return; // another run's record in the same offsets
                }
                if (t.features().length != d) {
                    throw new IllegalStateException("track " + t.mbid() + " has " + t.features().length
                            + " features, the models of run " + models.run + " take " + d);
                }
                System.arraycopy(t.features(), 0, batch, filled[0] * d, d);
                mbids.add(t.mbid());
                if (++filled[0] == BATCH) {
                    score(models, batch, filled[0], writers);
                    filled[0] = 0;
                }
            });
            if (filled[0] > 0) {
                score(models, batch, filled[0], writers);
            }
        } finally {
            for (FloatRowStore.Writer w : writers) {
                if (w != null) {
                    w.close();
                }
            }
        }
        if (mbids.size() != range.expectedRecords()) {
            throw new IllegalStateException("run " + run + ": read " + mbids.size() + " track-features records, the"
                    + " range holds " + range.expectedRecords() + "; not predicting on a partial set");
        }
        Integer[] order = new Integer[mbids.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> mbids.get(a).compareTo(mbids.get(b)));
        Map<String, String> objects = new LinkedHashMap<>();
        for (int m = 0; m < sources; m++) {
            String s = models.sources.get(m);
            Path tsv = dir.resolve("mediaeval-" + s + ".tsv");
            Path jsonl = dir.resolve("scores-" + s + ".jsonl");
            long assigned;
            try (FloatRowStore scores = FloatRowStore.open(files[m])) {
                assigned = decide(mbids, order, scores, models.vocabulary(m), thresholds[m], tsv, jsonl);
            }
            store.putFile(RunPaths.submission(run, s), tsv, "text/tab-separated-values; charset=utf-8");
            store.putFile(RunPaths.predictionScores(run, s), jsonl, "application/x-ndjson");
            objects.put("submission." + s, RunPaths.submission(run, s));
            objects.put("scores." + s, RunPaths.predictionScores(run, s));
            counts.put(s + ".labels", assigned);
        }
        counts.put("tracks", (long) mbids.size());
        PathTrees.deleteRecursively(dir);
        LOG.infof("[%s] predicted %d tracks with the models of run %s", run, mbids.size(), models.run);
        return objects;
    }

    private static void score(RunModels models, float[] batch, int n, FloatRowStore.Writer[] writers)
            throws IOException {
        float[][] y = models.scores(batch, n);
        for (int m = 0; m < writers.length; m++) {
            int labels = writers[m].cols();
            for (int i = 0; i < n; i++) {
                writers[m].append(y[m], i * labels);
            }
        }
    }

    /** Decides and writes one source's lines, tracks in MBID order; returns the labels assigned in all. */
    static long decide(
            List<String> mbids,
            Integer[] order,
            FloatRowStore scores,
            List<String> vocabulary,
            float[] thresholds,
            Path tsv,
            Path jsonl)
            throws IOException {
        int labels = vocabulary.size();
        long assigned = 0;
        try (BufferedWriter t = Files.newBufferedWriter(tsv, StandardCharsets.UTF_8);
                BufferedWriter j = Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8)) {
            for (int from = 0; from < order.length; from += CHUNK) {
                int k = Math.min(CHUNK, order.length - from);
                float[][] rows = new float[k][];
                for (int i = 0; i < k; i++) {
                    rows[i] = scores.row(order[from + i]);
                }
                MediaEvalMetrics.Binariser b = new MediaEvalMetrics.Binariser(k, thresholds);
                float[][] columns = new float[labels][k];
                for (int l = 0; l < labels; l++) {
                    for (int i = 0; i < k; i++) {
                        columns[l][i] = rows[i][l];
                    }
                    b.scan(l, columns[l]);
                }
                boolean[][] predicted = new boolean[labels][k];
                for (int l = 0; l < labels; l++) {
                    b.predict(l, columns[l], predicted[l]);
                }
                for (int i = 0; i < k; i++) {
                    String mbid = mbids.get(order[from + i]);
                    List<String> chosen = new ArrayList<>();
                    List<Float> all = new ArrayList<>(labels);
                    StringBuilder line = new StringBuilder(mbid);
                    for (int l = 0; l < labels; l++) {
                        all.add(rows[i][l]);
                        if (predicted[l][i]) {
                            chosen.add(vocabulary.get(l));
                            line.append('\t').append(vocabulary.get(l));
                        }
                    }
                    assigned += chosen.size();
                    t.write(line.append('\n').toString());
                    j.write(Json.MAPPER.writeValueAsString(new ScoreLine(mbid, chosen, all)));
                    j.write('\n');
                }
            }
        }
        return assigned;
    }
}
