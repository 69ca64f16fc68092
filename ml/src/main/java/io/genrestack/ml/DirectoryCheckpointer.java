package io.genrestack.ml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Keeps the latest checkpoint as {@code <dir>/checkpoint.bin} in {@link Checkpoint#toBytes()} format. Writes go to a
 * temporary file that is then atomically renamed, so a crash mid-write leaves the previous checkpoint intact.
 */
public final class DirectoryCheckpointer implements Checkpointer {
    /** File name of the checkpoint inside the directory. */
    public static final String FILE = "checkpoint.bin";

    private final Path dir;

    public DirectoryCheckpointer(Path dir) {
        this.dir = dir;
    }

    public Path file() {
        return dir.resolve(FILE);
    }

    @Override
    public void save(Checkpoint checkpoint) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "checkpoint", ".tmp");
        try {
            Files.write(tmp, checkpoint.toBytes());
            Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public Optional<Checkpoint> latest() throws IOException {
        Path f = file();
        if (!Files.exists(f)) return Optional.empty();
        return Optional.of(Checkpoint.fromBytes(Files.readAllBytes(f)));
    }
}
