package io.genrestack.ml;

import java.io.IOException;
import java.util.Optional;

/**
 * Stores training checkpoints so an interrupted run can resume. {@link MlpTrainer} saves one after every epoch and
 * asks for {@link #latest()} before starting. Implementations: {@link InMemoryCheckpointer},
 * {@link DirectoryCheckpointer}; services add object-storage ones using {@link Checkpoint#toBytes()}.
 */
public interface Checkpointer {

    void save(Checkpoint checkpoint) throws IOException;

    Optional<Checkpoint> latest() throws IOException;

    /** A checkpointer that stores nothing (no resume). */
    static Checkpointer none() {
        return new Checkpointer() {
            @Override
            public void save(Checkpoint checkpoint) {}

            @Override
            public Optional<Checkpoint> latest() {
                return Optional.empty();
            }
        };
    }
}
