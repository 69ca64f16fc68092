package io.genrestack.common.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real AcousticBrainz low-level JSONs from the shared data directory (see shared/data/README.md). */
final class SharedData {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private SharedData() {}

    static Path dir() {
        String explicit = System.getProperty("genrestack.shared.data");
        Path p = explicit != null && !explicit.isBlank()
                ? Path.of(explicit)
                : Path.of(System.getProperty("genrestack.repo.root", "."))
                        .resolve("../shared/data")
                        .normalize();
        assertTrue(
                Files.isDirectory(p.resolve("acousticbrainz/lowlevel")),
                "shared data not found at " + p.toAbsolutePath() + " (set -Dgenrestack.shared.data)");
        return p;
    }

    static List<Path> jsonFiles(String sub) {
        try (Stream<Path> s = Files.list(dir().resolve("acousticbrainz").resolve(sub))) {
            return s.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> lowlevel() {
        return jsonFiles("lowlevel");
    }

    static List<Path> edge() {
        return jsonFiles("lowlevel-edge");
    }

    /** The JSON documents inside the two MediaEval archives (AppleDouble "._*" and .DS_Store skipped). */
    static Map<String, byte[]> archiveJsons() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir().resolve("acousticbrainz/archives"))) {
            for (Path archive :
                    s.filter(f -> f.toString().endsWith(".tar.bz2")).sorted().toList()) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(archive));
                        TarArchiveInputStream tar = new TarArchiveInputStream(new BZip2CompressorInputStream(in))) {
                    TarArchiveEntry e;
                    while ((e = tar.getNextEntry()) != null) {
                        String base = Path.of(e.getName()).getFileName().toString();
                        if (e.isFile() && base.endsWith(".json") && !base.startsWith("._")) {
                            out.put(archive.getFileName() + "!" + e.getName(), tar.readAllBytes());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Every real document: 10 shared, 5 edge, 2 from the archives, by display name. */
    static Map<String, byte[]> allDocuments() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>(lowlevel());
        files.addAll(edge());
        for (Path f : files) {
            out.put(f.getParent().getFileName() + "/" + f.getFileName(), bytes(f));
        }
        out.putAll(archiveJsons());
        return out;
    }

    static byte[] bytes(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode tree(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode tree(Path f) {
        return tree(bytes(f));
    }
}
