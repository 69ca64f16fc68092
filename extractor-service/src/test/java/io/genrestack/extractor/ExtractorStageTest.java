package io.genrestack.extractor;

import io.genrestack.common.Roles;
import io.genrestack.common.Topics;
import io.genrestack.common.features.FeatureManifest;
import io.genrestack.common.kafka.RangeReader;
import io.genrestack.common.kafka.TopicScan;
import io.genrestack.common.model.DeadLetter;
import io.genrestack.common.model.RunEvent;
import io.genrestack.common.model.StageJob;
import io.genrestack.common.model.TrackFeatures;
import io.genrestack.common.serde.Json;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.InfraTestResource;
import io.genrestack.testkit.SharedData;
import io.genrestack.testkit.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The extractor service end to end against the real broker and object storage: real AcousticBrainz files (folders
 * and the official archives, edge cases included) plus generated bad input, ground truth written for the test.
 * Every item is either published or dead-lettered with a reason, and the totals balance.
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
@QuarkusTestResource(InputRootsTestResource.class)
class ExtractorStageTest {
    static final String M_BE9 = "be9e01e5-8f93-494d-bbaa-ddcc5a52f629";
    static final String M_0DA = "0dad432b-16cc-4bf0-8961-fd31d124b01b";
    static final String M_E8A = "e8afe383-1478-497e-90b1-7885c7f37f6e";
    static final String M_01A0 = "01a0a332-d340-4806-a88b-cb60a05355c0";
    static final String M_01A1 = "01a1a77a-f81e-49a5-9fea-7060394409ec";
    static final String M_A3B = "a3b8950a-d1f8-49b9-b88f-89f38726f332";
    static final String M_00C = "00c47ea6-3a10-4a32-b1f1-990ac756c6a0";
    static final String M_CD3 = "cd3f5efa-bc5e-4064-a765-960494ad4bb4";

    @Inject
    Infrastructure infra;

    @TempDir
    Path tmp;

    /** Writes a TSV in the official format. rows: mbid, release group, labels... */
    static void tsv(Path file, List<List<String>> rows) throws Exception {
        StringBuilder b = new StringBuilder("recordingmbid\treleasegroupmbid\tgenre1\tgenre2\tgenre3\n");
        for (List<String> r : rows) {
            b.append(String.join("\t", r)).append('\n');
        }
        Files.writeString(file, b.toString());
    }

    static String rg(int i) {
        return new UUID(77, i).toString();
    }

