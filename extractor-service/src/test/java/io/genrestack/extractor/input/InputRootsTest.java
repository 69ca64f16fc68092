package io.genrestack.extractor.input;

import io.genrestack.extractor.input.InputRoots.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link InputRoots} on real folders and links, and the scanner refusing an input outside them unopened. */
class InputRootsTest {
    @TempDir
    Path tmp;

    @Test
    void judgesLocationsByTheirRealPaths() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.tsv"), "x");
        Files.createDirectories(root.resolve("data"));
        Files.createSymbolicLink(root.resolve("out"), outside);
        Files.createSymbolicLink(root.resolve("dangling"), outside.resolve("nothing"));
        Files.createSymbolicLink(root.resolve("in"), root.resolve("data"));
        // a root reached through a link of its own is matched by its real path
        Path linkedRoot = Files.createSymbolicLink(tmp.resolve("linked-root"), root);
        InputRoots roots = new InputRoots(List.of(root.toString(), linkedRoot.toString(), "relative/ignored"));

        assertEquals(Verdict.INSIDE, roots.check(root.toString()));
        assertEquals(Verdict.INSIDE, roots.check(root.resolve("data").toString()));
        assertEquals(Verdict.INSIDE, roots.check(root.resolve("in").toString()), "a link that stays inside");
        assertEquals(Verdict.INSIDE, roots.check(linkedRoot.resolve("data").toString()));
        assertEquals(
                Verdict.MISSING, roots.check(root.resolve("data/nothing/deeper").toString()));

        assertEquals(Verdict.REFUSED, roots.check(outside.toString()));
        assertEquals(Verdict.REFUSED, roots.check(outside.resolve("nothing").toString()));
        assertEquals(Verdict.REFUSED, roots.check(root.resolve("out").toString()));
        assertEquals(Verdict.REFUSED, roots.check(root.resolve("out/secret.tsv").toString()));
        assertEquals(Verdict.REFUSED, roots.check(root.resolve("out/nothing").toString()), "no oracle via links");
        assertEquals(Verdict.REFUSED, roots.check(root.resolve("dangling").toString()));
        assertEquals(Verdict.REFUSED, roots.check(root + "/../outside/secret.tsv"));
        assertEquals(Verdict.REFUSED, roots.check(root + "/data/../data"));
        assertEquals(Verdict.REFUSED, roots.check("root/data"));
        assertEquals(Verdict.REFUSED, roots.check(""));
        assertEquals(Verdict.REFUSED, roots.check("/"));
        assertEquals(Verdict.REFUSED, roots.check(root + "x"), "a sibling whose name starts like the root");
        assertEquals(
                Verdict.REFUSED,
                new InputRoots(List.of(tmp.resolve("gone").toString()))
                        .check(tmp.resolve("gone/x").toString()));
    }

    @Test
    void theScannerRefusesAnInputOutsideTheRootsUnopened() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path doc = outside.resolve("0dad432b-16cc-4bf0-8961-fd31d124b01b.json");
        Files.writeString(doc, "{\"secret\": true}");
        InputScanner scanner = new InputScanner(1 << 20, new InputRoots(List.of(root.toString())));
        List<InputItem> items = new ArrayList<>();
        scanner.scan(List.of(doc, outside, Files.createSymbolicLink(root.resolve("l.json"), doc)), items::add);
        assertEquals(3, items.size(), items.toString());
        for (InputItem item : items) {
            assertTrue(item instanceof InputItem.BadItem, item.toString());
            assertEquals(InputRoots.REFUSED, ((InputItem.BadItem) item).reason());
        }
        assertEquals(3, scanner.countCandidates(List.of(doc, outside, root.resolve("l.json"))));
    }
}
