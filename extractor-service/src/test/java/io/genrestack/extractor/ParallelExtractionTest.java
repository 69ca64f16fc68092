package io.genrestack.extractor;

import io.genrestack.common.Topics;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.ProgressMark;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.HostileCorpus;
import io.genrestack.testkit.InfraTestResource;
import io.genrestack.testkit.SharedData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parse-and-flatten on several threads changes nothing a reader can see: the real AcousticBrainz files (folders and
 * the official archives), the hostile corpus (folder and archive, bomb included) and a folder of real documents under
 * generated MBIDs (many, so that four workers finish out of order), extracted through the real broker with one thread
 * and with four (and four with a one-slot window), publish the same records in the same order on every partition, the
 * same dead letters in the same order, the same progress marks chunk by chunk, the same summary and the same scaler
 * job range size.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
@QuarkusTestResource(InputRootsTestResource.class)
class ParallelExtractionTest {
    static final int CHECKPOINT_EVERY = 7;
    static final int GENERATED = 90;

    @Inject
    Infrastructure infra;

    @Inject
    ExtractorStage stage;

    @TempDir
    Path tmp;

    /** Everything a run wrote, with its run id replaced so that two runs can be compared. */
    record Output(
            Map<Integer, List<String>> records,
            Map<Integer, List<String>> deadLetters,
            List<String> marks,
            Map<String, Long> summary,
            long expected) {}

