package io.genrestack.cli;

import io.genrestack.cli.synth.Shape;
import io.genrestack.common.Sources;
import io.genrestack.common.Topics;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.LabelVocabulary;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.common.storage.StorageConfig;
import io.genrestack.testkit.LocalInfra;
import io.genrestack.testkit.SharedData;
import io.genrestack.testkit.SubmissionCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MediaEval task's last step end to end, as {@code genrestack run} then {@code genrestack predict} do it: a small
 * synthetic run trains real models (the five services as processes, real Kafka, S3 and DJL), then a prediction run
 * with only the extractor and the stacker takes the real archives of the shared data as unlabelled input. Four
 * submission files come back (in the bucket and in the output folder), each passing the official checker's rules
 * for the trained run's vocabulary and exactly the archives' two recordings; a hostile (binary) document given with
 * them is a dead letter of the prediction run, and the event counts both tracks.
 */
class PredictEndToEndTest {
    static final Set<String> ARCHIVE_MBIDS =
            Set.of("01a0a332-d340-4806-a88b-cb60a05355c0", "01a1a77a-f81e-49a5-9fea-7060394409ec");

    @Test
    void aFinishedRunPredictsTheRealArchivesIntoFourSubmissionFiles(@TempDir Path work) throws Exception {
        LocalInfra.Endpoints infra = LocalInfra.ensureStarted();
        String modelRun = "e2e-model-" + UUID.randomUUID().toString().substring(0, 8);
        LocalRun train = new LocalRun(
                new LocalRun.Options(
                        600, 3, List.of(), List.of(), 2, 3, work, 40, false, false, modelRun, 210, Shape.SYNTHETIC),
                LocalRun.repoRoot());
        try {
            train.execute();
        } finally {
            train.stopAll();
        }

        Path archives = SharedData.dir().resolve("acousticbrainz/archives");
        String run = "e2e-predict-" + UUID.randomUUID().toString().substring(0, 8);
        PredictCommand cmd = new PredictCommand();
        cmd.modelRun = modelRun;
        Path hostile = Files.createDirectories(work.resolve("hostile"));
        String binary = new UUID(9, 1).toString();
        Files.write(
                hostile.resolve(binary + ".json"), new byte[] {0, 5, 22, 7, 0, 2, 0, 0, 'M', 'a', 'c', (byte) 0xff});
        cmd.data = List.of(archives.toString(), hostile.toString());
        cmd.work = work;
        cmd.timeoutMinutes = 20;
        cmd.portOffset = 210;
        LocalRun.Options opts = cmd.options(LocalRun.repoRoot(), run);
        Path out = work.resolve("out");
        LocalRun predict = new LocalRun(opts, LocalRun.repoRoot());
        Map<String, String> objects;
        try {
            objects = predict.predict(modelRun, out);
        } finally {
            predict.stopAll();
        }

        for (String s : Sources.ALL) {
            Path tsv = out.resolve("mediaeval-" + s + ".tsv");
            assertEquals("runs/" + run + "/predictions/mediaeval-" + s + ".tsv", objects.get("submission." + s));
            assertTrue(Files.isRegularFile(tsv), tsv.toString());
            List<String> labels = vocabulary(infra, modelRun, s);
            String text = Files.readString(tsv);
            assertNull(SubmissionCheck.check(text, labels, ARCHIVE_MBIDS), s + ":\n" + text);
            assertTrue(Files.isRegularFile(out.resolve("scores-" + s + ".jsonl")));
        }
        List<DeadLetter> letters =
                TopicScan.readAll(infra.kafkaBootstrap(), Topics.DEAD_LETTERS, DeadLetter.class).stream()
                        .filter(d -> run.equals(d.runId()))
                        .toList();
        assertTrue(letters.stream().anyMatch(l -> binary.equals(l.key())), letters.toString());
        RunEvent ready = TopicScan.runEvents(infra.kafkaBootstrap(), run).stream()
                .filter(e -> e.type().equals(RunEvent.PREDICTIONS_READY))
                .findFirst()
                .orElseThrow();
        assertEquals(2L, ready.counts().get("tracks"));
    }

    /** The trained run's label vocabulary of a source, from the bucket. */
    static List<String> vocabulary(LocalInfra.Endpoints infra, String run, String source) {
        StorageConfig cfg =
                StorageConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey(), "genrestack");
        try (ObjectStore store = new ObjectStore(cfg)) {
            String key = RunPaths.labels(run, source);
            return LabelVocabulary.read(store.get(key), key, source).labels();
        }
    }
}
