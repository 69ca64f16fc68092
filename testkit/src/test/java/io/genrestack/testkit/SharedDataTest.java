package io.genrestack.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SharedData} follows the property, else the repo root, and fails clearly when missing. */
class SharedDataTest {

    private static void withProperty(String name, String value, Runnable body) {
        String old = System.getProperty(name);
        try {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
            body.run();
        } finally {
            if (old == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, old);
            }
        }
    }

    @Test
    void usesThePropertyWhenSet(@TempDir Path tmp) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("README.md"), "x");
        withProperty(SharedData.PROPERTY, data.toString(), () -> {
            assertEquals(data.toAbsolutePath().normalize(), SharedData.dir());
            assertEquals(data.resolve("README.md").toAbsolutePath().normalize(), SharedData.resolve("README.md"));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> SharedData.resolve("nope.csv"));
            assertTrue(e.getMessage().contains("nope.csv"), e.getMessage());
        });
    }

    @Test
    void fallsBackToSharedBesideTheRepoRoot(@TempDir Path tmp) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Path data = Files.createDirectories(tmp.resolve("shared/data"));
        withProperty(
                SharedData.PROPERTY,
                null,
                () -> withProperty("genrestack.repo.root", repo.toString(), () -> {
                    if (System.getenv(SharedData.ENV) == null) {
                        assertEquals(data.toAbsolutePath().normalize(), SharedData.dir());
                    }
                }));
    }

    @Test
    void failsWithAClearMessageWhenMissing(@TempDir Path tmp) {
        withProperty(SharedData.PROPERTY, tmp.resolve("absent").toString(), () -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, SharedData::dir);
            assertTrue(
                    e.getMessage().contains("absent") && e.getMessage().contains(SharedData.PROPERTY), e.getMessage());
        });
    }

    @Test
    void findsTheRealSharedDataWhenConfigured() {
        // Real data: -Dgenrestack.shared.data=/work/shared/data here, <repo>/../shared/data in CI.
        Path dir;
        try {
            dir = SharedData.dir();
        } catch (IllegalStateException e) {
            org.junit.jupiter.api.Assumptions.abort("no shared data here: " + e.getMessage());
            return;
        }
        assertTrue(Files.isRegularFile(dir.resolve("README.md")), "shared data without README.md: " + dir);
    }
}