    @Test
    void fourThreadsPublishExactlyWhatOneThreadPublishes() throws Exception {
        Path data = SharedData.dir().resolve("acousticbrainz");
        List<Path> real;
        try (Stream<Path> files = Files.list(data.resolve("lowlevel"))) {
            real = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        List<String> mbids = new ArrayList<>();
        for (Path f : real) {
            mbids.add(f.getFileName().toString().substring(0, 36));
        }
        HostileCorpus.Corpus hostile = HostileCorpus.write(
                Files.createDirectories(tmp.resolve("h")), Files.readAllBytes(real.get(0)), mbids.get(0), 5);
        mbids.addAll(hostile.mbids());

        // real documents of different sizes under new MBIDs; every 9th repeats an earlier one (a duplicate), every
        // 11th has no ground truth
        Path many = Files.createDirectories(tmp.resolve("many"));
        Random rnd = new Random(3);
        List<String> generated = new ArrayList<>();
        for (int i = 0; i < GENERATED; i++) {
            boolean repeat = i % 9 == 8;
            String mbid = repeat ? generated.get(rnd.nextInt(generated.size())) : new UUID(9, i).toString();
            Files.copy(
                    real.get(rnd.nextInt(real.size())),
                    many.resolve(repeat ? mbid + "-" + i + ".json" : mbid + ".json"));
            if (!repeat) {
                generated.add(mbid);
                if (i % 11 != 10) {
                    mbids.add(mbid);
                }
            }
        }

        Path gt = Files.createDirectories(tmp.resolve("gt"));
        StringBuilder tsv = new StringBuilder("recordingmbid\treleasegroupmbid\tgenre1\tgenre2\n");
        for (int i = 0; i < mbids.size(); i++) {
            tsv.append(mbids.get(i))
                    .append('\t')
                    .append(new UUID(77, i / 2))
                    .append('\t')
                    .append(i % 2 == 0 ? "rock\trock---indie" : "pop\tpop---dance")
                    .append('\n');
        }
        Files.writeString(gt.resolve("acousticbrainz-mediaeval-lastfm-all.tsv"), tsv.toString());

        List<String> inputs = List.of(
                data.resolve("lowlevel").toString(),
                data.resolve("lowlevel-edge").toString(),
                data.resolve("archives").toString(),
                hostile.folder().toString(),
                hostile.archive().toString(),
                many.toString());
        RunConfig cfg = new RunConfig(inputs, List.of(gt.toString()), false, "paper", List.of(), 0.8, 42, null, null);

        ExtractorStageTest.awaitReady(); // the bucket and topics are made at start-up
        Output one = extract(cfg, new ExtractorStage.Tuning(1, 2, CHECKPOINT_EVERY));
        Output four = extract(cfg, new ExtractorStage.Tuning(4, 8, CHECKPOINT_EVERY));
        Output narrow = extract(cfg, new ExtractorStage.Tuning(4, 1, CHECKPOINT_EVERY));

        long published = one.records().values().stream().mapToLong(List::size).sum();
        long letters = one.deadLetters().values().stream().mapToLong(List::size).sum();
        assertTrue(published > GENERATED / 2, "published " + published);
        assertTrue(letters > hostile.expected().size(), "dead letters " + letters);
        assertTrue(one.marks().size() > 10, "chunks " + one.marks().size());
        assertEquals(published, one.expected());
        for (Output other : List.of(four, narrow)) {
            assertEquals(one.records(), other.records(), "records per partition, in order");
            assertEquals(one.deadLetters(), other.deadLetters(), "dead letters per partition, in order");
            assertEquals(one.marks(), other.marks(), "progress marks");
            assertEquals(one.summary(), other.summary());
            assertEquals(one.expected(), other.expected());
        }
        // and the hostile items are dead-lettered with their reasons
        String all = String.join(
                        "\n",
                        one.deadLetters().values().stream()
                                .flatMap(List::stream)
                                .toList())
                .toLowerCase();
        hostile.expected().forEach((name, fragment) -> assertTrue(all.contains(name.toLowerCase()), name));
        for (List<String> part : four.deadLetters().values()) {
            for (String l : part) {
                DeadLetter d = Json.read(l.getBytes(StandardCharsets.UTF_8), DeadLetter.class);
                String fragment = hostile.expected().get(d.sourceFile());
                if (fragment != null) {
                    assertTrue(d.reason().toLowerCase().contains(fragment), d.sourceFile() + ": " + d.reason());
                }
            }
        }
    }

    private Output extract(RunConfig cfg, ExtractorStage.Tuning tuning) throws Exception {
        String run =
                "par-" + tuning.threads() + "-" + UUID.randomUUID().toString().substring(0, 8);
        stage.handle(StageJob.of(run, Topics.STAGE_EXTRACTOR, StageJob.ALL, cfg, Map.of(), Map.of()), tuning);
        StageJob scaler =
                TopicScan.readAll(infra.bootstrap(), Topics.jobs(Topics.STAGE_SCALER), StageJob.class).stream()
                        .filter(j -> j.runId().equals(run))
                        .findFirst()
                        .orElseThrow();
        Map<Integer, List<String>> records = new TreeMap<>();
        RangeReader.read(
                infra.bootstrap(),
                scaler.features(),
                r -> records.computeIfAbsent(r.partition(), p -> new ArrayList<>())
                        .add(r.key() + " " + anonymous(r.value(), run)));
        Map<Integer, List<String>> letters = new TreeMap<>();
        RangeReader.read(infra.bootstrap(), TopicScan.snapshot(infra.bootstrap(), Topics.DEAD_LETTERS), r -> {
            DeadLetter d = Json.read(r.value(), DeadLetter.class);
            if (run.equals(d.runId())) {
                var node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(r.value());
                node.remove("time"); // when it was written
                letters.computeIfAbsent(r.partition(), p -> new ArrayList<>())
                        .add(anonymous(Json.MAPPER.writeValueAsBytes(node), run));
            }
        });
        String key = ProgressMark.key(run, Topics.STAGE_EXTRACTOR, StageJob.ALL, ExtractorStage.STEP);
        List<String> marks = new ArrayList<>();
        RangeReader.read(infra.bootstrap(), TopicScan.snapshot(infra.bootstrap(), Topics.STAGE_PROGRESS), r -> {
            if (key.equals(r.key()) && r.value() != null) {
                ProgressMark m = Json.read(r.value(), ProgressMark.class);
                Map<String, Long> counts = new TreeMap<>(m.counts());
                counts.keySet().removeIf(k -> k.startsWith("range:")); // offsets differ between runs
                marks.add(m.position() + " " + counts + " " + m.done());
            }
        });
        @SuppressWarnings("unchecked")
        Map<String, Long> summary = Json.MAPPER.readValue(infra.store().get(RunPaths.extractorSummary(run)), Map.class);
        return new Output(records, letters, marks, summary, scaler.features().expectedRecords());
    }

    private static String anonymous(byte[] json, String run) {
        return new String(json, StandardCharsets.UTF_8).replace("\"" + run + "\"", "\"RUN\"");
    }
}