    @Test
    void realFilesAndBadInputArePublishedOrDeadLetteredAndTotalsBalance() throws Exception {
        Path data = SharedData.dir().resolve("acousticbrainz");
        Path bad = Files.createDirectories(tmp.resolve("bad"));
        String mTrunc = new UUID(1, 1).toString();
        String mType = new UUID(1, 2).toString();
        String mNaN = new UUID(1, 3).toString();
        String mUnknown = new UUID(1, 4).toString();
        String mNoSection = new UUID(1, 5).toString();
        String good = Files.readString(data.resolve("lowlevel/" + M_0DA + ".json"));
        Files.writeString(bad.resolve(mTrunc + ".json"), good.substring(0, good.length() / 2));
        Files.writeString(
                bad.resolve(mType + ".json"),
                good.replaceFirst("\"average_loudness\":\\s*[0-9.eE+-]+", "\"average_loudness\": \"loud\""));
        Files.writeString(
                bad.resolve(mNaN + ".json"),
                good.replaceFirst("\"average_loudness\":\\s*[0-9.eE+-]+", "\"average_loudness\": NaN"));
        Files.writeString(bad.resolve(mUnknown + ".json"), good);
        Files.writeString(bad.resolve(mNoSection + ".json"), "{\"lowlevel\": {}, \"tonal\": {}}");
        Files.writeString(bad.resolve("notes.txt"), "not json", StandardCharsets.UTF_8);

        Path gt = Files.createDirectories(tmp.resolve("gt"));
        // all real MBIDs and the bad ones except mUnknown have ground truth; 2 sources overlap
        List<String> tagged =
                List.of(M_BE9, M_0DA, M_E8A, M_01A0, M_01A1, M_A3B, M_00C, M_CD3, mTrunc, mType, mNaN, mNoSection);
        List<List<String>> lastfm = new ArrayList<>();
        List<List<String>> tagtraum = new ArrayList<>();
        for (int i = 0; i < tagged.size(); i++) {
            lastfm.add(List.of(
                    tagged.get(i), rg(i), i % 2 == 0 ? "rock" : "pop", i % 2 == 0 ? "rock---indie" : "pop---dance"));
            if (i % 3 == 0) {
                tagtraum.add(List.of(tagged.get(i), rg(i), "electronic"));
            }
        }
        lastfm.add(List.of(new UUID(2, 9).toString(), rg(99))); // empty label list: a ground-truth problem
        tsv(gt.resolve("acousticbrainz-mediaeval-lastfm-all.tsv"), lastfm);
        tsv(gt.resolve("acousticbrainz-mediaeval-tagtraum-all.tsv"), tagtraum);

        awaitReady();
        String runId = "ext-" + UUID.randomUUID().toString().substring(0, 8);
        // trainFraction 1.0: every recording on the train side, so every label is in the vocabulary
        String body = Json.MAPPER.writeValueAsString(Map.of(
                "runId",
                runId,
                "inputs",
                List.of(
                        data.resolve("lowlevel").toString(),
                        data.resolve("lowlevel-edge").toString(),
                        data.resolve("archives").toString(),
                        bad.toString()),
                "groundTruth",
                List.of(gt.toString()),
                "trainFraction",
                1.0));
        given().auth()
                .oauth2(TestTokens.token(Roles.OPERATOR))
                .contentType("application/json")
                .body(body)
                .when()
                .post("/runs")
                .then()
                .statusCode(202)
                .body(containsString(runId));
        given().auth()
                .oauth2(TestTokens.token(Roles.OPERATOR))
                .contentType("application/json")
                .body("{\"inputs\":[]}")
                .when()
                .post("/runs")
                .then()
                .statusCode(400)
                .body(containsString("required"));
        // the presets of FeatureManifest.PRESETS, and the synthetic-data flag, into the run's config
        given().auth()
                .oauth2(TestTokens.token(Roles.OPERATOR))
                .contentType("application/json")
                .body(Json.MAPPER.writeValueAsString(Map.of(
                        "inputs", List.of(data.resolve("lowlevel-edge").toString()),
                        "groundTruth", List.of(gt.toString()),
                        "preset", "nope")))
                .when()
                .post("/runs")
                .then()
                .statusCode(400)
                .body(containsString("[paper, full, common-layout]"));
        String common = "ext-cl-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth()
                .oauth2(TestTokens.token(Roles.OPERATOR))
                .contentType("application/json")
                .body(Json.MAPPER.writeValueAsString(Map.of(
                        "runId",
                        common,
                        "inputs",
                        List.of(data.resolve("lowlevel-edge").toString()),
                        "groundTruth",
                        List.of(gt.toString()),
                        "preset",
                        "common-layout",
                        "synthetic",
                        true)))
                .when()
                .post("/runs")
                .then()
                .statusCode(202)
                .body("config.preset", org.hamcrest.Matchers.equalTo("common-layout"))
                .body("config.synthetic", org.hamcrest.Matchers.equalTo(true));

        RunEvent finished = awaitEvent(runId, RunEvent.EXTRACTION_FINISHED);
        StageJob scalerJob = awaitJob(runId);

        // published: one record per distinct real MBID with ground truth; first 00c47ea6 file wins
        Map<String, TrackFeatures> published = new HashMap<>();
        RangeReader.read(infra.bootstrap(), scalerJob.features(), r -> {
            TrackFeatures t = Json.read(r.value(), TrackFeatures.class);
            if (t.runId().equals(runId)) {
                assertEquals(null, published.put(t.mbid(), t), "duplicate " + t.mbid());
            }
        });
        assertEquals(java.util.Set.of(M_BE9, M_0DA, M_E8A, M_01A0, M_01A1, M_A3B, M_00C, M_CD3), published.keySet());
        assertEquals(8, scalerJob.features().expectedRecords());
        int size = FeatureManifest.forPreset("paper").size();
        assertEquals(2669, size);
        published.values().forEach(t -> assertEquals(size, t.features().length));
        assertEquals(
                List.of(0, 1).size(),
                published.get(M_0DA).labels().get("lastfm").size());
        assertTrue(published.get(M_0DA).labels().containsKey("tagtraum") == (tagged.indexOf(M_0DA) % 3 == 0));

        // dead letters with reasons
        List<DeadLetter> letters = deadLetters(runId);
        Map<String, String> byKey = new HashMap<>();
        letters.forEach(
                l -> byKey.merge(l.key() == null ? l.sourceFile() : l.key(), l.reason(), (a, b2) -> a + " | " + b2));
        assertTrue(byKey.get(mTrunc).contains("JSON"), byKey.toString());
        assertTrue(byKey.get(mType).contains("average_loudness"), byKey.get(mType));
        assertTrue(byKey.get(mNaN) != null, "NaN token dead-lettered");
        assertTrue(byKey.get(mUnknown).contains("no ground-truth row"), byKey.get(mUnknown));
        assertTrue(byKey.get(mNoSection).contains("rhythm"), byKey.get(mNoSection));
        assertTrue(byKey.get(M_00C).contains("duplicate recording MBID"), byKey.get(M_00C));
        long duplicates = letters.stream()
                .filter(l -> l.reason().contains("duplicate recording MBID"))
                .count();
        // 4 + 3 submissions of 00c47ea6 (one published) and the two archive JSONs that lowlevel/ holds too
        assertEquals(8, duplicates);
        assertEquals(
                2,
                letters.stream()
                        .filter(l -> l.reason().contains("duplicate recording MBID")
                                && l.sourceFile().contains(".tar.bz2!"))
                        .count());
        assertTrue(letters.stream().anyMatch(l -> l.reason().contains("not a recording MBID")));
        assertTrue(letters.stream().anyMatch(l -> l.reason().contains("not a .json file")));
        assertTrue(letters.stream().anyMatch(l -> l.reason().contains("ground truth")), "empty label row");
        letters.forEach(l -> assertTrue(l.reason() != null && !l.reason().isBlank()));

        // totals balance: items = published + dead-lettered items; plus ground-truth problems
        Map<String, Long> c = finished.counts();
        assertEquals(8L, c.get("published"));
        assertEquals(c.get("items"), c.get("published") + c.get("deadLetters") - c.get("deadLetters.groundTruth"));
        assertEquals((long) letters.size(), c.get("deadLetters"));

        // run objects
        assertTrue(infra.store().exists(RunPaths.manifest(runId)));
        assertTrue(infra.store().exists(RunPaths.labels(runId, "lastfm")));
        var vocab = Json.MAPPER.readTree(infra.store().get(RunPaths.labels(runId, "lastfm")));
        assertEquals(
                List.of("pop", "pop---dance", "rock", "rock---indie"),
                Json.MAPPER.convertValue(vocab.get("labels"), List.class));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("genrestack_records_total"));
    }

    static void awaitReady() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (given().when().get("/q/health/ready").statusCode() != 200) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("service not ready: "
                        + given().when().get("/q/health/ready").asString());
            }
            Thread.sleep(300);
        }
    }

    RunEvent awaitEvent(String runId, String type) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            for (RunEvent e : readAll(Topics.RUN_EVENTS, RunEvent.class)) {
                if (e.runId().equals(runId) && e.type().equals(type)) {
                    return e;
                }
                if (e.runId().equals(runId) && e.type().equals(RunEvent.STAGE_FAILED)) {
                    throw new AssertionError("stage failed: " + e.message());
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no " + type + " for " + runId);
    }

    StageJob awaitJob(String runId) throws Exception {
        for (StageJob j : readAll(Topics.jobs(Topics.STAGE_SCALER), StageJob.class)) {
            if (j.runId().equals(runId)) {
                return j;
            }
        }
        throw new AssertionError("no scaler job for " + runId);
    }

    List<DeadLetter> deadLetters(String runId) throws Exception {
        return readAll(Topics.DEAD_LETTERS, DeadLetter.class).stream()
                .filter(d -> runId.equals(d.runId()))
                .toList();
    }

    <T> List<T> readAll(String topic, Class<T> type) throws Exception {
        return TopicScan.readAll(infra.bootstrap(), topic, type);
    }
}
