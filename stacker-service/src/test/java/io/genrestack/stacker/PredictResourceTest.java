package io.genrestack.stacker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.genrestack.common.Roles;
import io.genrestack.common.Sources;
import io.genrestack.common.features.FeatureManifest;
import io.genrestack.common.features.Flattener;
import io.genrestack.common.model.RunConfig;
import io.genrestack.common.model.TrainParams;
import io.genrestack.common.serde.Json;
import io.genrestack.common.stats.FeatureStats;
import io.genrestack.common.stats.Standardiser;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.ml.MlpModel;
import io.genrestack.ml.MlpSpec;
import io.genrestack.platform.Infrastructure;
import io.genrestack.testkit.InfraTestResource;
import io.genrestack.testkit.SharedData;
import io.genrestack.testkit.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /predict} on a tiny but real run written to object storage: the paper preset's manifest, scaler
 * statistics of the real AcousticBrainz sample documents, untrained (seeded) base and stacked models of the real
 * shapes (2669 → 256 → n, 1024 → n), run.json and vocabularies. The response must equal the pipeline computed here
 * from the same stored objects (flatten → standardise → hidden of each base model → L2 blocks → stacked sigmoid).
 */
@QuarkusTest
@QuarkusTestResource(InfraTestResource.class)
class PredictResourceTest {
    static final Map<String, Integer> LABELS = Map.of("allmusic", 14, "discogs", 12, "lastfm", 11, "tagtraum", 13);

    @Inject
    Infrastructure infra;

    static String run;
    static List<Path> samples;

    static Path lowlevel() {
        String prop = System.getProperty("genrestack.shared.data");
        Path data = prop != null
                ? Path.of(prop)
                : Path.of(System.getProperty("genrestack.repo.root", "."))
                        .resolve("../shared/data")
                        .normalize();
        return Files.isDirectory(data)
                ? data.resolve("acousticbrainz/lowlevel")
                : SharedData.resolve("acousticbrainz/lowlevel");
    }

    static List<String> vocabulary(String source) {
        List<String> v = new ArrayList<>();
        for (int k = 0; k < LABELS.get(source); k++) {
            v.add(String.format("%s-genre%02d", source, k));
        }
        return v;
    }

