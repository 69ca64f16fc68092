package io.genrestack.extractor;

import io.genrestack.common.Topics;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.HostileCorpus;
import io.genrestack.testkit.SharedData;

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
 * The run and the checks that {@link SharedRunExtractionTest} (a second job worker in the test JVM) and
 * {@link ExtractorInstancesTest} (a second extractor in its own OS process, killed mid-unit) share: the inputs (real
 * AcousticBrainz folders and archives, the hostile corpus, a folder of real documents under generated MBIDs), running
 * a job on the test's thread as the job worker would, and the comparison of a run extracted in units with the same
 * run extracted by one instance in one job.
 */
final class SharedRunFixture {
    static final int GENERATED = 60;

    private final Infrastructure infra;
    private final ExtractorStage stage;

    SharedRunFixture(Infrastructure infra, ExtractorStage stage) {
        this.infra = infra;
        this.stage = stage;
    }

    /**
     * The run's inputs under {@code tmp}: real folders and archives, the hostile corpus, {@value #GENERATED} real
     * documents under new MBIDs (every 7th a second submission of an earlier one, every 11th without ground truth)
     * and a ground-truth TSV with one row that is a dead letter.
     */
    static RunConfig inputs(Path tmp) throws Exception {
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
        // real documents under new MBIDs; every 7th a second submission of an earlier one, every 11th no ground truth
        Path many = Files.createDirectories(tmp.resolve("many"));
        Random rnd = new Random(4);
        List<String> generated = new ArrayList<>();
        for (int i = 0; i < GENERATED; i++) {
            boolean repeat = i % 7 == 6;
            String mbid = repeat ? generated.get(rnd.nextInt(generated.size())) : new UUID(8, i).toString();
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
        // recordings whose first copy is inside an archive and a later copy in the last folder (another unit): one
        // is a real document in both places, the other's archive copy cannot be flattened
        List<String> early = List.of(new UUID(9, 1).toString(), new UUID(9, 2).toString());
        mbids.addAll(early);
        Path earlyArchive = tmp.resolve("early.tar.bz2");
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(
                        Files.newOutputStream(earlyArchive)))) {
            byte[][] bodies = {Files.readAllBytes(real.get(1)), "{}".getBytes(StandardCharsets.UTF_8)};
            for (int i = 0; i < early.size(); i++) {
                var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(
                        "early/" + early.get(i) + ".json");
                entry.setSize(bodies[i].length);
                tar.putArchiveEntry(entry);
                tar.write(bodies[i]);
                tar.closeArchiveEntry();
            }
        }
        Path again = Files.createDirectories(tmp.resolve("again"));
        for (int i = 0; i < early.size(); i++) {
            Files.copy(real.get(2 + i), again.resolve(early.get(i) + ".json"));
        }
        Path gt = Files.createDirectories(tmp.resolve("gt"));
        StringBuilder tsv = new StringBuilder("recordingmbid\treleasegroupmbid\tgenre1\tgenre2\n");
        for (int i = 0; i < mbids.size(); i++) {
            tsv.append(mbids.get(i))
                    .append('\t')
                    .append(new UUID(66, i / 2))
                    .append('\t')
                    .append(i % 2 == 0 ? "rock\trock---indie" : "pop\tpop---dance")
                    .append('\n');
        }
        tsv.append("not-an-mbid\tx\trock\n"); // a ground-truth row that is a dead letter
        Files.writeString(gt.resolve("acousticbrainz-mediaeval-lastfm-all.tsv"), tsv.toString());
        List<String> inputs = List.of(
                data.resolve("lowlevel").toString(),
                data.resolve("lowlevel-edge").toString(),
                data.resolve("archives").toString(),
                earlyArchive.toString(),
                hostile.folder().toString(),
                hostile.archive().toString(),
                many.toString(),
                again.toString());
        return new RunConfig(inputs, List.of(gt.toString()), false, "paper", List.of(), 0.8, 42, null, null);
    }

    static StageJob job(String run, RunConfig cfg) {
        return StageJob.of(run, Topics.STAGE_EXTRACTOR, StageJob.ALL, cfg, Map.of(), Map.of());
    }

    /** Runs a job on this thread as the job worker would, again after an injected fault; returns the faults. */
    int handleRetrying(StageJob job, ExtractorStage.Tuning tuning, int units) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                stage.handle(job, tuning, units);
                return attempt - 1;
            } catch (IllegalStateException e) {
                if (attempt >= 3 || !String.valueOf(e.getMessage()).contains("injected fault")) {
                    throw e;
                }
            }
        }
    }

    /**
     * Run {@code shared} (scaler job {@code b}) published what run {@code whole} (one instance, one job; scaler job
     * {@code a}) published: the same records on every partition, each once, as many as both scaler jobs announce, the
     * same dead letters and the same summary.
     */
    void assertSameAsOneInstance(String whole, StageJob a, String shared, StageJob b) throws Exception {
        Map<Integer, List<String>> ra = records(a);
        Map<Integer, List<String>> rb = records(b);
        long published = ra.values().stream().mapToLong(List::size).sum();
        assertTrue(published > GENERATED / 2, "published " + published);
        assertEquals(published, a.features().expectedRecords());
        assertEquals(
                a.features().expectedRecords(),
                b.features().expectedRecords(),
                "scaler job record count: " + a.features() + " vs " + b.features());
        assertEquals(
                b.features().expectedRecords(),
                rb.values().stream().mapToLong(List::size).sum(),
                "the merged range holds exactly the announced records");
        assertEquals(ra, rb, "the run's records per partition (sorted)");
        assertEquals(deadLetters(whole), deadLetters(shared), "dead letters (sorted)");
        assertEquals(summary(whole), summary(shared), "summary");
        assertEquals(2, claimedTwice(shared), "recordings whose first copy is in an earlier unit's archive");
    }

    /**
     * Recordings claimed by two units of run {@code shared}: the later copies the hand-over must drop (the copies in
     * the last folder of the recordings first seen in the archive {@code early.tar.bz2}, when that is in an earlier
     * unit).
     */
    int claimedTwice(String shared) {
        int units = infra.store()
                .getJson(RunPaths.extractorUnits(shared), ExtractionUnits.class)
                .size();
        java.util.Set<String> seen = new java.util.HashSet<>();
        int twice = 0;
        for (int g = 0; g < units; g++) {
            for (String mbid : UnitDuplicates.readClaims(infra.store().get(RunPaths.extractorUnitClaims(shared, g)))
                    .keySet()) {
                twice += seen.add(mbid) ? 0 : 1;
            }
        }
        return twice;
    }

    /** The run's records in the scaler job's range, per partition, sorted, with the run id replaced. */
    Map<Integer, List<String>> records(StageJob scaler) throws Exception {
        Map<Integer, List<String>> out = new TreeMap<>();
        String run = "\"" + scaler.runId() + "\"";
        RangeReader.read(infra.bootstrap(), scaler.features(), r -> {
            String json = new String(r.value(), StandardCharsets.UTF_8);
            if (json.contains(run)) {
                out.computeIfAbsent(r.partition(), p -> new ArrayList<>())
                        .add(r.key() + " " + json.replace(run, "\"RUN\""));
            }
        });
        out.values().forEach(l -> l.sort(null));
        return out;
    }

    List<String> deadLetters(String run) throws Exception {
        List<String> letters = new ArrayList<>();
        RangeReader.read(infra.bootstrap(), TopicScan.snapshot(infra.bootstrap(), Topics.DEAD_LETTERS), r -> {
            DeadLetter d = Json.read(r.value(), DeadLetter.class);
            if (run.equals(d.runId())) {
                var node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(r.value());
                node.remove("time");
                letters.add(r.partition() + " "
                        + new String(Json.MAPPER.writeValueAsBytes(node), StandardCharsets.UTF_8)
                                .replace("\"" + run + "\"", "\"RUN\""));
            }
        });
        letters.sort(null);
        return letters;
    }

    @SuppressWarnings("unchecked")
    Map<String, Long> summary(String run) throws Exception {
        return new TreeMap<String, Long>(
                Json.MAPPER.readValue(infra.store().get(RunPaths.extractorSummary(run)), Map.class));
    }

    List<StageJob> scalerJobs(String run) throws Exception {
        return TopicScan.readAll(infra.bootstrap(), Topics.jobs(Topics.STAGE_SCALER), StageJob.class).stream()
                .filter(j -> j.runId().equals(run))
                .toList();
    }

    StageJob awaitScalerJob(String run) throws Exception {
        long deadline = System.currentTimeMillis() + 240_000;
        while (System.currentTimeMillis() < deadline) {
            List<StageJob> jobs = scalerJobs(run);
            if (!jobs.isEmpty()) {
                return jobs.get(0);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no scaler job for " + run + " within 240 s");
    }
}
