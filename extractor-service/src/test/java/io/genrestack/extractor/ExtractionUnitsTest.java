package io.genrestack.extractor;

import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.StorageConfig;
import io.genrestack.extractor.input.InputItem;
import io.genrestack.extractor.input.InputScanner;
import io.genrestack.extractor.input.S3Inputs;
import io.genrestack.extractor.input.TestData;
import io.genrestack.testkit.HostileCorpus;
import io.genrestack.testkit.LocalInfra;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The extraction units of real inputs (the AcousticBrainz folders and archives, the hostile corpus, a folder of real
 * documents under generated MBIDs with repeated submissions): for every unit count, the units read one after the
 * other give exactly the items of one scan of all inputs, in the same order, with the same names and reasons; no
 * unit is empty, an archive is never cut, two submissions of one recording never land in two units, and a folder is
 * cut into file ranges once there are more units than inputs.
 */
class ExtractionUnitsTest {
    @TempDir
    Path tmp;

    @Test
    void unitsReadInOrderAreOneScan() throws Exception {
        Path data = TestData.sharedData().resolve("acousticbrainz");
        List<Path> real;
        try (Stream<Path> files = Files.list(data.resolve("lowlevel"))) {
            real = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        HostileCorpus.Corpus hostile = HostileCorpus.write(
                Files.createDirectories(tmp.resolve("h")),
                Files.readAllBytes(real.get(0)),
                real.get(0).getFileName().toString().substring(0, 36),
                5);
        Path many = Files.createDirectories(tmp.resolve("many"));
        for (int i = 0; i < 40; i++) {
            String mbid = new UUID(11, i / 3).toString(); // three submissions per recording
            Files.copy(real.get(i % real.size()), many.resolve(mbid + "-" + (i % 3) + ".json"));
        }
        List<String> inputs = List.of(
                data.resolve("lowlevel").toString(),
                data.resolve("lowlevel-edge").toString(),
                data.resolve("archives").toString(),
                hostile.folder().toString(),
                hostile.archive().toString(),
                many.toString());
        InputScanner scanner = new InputScanner();
        List<String> whole = new ArrayList<>();
        scanner.scanLocations(inputs, item -> whole.add(describe(item)));
        assertTrue(whole.size() > 60, "items " + whole.size());

        boolean folderCut = false;
        for (int wanted = 1; wanted <= 12; wanted++) {
            ExtractionUnits plan = ExtractionUnits.plan(inputs, wanted, scanner);
            assertTrue(plan.size() >= 1 && plan.size() <= wanted, wanted + " → " + plan.size());
            if (wanted == 1) {
                assertEquals(inputs.size(), plan.units().get(0).segments().size());
            }
            List<String> joined = new ArrayList<>();
            for (ExtractionUnits.Unit u : plan.units()) {
                assertFalse(u.segments().isEmpty(), "empty unit in " + plan);
                for (ExtractionUnits.Segment s : u.segments()) {
                    folderCut |= s.from() > 0 || s.to() >= 0;
                    scanner.scanSegment(s.location(), s.from(), s.to(), item -> joined.add(describe(item)));
                    if (s.to() >= 0) { // a cut inside a folder: never between two submissions of one recording
                        List<InputScanner.Candidate> cs = scanner.candidates(s.location());
                        String before = cs.get((int) s.to() - 1).mbid();
                        assertTrue(
                                before == null
                                        || !before.equals(cs.get((int) s.to()).mbid()),
                                "cut inside recording " + before + ": " + plan);
                    }
                }
            }
            // what a unit's duplicate check knows of the units before it: the first folder copy of each recording
            for (int g = 0; g < plan.size(); g++) {
                Map<String, String> earlier = plan.earlierDocuments(g, scanner);
                int before = 0;
                for (int k = 0; k < g; k++) {
                    for (ExtractionUnits.Segment s : plan.units().get(k).segments()) {
                        before += count(scanner, s);
                    }
                }
                Map<String, String> expected = new HashMap<>();
                whole.subList(0, before).stream()
                        .filter(l -> l.startsWith("doc\t") && !l.split("\t")[1].contains("!/"))
                        .forEach(l -> expected.putIfAbsent(l.split("\t")[2], l.split("\t")[1]));
                assertEquals(expected, earlier, "earlier documents of unit " + g + " of " + plan);
            }
            assertEquals(whole, joined, wanted + " units: " + plan);
        }
        assertTrue(folderCut, "some plan cut a folder into file ranges");
        // more units than candidates: one unit per candidate at most
        ExtractionUnits one = ExtractionUnits.plan(List.of(real.get(0).toString()), 4, scanner);
        assertEquals(1, one.size());
        assertEquals(
                new ExtractionUnits.Segment(real.get(0).toString(), 0, -1),
                one.units().get(0).segments().get(0));
    }

    /** {@code s3://} folders (real documents and archives in the local s3proxy) are cut into chunks the same way. */
    @Test
    void s3FoldersAreCutIntoChunksOfTheirListing() throws Exception {
        Path data = TestData.sharedData().resolve("acousticbrainz");
        LocalInfra.Endpoints e = LocalInfra.ensureStarted();
        String bucket = "units-" + UUID.randomUUID().toString().substring(0, 8);
        StorageConfig cfg =
                new StorageConfig(e.s3Endpoint(), e.s3AccessKey(), e.s3SecretKey(), bucket, null, 3, 100, e.s3CaFile());
        List<String> inputs = new ArrayList<>();
        try (ObjectStore store = new ObjectStore(cfg);
                S3Inputs s3 = new S3Inputs(cfg, List.of(bucket))) {
            store.ensureBucket();
            for (String folder : List.of("lowlevel", "lowlevel-edge", "archives")) {
                try (Stream<Path> files = Files.list(data.resolve(folder))) {
                    for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                        store.putFile("dumps/" + folder + "/" + f.getFileName(), f, "application/octet-stream");
                    }
                }
                inputs.add("s3://" + bucket + "/dumps/" + folder);
            }
            InputScanner scanner = new InputScanner(InputScanner.DEFAULT_MAX_BYTES, null, s3);
            List<String> whole = new ArrayList<>();
            scanner.scanLocations(inputs, item -> whole.add(describe(item)));
            assertTrue(whole.size() > 15, "items " + whole.size());
            boolean cut = false;
            for (int wanted = 1; wanted <= 6; wanted++) {
                ExtractionUnits plan = ExtractionUnits.plan(inputs, wanted, scanner);
                List<String> joined = new ArrayList<>();
                for (ExtractionUnits.Unit u : plan.units()) {
                    for (ExtractionUnits.Segment seg : u.segments()) {
                        cut |= seg.from() > 0 || seg.to() >= 0;
                        scanner.scanSegment(seg.location(), seg.from(), seg.to(), item -> joined.add(describe(item)));
                    }
                }
                assertEquals(whole, joined, wanted + " units: " + plan);
            }
            assertTrue(cut, "an s3:// folder cut into chunks");
        }
    }

    private static int count(InputScanner scanner, ExtractionUnits.Segment s) {
        int[] n = {0};
        scanner.scanSegment(s.location(), s.from(), s.to(), item -> n[0]++);
        return n[0];
    }

    private static String describe(InputItem item) {
        if (item instanceof InputItem.JsonDoc d) {
            return "doc\t" + d.name() + "\t" + d.mbid() + "\t" + d.bytes().length;
        }
        return "bad\t" + item.name() + "\t" + ((InputItem.BadItem) item).reason();
    }
}
