package io.genrestack.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared real test data (AcousticBrainz features, ground truth) that sits beside the
 * repository, not inside it.
 *
 * <p>Order: system property {@code genrestack.shared.data}, environment variable
 * {@code GENRESTACK_SHARED_DATA}, else {@code <repo root>/../shared/data} where the repo root is
 * the system property {@code genrestack.repo.root} or {@link LocalInfra#repoRoot()}.
 */
public final class SharedData {

    public static final String PROPERTY = "genrestack.shared.data";
    public static final String ENV = "GENRESTACK_SHARED_DATA";

    private SharedData() {}

    /**
     * The shared data folder.
     *
     * @throws IllegalStateException when it does not exist (the message says where it looked and
     *                               how to point at it)
     */
    public static Path dir() {
        String where;
        Path dir;
        String prop = System.getProperty(PROPERTY);
        String env = System.getenv(ENV);
        if (prop != null && !prop.isBlank()) {
            dir = Path.of(prop.strip());
            where = "system property " + PROPERTY;
        } else if (env != null && !env.isBlank()) {
            dir = Path.of(env.strip());
            where = "environment variable " + ENV;
        } else {
            String rootProp = System.getProperty("genrestack.repo.root");
            Path root;
            try {
                root = rootProp != null && !rootProp.isBlank() ? Path.of(rootProp) : LocalInfra.repoRoot();
            } catch (IllegalStateException e) {
                throw new IllegalStateException(
                        "Shared data not found: no repository root (" + e.getMessage() + "); set -D" + PROPERTY
                                + "=<path of shared/data>",
                        e);
            }
            dir = root.resolve("../shared/data");
            where = "<repo root>/../shared/data";
        }
        dir = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("Shared data folder " + dir + " (from " + where + ") does not exist;"
                    + " set -D" + PROPERTY + "=<path of shared/data> or " + ENV);
        }
        return dir;
    }

    /**
     * A file or folder inside the shared data folder.
     *
     * @throws IllegalStateException when it does not exist
     */
    public static Path resolve(String relative) {
        Path p = dir().resolve(relative).normalize();
        if (!Files.exists(p)) {
            throw new IllegalStateException("Shared data has no " + relative + " (looked for " + p + ")");
        }
        return p;
    }
}
