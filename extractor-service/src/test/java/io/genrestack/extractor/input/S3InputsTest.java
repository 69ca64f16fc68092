package io.genrestack.extractor.input;

import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.StorageConfig;
import io.genrestack.extractor.input.InputItem.BadItem;
import io.genrestack.testkit.HostileCorpus;
import io.genrestack.testkit.LocalInfra;
import io.genrestack.testkit.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code s3://} inputs against the real s3proxy: the shared AcousticBrainz folders and official archives, and a
 * hostile archive, uploaded to a bucket, scan to exactly the items (names, MBIDs, bytes, reasons, order) of the same
 * files read from local folders; locations outside the allow-list are refused unread.
 */
class S3InputsTest {
    static final List<String> FOLDERS = List.of("lowlevel", "lowlevel-edge", "archives");

    /** The storage settings of the local s3proxy, for {@code bucket}. */
    static StorageConfig config(String bucket) {
        LocalInfra.Endpoints e = LocalInfra.ensureStarted();
        return new StorageConfig(e.s3Endpoint(), e.s3AccessKey(), e.s3SecretKey(), bucket, null, 3, 100, e.s3CaFile());
    }

    /** Uploads every regular file under {@code folder} as {@code <prefix>/<path inside it>}; returns how many. */
    static int upload(ObjectStore store, Path folder, String prefix) throws IOException {
        int n = 0;
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                store.putFile(
                        prefix + "/" + folder.relativize(f).toString().replace('\\', '/'),
                        f,
                        "application/octet-stream");
                n++;
            }
        }
        return n;
    }

    static String newBucket(String stem) {
        return stem + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void objectsScanToTheItemsOfTheSameLocalFilesInTheSameOrderHostileArchiveIncluded(@TempDir Path tmp)
            throws IOException {
        Path data = SharedData.dir().resolve("acousticbrainz");
        byte[] good = Files.readAllBytes(data.resolve("lowlevel/0dad432b-16cc-4bf0-8961-fd31d124b01b.json"));
        HostileCorpus.Corpus hostile = HostileCorpus.write(tmp, good, "0dad432b-16cc-4bf0-8961-fd31d124b01b", 11);
        String bucket = newBucket("inputs");
        List<String> s3Locations = new ArrayList<>();
        List<Path> local = new ArrayList<>();
        try (ObjectStore store = new ObjectStore(config(bucket))) {
            store.ensureBucket();
            for (String f : FOLDERS) {
                assertTrue(upload(store, data.resolve(f), "dumps/" + f) > 0);
                s3Locations.add("s3://" + bucket + "/dumps/" + f);
                local.add(data.resolve(f));
            }
            store.putFile("dumps/hostile.tar.bz2", hostile.archive(), "application/x-bzip2");
            s3Locations.add("s3://" + bucket + "/dumps/hostile.tar.bz2/"); // a trailing slash is ignored
            local.add(hostile.archive());
            // junk and a folder marker are skipped as in a local folder
            store.put("dumps/lowlevel/._0dad432b-16cc-4bf0-8961-fd31d124b01b.json", good, "application/json");
            store.put("dumps/lowlevel/sub/", new byte[0], "application/x-directory");
        }

        List<InputItem> fromFolders = new ArrayList<>();
        new InputScanner().scan(local, fromFolders::add);
        List<InputItem> fromBucket = new ArrayList<>();
        try (S3Inputs s3 = new S3Inputs(config("genrestack"), List.of(bucket + "/dumps"))) {
            InputScanner scanner = new InputScanner(InputScanner.DEFAULT_MAX_BYTES, new InputRoots(List.of()), s3);
            scanner.scanLocations(s3Locations, fromBucket::add);
            assertEquals(-1, scanner.countLocations(s3Locations));
        }
        assertTrue(fromFolders.size() > 20, "real data scanned: " + fromFolders.size());
        assertEquals(fromFolders, fromBucket);

        // the hostile archive's entries are dead-lettered with their reasons, the bomb guard stops it
        Map<String, String> bad = InputScannerTest.bad(fromBucket);
        String bomb = bad.get("hostile.tar.bz2");
        assertTrue(bomb != null && bomb.startsWith(InputScanner.BOMB), String.valueOf(bomb));
        hostile.expected().forEach((name, reason) -> {
            if (name.startsWith("hostile.tar.bz2")) {
                assertTrue(
                        bad.containsKey(name) || reason.contains("duplicate"), name + " missing from " + bad.keySet());
                if (bad.containsKey(name)) {
                    assertTrue(bad.get(name).toLowerCase().contains(reason), name + ": " + bad.get(name));
                }
            }
        });
        assertTrue(
                InputScannerTest.docs(fromBucket).stream()
                        .anyMatch(d -> d.name().startsWith("archives/")),
                "archive entries read through the stream");
    }

    @Test
    void locationsOutsideTheAllowListOrMissingAreBadItemsAndNothingIsRead() throws IOException {
        String bucket = newBucket("allowed");
        String other = newBucket("other");
        String mbid = "0dad432b-16cc-4bf0-8961-fd31d124b01b";
        byte[] good = Files.readAllBytes(SharedData.dir().resolve("acousticbrainz/lowlevel/" + mbid + ".json"));
        try (ObjectStore a = new ObjectStore(config(bucket));
                ObjectStore b = new ObjectStore(config(other))) {
            a.ensureBucket();
            b.ensureBucket();
            a.put("in/" + mbid + ".json", good, "application/json");
            a.put("private/" + mbid + ".json", good, "application/json");
            b.put("in/" + mbid + ".json", good, "application/json");
        }
        List<InputItem> items = new ArrayList<>();
        try (S3Inputs s3 = new S3Inputs(config("genrestack"), List.of("s3://" + bucket + "/in", "Not A Bucket!"))) {
            assertEquals(List.of(S3Location.parse(bucket + "/in")), s3.allowed(), "malformed entries dropped");
            new InputScanner(1 << 20, new InputRoots(List.of()), s3)
                    .scanLocations(
                            List.of(
                                    "s3://" + bucket + "/in/" + mbid + ".json",
                                    "s3://" + bucket + "/private",
                                    "s3://" + bucket + "/in-other",
                                    "s3://" + other + "/in",
                                    "s3://" + bucket + "/in/../private",
                                    "s3://" + bucket + "/in/missing"),
                            items::add);
        }
        assertEquals(6, items.size(), items.toString());
        assertEquals(new InputItem.JsonDoc(mbid + ".json", mbid, good), items.get(0));
        for (int i = 1; i <= 4; i++) {
            BadItem bad = (BadItem) items.get(i);
            assertTrue(bad.reason().startsWith(S3Inputs.REFUSED), bad.toString());
        }
        assertTrue(((BadItem) items.get(3)).reason().contains(other), "names the refused bucket");
        assertTrue(
                ((BadItem) items.get(4)).reason().contains("'..'"), items.get(4).toString());
        assertEquals(new BadItem("missing", "input does not exist: s3://" + bucket + "/in/missing"), items.get(5));

        // with no allow-list every s3:// location is refused, whatever it names
        assertTrue(S3Inputs.refusal("s3://" + bucket + "/in", List.of())
                .orElseThrow()
                .contains("none configured"));
        assertFalse(S3Inputs.refusal("/data/in", List.of()).isPresent(), "local paths are InputRoots' business");
    }

    @Test
    void groundTruthObjectsAreFoundByNameInKeyOrder() throws IOException {
        String bucket = newBucket("gt");
        try (ObjectStore store = new ObjectStore(config(bucket))) {
            store.ensureBucket();
            store.putText(
                    "gt/b/acousticbrainz-mediaeval-lastfm-validation.tsv",
                    "recordingmbid\n",
                    "text/tab-separated-values");
            store.putText(
                    "gt/a/acousticbrainz-mediaeval-lastfm-train.tsv",
                    "recordingmbid\tx\n",
                    "text/tab-separated-values");
            store.putText("gt/readme.md", "not ground truth", "text/markdown");
        }
        try (S3Inputs s3 = new S3Inputs(config("genrestack"), List.of(bucket))) {
            List<S3Inputs.Tsv> tsvs = s3.tsvObjects("s3://" + bucket + "/gt");
            assertEquals(
                    List.of(
                            "acousticbrainz-mediaeval-lastfm-train.tsv",
                            "acousticbrainz-mediaeval-lastfm-validation.tsv"),
                    tsvs.stream().map(S3Inputs.Tsv::fileName).toList());
            try (InputStream in = tsvs.get(0).opener().open()) {
                assertEquals("recordingmbid\tx\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            assertEquals(
                    1,
                    s3.tsvObjects("s3://" + bucket + "/gt/b/acousticbrainz-mediaeval-lastfm-validation.tsv")
                            .size());
            IllegalArgumentException missing =
                    assertThrows(IllegalArgumentException.class, () -> s3.tsvObjects("s3://" + bucket + "/nothing"));
            assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
            IllegalArgumentException refused =
                    assertThrows(IllegalArgumentException.class, () -> s3.tsvObjects("s3://elsewhere/gt"));
            assertTrue(refused.getMessage().contains(S3Inputs.REFUSED), refused.getMessage());
        }
    }

    @Test
    void aTransportFailureInTheMiddleOfAnArchiveFailsTheAttemptInsteadOfDeadLetteringTheRest() throws IOException {
        Path archive =
                SharedData.dir().resolve("acousticbrainz/archives/acousticbrainz-mediaeval-features-train-01.tar.bz2");
        byte[] bytes = Files.readAllBytes(archive);
        // the connection drops after half the archive: what storage would deliver before a reset
        ArchiveStream.Source cut = () -> StorageReadFailure.guard(
                new java.io.SequenceInputStream(
                        new java.io.ByteArrayInputStream(bytes, 0, bytes.length / 2), new InputStream() {
                            @Override
                            public int read() throws IOException {
                                throw new java.net.SocketException("Connection reset");
                            }
                        }),
                "s3://b/archives/x.tar.bz2");
        List<InputItem> items = new ArrayList<>();
        ArchiveStream archives = new ArchiveStream(new DocumentReader(InputScanner.DEFAULT_MAX_BYTES));
        StorageReadFailure failure =
                assertThrows(StorageReadFailure.class, () -> archives.scan(cut, "archives/x.tar.bz2", items::add));
        assertTrue(failure.getMessage().contains("Connection reset"), failure.getMessage());
        assertTrue(items.stream().noneMatch(BadItem.class::isInstance), "no dead letter for a transport failure");

        // the same cut on a local file is damage, not transport: a corrupt-archive dead letter
        List<InputItem> local = new ArrayList<>();
        archives.scan(
                () -> new java.io.ByteArrayInputStream(bytes, 0, bytes.length / 2), "archives/x.tar.bz2", local::add);
        assertTrue(
                local.get(local.size() - 1) instanceof BadItem b && b.reason().startsWith(InputScanner.CORRUPT_ARCHIVE),
                local.toString());
    }

    @Test
    void keysAreOrderedLikeALocalFolderWalk() {
        List<String> keys =
                new ArrayList<>(List.of("p/a-c.json", "p/a/b.json", "p/a.json", "p/B.json", "p/a/a/z.json"));
        keys.sort(S3Inputs.WALK_ORDER);
        // segment by segment: "a" < "a-c" < "a.json", so the folder a/ comes first; upper case before lower case
        assertEquals(List.of("p/B.json", "p/a/a/z.json", "p/a/b.json", "p/a-c.json", "p/a.json"), keys);
    }
}