    @BeforeEach
    void writeRun() throws Exception {
        if (run != null) {
            return;
        }
        StackerStageTest.awaitInfrastructure(infra);
        try (Stream<Path> files = Files.list(lowlevel())) {
            samples = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(samples.size() >= 3, "real low-level samples in " + lowlevel());
        String id = "predict-" + UUID.randomUUID();
        var store = infra.store();
        FeatureManifest manifest = FeatureManifest.forPreset("paper");
        Flattener flattener = new Flattener(manifest);
        FeatureStats stats = new FeatureStats(manifest.size());
        for (Path p : samples) {
            stats.add(flattener.flatten(Files.readAllBytes(p)));
        }
        store.putJson(RunPaths.manifest(id), manifest);
        store.put(RunPaths.scalerStats(id), stats.toBytes(), "application/octet-stream");
        RunConfig config = new RunConfig(
                List.of(),
                List.of(),
                false,
                "paper",
                List.of(),
                0.8,
                42,
                TrainParams.paperBase(),
                TrainParams.paperStacked());
        Map<String, Object> runJson = new LinkedHashMap<>();
        runJson.put("runId", id);
        runJson.put("config", config);
        runJson.put("featureCount", manifest.size());
        store.putJson(RunPaths.runJson(id), runJson);
        int i = 0;
        for (String s : Sources.ALL) {
            int n = LABELS.get(s);
            store.putJson(RunPaths.labels(id, s), Map.of("source", s, "labels", vocabulary(s)));
            try (MlpModel base = MlpModel.create(MlpSpec.paper(manifest.size(), n), 100 + i);
                    MlpModel stacked = MlpModel.create(MlpSpec.stacked(4 * 256, n), 200 + i)) {
                store.put(RunPaths.modelParams(id, s, "base"), base.saveParameters(), "application/octet-stream");
                store.put(RunPaths.modelParams(id, s, "stacked"), stacked.saveParameters(), "application/octet-stream");
            }
            i++;
        }
        // provenance of one source: makes this the newest run with stacked models (see the finished time below)
        store.putJson(
                RunPaths.provenance(id, "lastfm", "stacked"),
                new StackedProvenance(
                        id,
                        "lastfm",
                        Sources.ALL,
                        1024,
                        LABELS.get("lastfm"),
                        0.5,
                        TrainParams.paperStacked(),
                        42,
                        "cpu",
                        1,
                        Map.of(),
                        Map.of(),
                        List.of(),
                        0,
                        Double.NaN,
                        false,
                        Double.NaN,
                        Double.NaN,
                        0,
                        null,
                        null,
                        null,
                        null,
                        RunPaths.modelParams(id, "lastfm", "stacked"),
                        // a day ahead: runs left on the shared test broker by earlier modules' tests (real data,
                        // real ground truth) may be stacked by this service while the test runs; this one must stay
                        // the newest for the default-run check
                        Instant.now().plus(java.time.Duration.ofDays(1))));
        run = id;
    }

    /** The expected response, computed here from the stored objects. */
    Map<String, List<RunModels.Scored>> expected(byte[] doc) {
        var store = infra.store();
        FeatureManifest manifest = Json.read(store.get(RunPaths.manifest(run)), FeatureManifest.class);
        float[] x = new Standardiser(FeatureStats.fromBytes(store.get(RunPaths.scalerStats(run))))
                .apply(new Flattener(manifest).flatten(doc));
        float[][] blocks = new float[4][];
        for (int i = 0; i < 4; i++) {
            String s = Sources.ALL.get(i);
            try (MlpModel base = MlpModel.load(
                    MlpSpec.paper(2669, LABELS.get(s)), store.get(RunPaths.modelParams(run, s, "base")))) {
                blocks[i] = base.hidden(x, 1);
            }
        }
        float[] input = StackedInput.of(blocks);
        Map<String, List<RunModels.Scored>> out = new LinkedHashMap<>();
        for (String s : Sources.ALL) {
            try (MlpModel stacked = MlpModel.load(
                    MlpSpec.stacked(1024, LABELS.get(s)), store.get(RunPaths.modelParams(run, s, "stacked")))) {
                float[] y = stacked.predict(input, 1);
                List<RunModels.Scored> all = new ArrayList<>();
                for (int k = 0; k < y.length; k++) {
                    all.add(new RunModels.Scored(vocabulary(s).get(k), y[k]));
                }
                all.sort(Comparator.comparingDouble(RunModels.Scored::score).reversed());
                out.put(s, all.subList(0, 10));
            }
        }
        return out;
    }

    void assertResponse(JsonPath body, Map<String, List<RunModels.Scored>> expected) {
        assertEquals(run, body.getString("run"));
        Map<String, Object> tax = body.getMap("taxonomies");
        assertEquals(Sources.ALL, new ArrayList<>(tax.keySet()));
        for (String s : Sources.ALL) {
            List<String> labels = body.getList("taxonomies." + s + ".label", String.class);
            List<Float> scores = body.getList("taxonomies." + s + ".score", Float.class);
            assertEquals(10, labels.size(), s);
            for (int k = 0; k < 10; k++) {
                if (k > 0) {
                    assertTrue(scores.get(k - 1) >= scores.get(k), "sorted best first: " + scores);
                }
                assertTrue(scores.get(k) > 0 && scores.get(k) < 1);
                assertEquals(expected.get(s).get(k).score(), scores.get(k), 1e-5, s + " #" + k);
                assertEquals(expected.get(s).get(k).label(), labels.get(k), s + " #" + k);
            }
        }
    }

    @Test
    void predictsFourTaxonomiesForARealDocument() throws Exception {
        byte[] doc = Files.readAllBytes(samples.get(0));
        JsonPath body = given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .contentType("application/json")
                .body(doc)
                .queryParam("run", run)
                .when()
                .post("/predict")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertResponse(body, expected(doc));

        // default run: the newest run with stacked models, i.e. this one
        byte[] other = Files.readAllBytes(samples.get(1));
        JsonPath latest = given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .contentType("application/json")
                .body(other)
                .when()
                .post("/predict")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertResponse(latest, expected(other));
    }

    @Test
    void rejectsBadDocumentsWithTheReason() throws Exception {
        given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .contentType("application/json")
                .body("{\"lowlevel\": {".getBytes())
                .queryParam("run", run)
                .when()
                .post("/predict")
                .then()
                .statusCode(400)
                .body("error", containsString("JSON"));

        ObjectNode doc = (ObjectNode) Json.MAPPER.readTree(Files.readAllBytes(samples.get(0)));
        doc.remove("rhythm");
        given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .contentType("application/json")
                .body(Json.MAPPER.writeValueAsBytes(doc))
                .queryParam("run", run)
                .when()
                .post("/predict")
                .then()
                .statusCode(400)
                .body("error", containsString("rhythm"));

        byte[] big = new byte[3 << 20];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .contentType("application/json")
                .body(big)
                .queryParam("run", run)
                .when()
                .post("/predict")
                .then()
                .statusCode(413);

        given().auth()
                .oauth2(TestTokens.token(Roles.READER))
                .contentType("application/json")
                .body(Files.readAllBytes(samples.get(0)))
                .queryParam("run", "no-such-run-" + UUID.randomUUID())
                .when()
                .post("/predict")
                .then()
                .statusCode(404)
                .body("error", containsString("no stacked models"));
    }
}
