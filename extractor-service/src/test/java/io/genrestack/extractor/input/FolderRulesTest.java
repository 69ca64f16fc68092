package io.genrestack.extractor.input;

import io.genrestack.extractor.input.InputItem.JsonDoc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.genrestack.extractor.input.InputScannerTest.bad;
import static io.genrestack.extractor.input.InputScannerTest.docs;
import static io.genrestack.extractor.input.InputScannerTest.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Junk, order, links and sizes in plain folders. */
class FolderRulesTest {

    private static final String A = "aaaaaaaa-1111-4111-8111-111111111111";
    private static final String B = "bbbbbbbb-2222-4222-8222-222222222222";

    private static void write(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    @Test
    void junkSkippedLinksCheckedOrderSorted(@TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("in");
        write(root.resolve("b/" + B + ".json"), "{}");
        write(root.resolve("a/" + A + "-3.json"), "{\"a\":1}");
        write(root.resolve("a/._" + A + "-3.json"), "\0\5\u0016\u0007");
        write(root.resolve("a/.DS_Store"), "junk");
        write(root.resolve("__MACOSX/a/" + A + ".json"), "junk");
        write(root.resolve("a/b/" + A + "-1.json"), "{}");
        write(tmp.resolve("outside/" + B + "-9.json"), "{}");
        Files.createSymbolicLink(root.resolve("a/" + B + "-4.json"), root.resolve("b/" + B + ".json"));
        Files.createSymbolicLink(root.resolve("a/" + B + "-5.json"), tmp.resolve("outside/" + B + "-9.json"));
        Files.createSymbolicLink(root.resolve("loop"), root);

        InputScanner scanner = new InputScanner();
        List<InputItem> items = scan(scanner, root);
        // depth-first, each folder's entries by name: "a/b" (folder b) sorts before "a/bbbbbbbb-...".
        assertEquals(
                List.of(
                        "in/a/" + A + "-3.json",
                        "in/a/b/" + A + "-1.json",
                        "in/a/" + B + "-4.json",
                        "in/b/" + B + ".json"),
                docs(items).stream().map(JsonDoc::name).toList());
        assertEquals(
                List.of(A, A, B, B), docs(items).stream().map(JsonDoc::mbid).toList());
        Map<String, String> bad = bad(items);
        assertEquals(2, bad.size(), bad::toString);
        assertEquals(
                InputScanner.LINK_REFUSED + " (target outside the input folder)", bad.get("in/a/" + B + "-5.json"));
        assertEquals(InputScanner.LINK_REFUSED + " (target is not a regular file)", bad.get("in/loop"));
        // junk and the __MACOSX folder are not counted; files and links are
        assertEquals(6, scanner.countCandidates(List.of(root)));
    }
}
