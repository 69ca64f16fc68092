package io.genrestack.trainer;

import io.genrestack.common.storage.ObjectStore;
import io.genrestack.ml.Checkpoint;
import io.genrestack.ml.Checkpointer;

import java.io.IOException;
import java.util.Comparator;
import java.util.Optional;

/**
 * Checkpoints in object storage: {@code <prefix>epoch-<n>} per epoch ({@link Checkpoint#toBytes()}), so a
 * restarted trainer, on any instance, resumes after the last finished epoch. Older epochs are kept (small: two
 * parameter sets each) so a run's training can be inspected; cleaning a run removes them with the run.
 */
final class ObjectStoreCheckpointer implements Checkpointer {
    private final ObjectStore store;
    private final String prefix;

    ObjectStoreCheckpointer(ObjectStore store, String prefix) {
        this.store = store;
        this.prefix = prefix;
    }

    @Override
    public void save(Checkpoint checkpoint) throws IOException {
        store.put(prefix + "epoch-" + checkpoint.epoch(), checkpoint.toBytes(), "application/octet-stream");
    }

    @Override
    public Optional<Checkpoint> latest() throws IOException {
        Optional<String> last = store.list(prefix).stream()
                .filter(k -> k.substring(prefix.length()).startsWith("epoch-"))
                .max(Comparator.comparingInt(k -> Integer.parseInt(k.substring(k.lastIndexOf('-') + 1))));
        if (last.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Checkpoint.fromBytes(store.get(last.get())));
    }
}
