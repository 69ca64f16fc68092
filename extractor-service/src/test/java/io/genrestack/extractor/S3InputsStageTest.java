package io.genrestack.extractor;

import io.genrestack.common.Roles;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.StorageConfig;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.HostileCorpus;
import io.genrestack.testkit.InfraTestResource;
import io.genrestack.testkit.SharedData;
import io.genrestack.testkit.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The extractor end to end on {@code s3://} inputs (real broker, real s3proxy): the shared AcousticBrainz folders and
 * official archives, a hostile archive and the ground-truth TSVs uploaded to a bucket give exactly the records (same
 * keys, feature vectors, names, in the same order per partition) and the same dead letters as the same files read from
 * local folders; a location outside {@code genrestack.extractor.input-buckets} is refused with 400.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
@QuarkusTestResource(InputRootsTestResource.class)
@QuarkusTestResource(S3InputBucketsTestResource.class)
class S3InputsStageTest {
    static final List<String> FOLDERS = List.of("lowlevel", "lowlevel-edge", "archives");
    static final List<String> REAL = List.of(
            ExtractorStageTest.M_BE9,
            ExtractorStageTest.M_0DA,
            ExtractorStageTest.M_E8A,
            ExtractorStageTest.M_01A0,
            ExtractorStageTest.M_01A1,
            ExtractorStageTest.M_A3B,
            ExtractorStageTest.M_00C,
            ExtractorStageTest.M_CD3);

    @Inject
    Infrastructure infra;

    @Inject
    ExtractorStage stage;

    @TempDir
    Path tmp;

    @Test
    void bucketInputsPublishTheRecordsOfTheSameLocalFilesAndHostileArchivesAreDeadLettered() throws Exception {
        Path data = SharedData.dir().resolve("acousticbrainz");
        byte[] good = Files.readAllBytes(data.resolve("lowlevel/" + ExtractorStageTest.M_0DA + ".json"));
        HostileCorpus.Corpus hostile = HostileCorpus.write(tmp, good, ExtractorStageTest.M_0DA, 5);
        Path gt = Files.createDirectories(tmp.resolve("gt"));
        List<String> tagged = new ArrayList<>(REAL);
        tagged.addAll(hostile.mbids());
        List<List<String>> lastfm = new ArrayList<>();
        List<List<String>> discogs = new ArrayList<>();
        for (int i = 0; i < tagged.size(); i++) {
            lastfm.add(List.of(tagged.get(i), ExtractorStageTest.rg(i), i % 2 == 0 ? "rock" : "pop"));
            if (i % 3 == 0) {
                discogs.add(List.of(tagged.get(i), ExtractorStageTest.rg(i), "Electronic", "Electronic---House"));
            }
        }
        ExtractorStageTest.tsv(gt.resolve("acousticbrainz-mediaeval-lastfm-all.tsv"), lastfm);
        ExtractorStageTest.tsv(gt.resolve("acousticbrainz-mediaeval-discogs-all.tsv"), discogs);

        String prefix = "allowed/" + UUID.randomUUID().toString().substring(0, 8);
        String root = "s3://" + S3InputBucketsTestResource.BUCKET + "/" + prefix;
        try (ObjectStore bucket = bucket()) {
            bucket.ensureBucket();
            for (String f : FOLDERS) {
                upload(bucket, data.resolve(f), prefix + "/" + f);
            }
            bucket.putFile(prefix + "/hostile.tar.bz2", hostile.archive(), "application/x-bzip2");
            upload(bucket, gt, prefix + "/gt");
        }
        List<String> localInputs = new ArrayList<>();
        List<String> s3Inputs = new ArrayList<>();
        for (String f : FOLDERS) {
            localInputs.add(data.resolve(f).toString());
            s3Inputs.add(root + "/" + f);
        }
        localInputs.add(hostile.archive().toString());
        s3Inputs.add(root + "/hostile.tar.bz2");

        ExtractorStageTest.awaitReady();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String localRun = "s3cmp-local-" + id;
        String s3Run = "s3cmp-s3-" + id;
        post(localRun, localInputs, List.of(gt.toString()), 202);
        post(s3Run, s3Inputs, List.of(root + "/gt"), 202);

        // refused: a bucket outside the allow-list, a prefix beside the allowed one, ground truth elsewhere
        String outside = post("s3cmp-no-" + id, List.of("s3://another-bucket/x"), List.of(gt.toString()), 400);
        assertTrue(outside.contains("s3://another-bucket/x") && outside.contains("input-buckets"), outside);
        post("s3cmp-no2-" + id, List.of(root.replace("allowed/", "other/")), List.of(gt.toString()), 400);
        post("s3cmp-no3-" + id, List.of(localInputs.get(0)), List.of("s3://another-bucket/gt"), 400);

        ExtractorStageTest helper = new ExtractorStageTest();
        helper.infra = infra;
        RunEvent localDone = helper.awaitEvent(localRun, RunEvent.EXTRACTION_FINISHED);
        RunEvent s3Done = helper.awaitEvent(s3Run, RunEvent.EXTRACTION_FINISHED);
        Map<Integer, List<TrackFeatures>> fromFolders = published(helper.awaitJob(localRun), localRun);
        Map<Integer, List<TrackFeatures>> fromBucket = published(helper.awaitJob(s3Run), s3Run);
        assertEquals(
                REAL.size(), fromFolders.values().stream().mapToInt(List::size).sum());
        assertEquals(fromFolders, fromBucket, "same records, same order in every partition");
        assertEquals(localDone.counts(), s3Done.counts());

        List<String> localLetters = letters(helper, localRun);
        List<String> s3Letters = letters(helper, s3Run);
        assertEquals(localLetters, s3Letters);
        assertTrue(
                s3Letters.stream()
                        .anyMatch(l -> l.startsWith("hostile.tar.bz2 | hostile.tar.bz2 | decompression bomb refused")),
                s3Letters.toString());
        hostile.expected().forEach((name, reason) -> {
            if (name.startsWith("hostile.tar.bz2")) {
                assertTrue(
                        s3Letters.stream()
                                .anyMatch(l -> l.contains(" | " + name + " | ")
                                        && l.toLowerCase().contains(reason)),
                        name + " (" + reason + ") not dead-lettered: " + s3Letters);
            }
        });
    }

    /**
     * The shared-run corpus ({@link SharedRunFixture#inputs}; its hostile folder stays out: links do not travel to a
     * bucket) uploaded to the bucket and extracted in four units by this service's job worker publishes what one job
     * publishes on the same {@code s3://} inputs: same records per partition, dead letters, summary and count, the
     * later copies of recordings first seen inside an earlier unit's archive dropped (their documents read again from
     * the bucket for the dead letters).
     */
    @Test
    void bucketInputsInUnitsPublishWhatOneJobPublishes() throws Exception {
        ExtractorStageTest.awaitReady();
        RunConfig local = SharedRunFixture.inputs(Files.createDirectories(tmp.resolve("units")));
        String prefix = "allowed/" + UUID.randomUUID().toString().substring(0, 8);
        List<String> inputs = new ArrayList<>();
        try (ObjectStore bucket = bucket()) {
            bucket.ensureBucket();
            for (String in : local.inputs()) {
                Path p = Path.of(in);
                String key = prefix + "/" + p.getFileName();
                if (Files.isRegularFile(p)) {
                    bucket.putFile(key, p, "application/x-bzip2");
                } else if (hasLinks(p)) {
                    continue;
                } else {
                    upload(bucket, p, key);
                }
                inputs.add("s3://" + S3InputBucketsTestResource.BUCKET + "/" + key);
            }
        }
        RunConfig cfg = new RunConfig(inputs, local.groundTruth(), false, "paper", List.of(), 0.8, 42, null, null);
        SharedRunFixture fixture = new SharedRunFixture(infra, stage);
        ExtractorStage.Tuning tuning = new ExtractorStage.Tuning(2, 4, 20);
        String id = UUID.randomUUID().toString().substring(0, 8);
        String whole = "s3one-" + id;
        String shared = "s3units-" + id;
        fixture.handleRetrying(SharedRunFixture.job(whole, cfg), tuning, 1);
        fixture.handleRetrying(SharedRunFixture.job(shared, cfg), tuning, 4); // plans; this service's worker extracts
        fixture.assertSameAsOneInstance(whole, fixture.awaitScalerJob(whole), shared, fixture.awaitScalerJob(shared));
    }

    private static boolean hasLinks(Path folder) throws Exception {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.anyMatch(Files::isSymbolicLink);
        }
    }

    private ObjectStore bucket() {
        StorageConfig c = infra.store().config();
        return new ObjectStore(new StorageConfig(
                c.endpoint(),
                c.accessKey(),
                c.secretKey(),
                S3InputBucketsTestResource.BUCKET,
                c.region(),
                3,
                100,
                c.caFile()));
    }

    private static void upload(ObjectStore store, Path folder, String prefix) throws Exception {
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                store.putFile(prefix + "/" + folder.relativize(f), f, "application/octet-stream");
            }
        }
    }

    private static String post(String runId, List<String> inputs, List<String> groundTruth, int status)
            throws Exception {
        String body =
                Json.MAPPER.writeValueAsString(Map.of("runId", runId, "inputs", inputs, "groundTruth", groundTruth));
        return given().auth()
                .oauth2(TestTokens.token(Roles.OPERATOR))
                .contentType("application/json")
                .body(body)
                .when()
                .post("/runs")
                .then()
                .statusCode(status)
                .body(containsString(status == 202 ? runId : "error"))
                .extract()
                .asString();
    }

    /** The run's records per partition in offset order, with the run id blanked (the only field that differs). */
    private Map<Integer, List<TrackFeatures>> published(StageJob scalerJob, String runId) throws Exception {
        Map<Integer, List<TrackFeatures>> out = new TreeMap<>();
        RangeReader.read(infra.bootstrap(), scalerJob.features(), r -> {
            TrackFeatures t = Json.read(r.value(), TrackFeatures.class);
            if (t.runId().equals(runId)) {
                out.computeIfAbsent(r.partition(), p -> new ArrayList<>())
                        .add(new TrackFeatures(
                                "", t.mbid(), t.split(), t.releaseGroup(), t.sourceFile(), t.labels(), t.features()));
            }
        });
        return out;
    }

    /** The run's dead letters as {@code key | source file | reason}, sorted. */
    private static List<String> letters(ExtractorStageTest helper, String runId) throws Exception {
        List<String> out = new ArrayList<>();
        for (DeadLetter d : helper.deadLetters(runId)) {
            out.add(d.key() + " | " + d.sourceFile() + " | " + d.reason());
        }
        out.sort(null);
        return out;
    }
}
