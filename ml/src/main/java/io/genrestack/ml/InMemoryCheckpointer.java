package io.genrestack.ml;

import java.util.Optional;

/** Keeps the latest checkpoint in memory (tests, and resuming after a recoverable error within one process). */
public final class InMemoryCheckpointer implements Checkpointer {
    private volatile Checkpoint latest;
    private volatile int saves;

    @Override
    public void save(Checkpoint checkpoint) {
        latest = checkpoint;
        saves++;
    }

    @Override
    public Optional<Checkpoint> latest() {
        return Optional.ofNullable(latest);
    }

    /** How many checkpoints were saved. */
    public int saves() {
        return saves;
    }

    public void clear() {
        latest = null;
    }
}
