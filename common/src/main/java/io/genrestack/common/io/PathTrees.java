package io.genrestack.common.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** File-tree helpers shared by the stages, the CLI and tests. */
public final class PathTrees {
    private PathTrees() {}

    /**
     * Deletes {@code root} and everything below it (deepest first; links below it are deleted, not followed). Does
     * nothing when {@code root} does not exist.
     */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
