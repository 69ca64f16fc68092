package io.genrestack.evaluator;

import io.genrestack.common.storage.ObjectStore;
import io.genrestack.common.storage.RunPaths;
import io.genrestack.platform.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The runs found in object storage ({@code runs/<id>/}) and when each was created: the oldest object directly under
 * the run's folder (its {@code run.json}, written when the run starts).
 */
@ApplicationScoped
public class RunCatalog {
    @Inject
    Infrastructure infra;

    /** A run folder: its id and creation time (null when the folder holds only sub-folders). */
    public record RunFolder(String runId, Instant created) {}

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
        return infra.store().anyUnder(RunPaths.run(runId));
    }

    private Instant created(String runId) {
        Instant oldest = null;
        for (ObjectStore.Entry e : infra.store().listFiles(RunPaths.run(runId))) {
            if (e.lastModified() != null && (oldest == null || e.lastModified().isBefore(oldest))) {
                oldest = e.lastModified();
            }
        }
        return oldest;
    }
}
