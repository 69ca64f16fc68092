package io.genrestack.evaluator;

import io.genrestack.common.storage.RunPaths;
import io.genrestack.common.storage.StorageConfig;
import io.genrestack.common.storage.StorageException;
import io.genrestack.platform.Infrastructure;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The runs found in object storage ({@code runs/<id>/}) and when each was created: the oldest object directly under
 * the run's folder (its {@code run.json}, written when the run starts). {@link io.genrestack.common.storage.ObjectStore}
 * lists names only, so this keeps its own client on the same settings for the modification times.
 */
@ApplicationScoped
public class RunCatalog {
    @Inject
    Infrastructure infra;

    private MinioClient client;

    /** A run folder: its id and creation time (null when the folder holds only sub-folders). */
    public record RunFolder(String runId, Instant created) {
    }

    void onStop(@Observes ShutdownEvent ev) throws Exception {
        if (client != null) {
            client.close();
        }
    }

    private synchronized MinioClient client() {
        if (client == null) {
            StorageConfig c = infra.store().config();
            client = MinioClient.builder().endpoint(c.endpoint()).credentials(c.accessKey(), c.secretKey())
                    .region(c.region()).build();
        }
        return client;
    }

    /** Every run folder with its creation time. */
    public List<RunFolder> runs() {
        List<RunFolder> out = new ArrayList<>();
        for (String prefix : infra.store().listPrefixes(RunPaths.RUNS)) {
            String id = prefix.substring(RunPaths.RUNS.length(), prefix.length() - 1);
            out.add(new RunFolder(id, created(id)));
        }
        return out;
    }

    /** True when anything is stored under {@code runs/<id>/}. */
    public boolean exists(String runId) {
        try {
            for (Result<Item> r : client().listObjects(ListObjectsArgs.builder().bucket(infra.store().bucket())
                    .prefix(RunPaths.run(runId)).recursive(false).maxKeys(1).build())) {
                r.get();
                return true;
            }
            return false;
        } catch (Exception e) {
            throw new StorageException("object storage list " + RunPaths.run(runId) + " failed: " + e, e, false);
        }
    }

    private Instant created(String runId) {
        Instant oldest = null;
        try {
            for (Result<Item> r : client().listObjects(ListObjectsArgs.builder().bucket(infra.store().bucket())
                    .prefix(RunPaths.run(runId)).recursive(false).build())) {
                Item item = r.get();
                if (!item.isDir() && item.lastModified() != null) {
                    Instant t = item.lastModified().toInstant();
                    oldest = oldest == null || t.isBefore(oldest) ? t : oldest;
                }
            }
        } catch (Exception e) {
            throw new StorageException("object storage list " + RunPaths.run(runId) + " failed: " + e, e, false);
        }
        return oldest;
    }
}
