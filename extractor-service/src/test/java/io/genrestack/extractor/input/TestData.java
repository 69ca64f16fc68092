package io.genrestack.extractor.input;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the real shared test data (see shared/data/README.md). */
public final class TestData {

    private TestData() {}

    /** {@code -Dgenrestack.shared.data} when set, else {@code <repo root>/../shared/data}; fails when absent. */
    public static Path sharedData() {
        String explicit = System.getProperty("genrestack.shared.data");
        Path dir = explicit != null && !explicit.isBlank()
                ? Path.of(explicit)
                : Path.of(System.getProperty("genrestack.repo.root", "."))
                        .resolve("../shared/data")
                        .normalize();
        if (!Files.isDirectory(dir.resolve("acousticbrainz"))) {
            throw new IllegalStateException("shared test data not found at " + dir.toAbsolutePath()
                    + " (set -Dgenrestack.shared.data=/path/to/shared/data)");
        }
        return dir;
    }

    public static Path lowlevel() {
        return sharedData().resolve("acousticbrainz/lowlevel");
    }

    public static Path archives() {
        return sharedData().resolve("acousticbrainz/archives");
    }

    public static Path groundtruth() {
        return sharedData().resolve("groundtruth");
    }
}
